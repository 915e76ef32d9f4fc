// apt's JSON hooks (AptCli::Hooks::Install and ::Upgrade; apt's
// doc/json-hooks-protocol.md, apt >= 1.6): the messages, read. Pure: the
// socket is the caller's (apt-json-socket.ts).
//
// apt starts the hook once per notification: the hello (whose `options`
// carry apt's whole configuration since apt 2.9.11), then one notification,
// then bye, each one line of JSON ending in an empty line. The notification
// that counts is install.pre-prompt: the transaction apt resolved, before
// APT::Install::Pre-Invoke, the prompt and the download
// (apt-private/private-install.cc, private-upgrade.cc).

import { UsageError } from '../../exit-codes.js';
import type { TxPackage } from '../../types.js';

export const PRE_PROMPT = 'org.debian.apt.hooks.install.pre-prompt';

/** Bad input from apt: exit 2 with this one line, never a stack trace. */
export class JsonHookError extends UsageError {}

/** What apt will do to one package (private-json-hooks.cc NotifyHook: only packages whose mode is install or delete). */
export type JsonMode = 'install' | 'upgrade' | 'downgrade' | 'reinstall' | 'deinstall' | 'purge';

export interface JsonPackage {
  name: string;
  mode: JsonMode;
  /** Marked automatically installed: pulled in, not asked for. */
  automatic: boolean;
  /** The package's architecture, and the version apt will install (versions.install), where apt said. */
  architecture?: string;
  version?: string;
}

export interface JsonNotification {
  method: string;
  /** The command apt was given ("install", "purge" …), and its other words (package names, .deb files). */
  command: string | null;
  searchTerms: string[];
  packages: JsonPackage[];
}

export interface JsonHello {
  /** The protocol versions apt offers ("0.1", "0.2"). */
  versions: string[];
  /** apt's configuration (apt >= 2.9.11), keys in lower case, the last value of a key; null when apt sent none. */
  options: Map<string, string> | null;
  /** The values of a list (`DPkg::Options::`), in order, by the list's lower-case key; empty without options. */
  lists: Map<string, string[]>;
}

function parseMessage(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new JsonHookError(`apt JSON hook: the ${what} is not JSON (${JSON.stringify(text.slice(0, 60))})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new JsonHookError(`apt JSON hook: the ${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const record = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function parseHello(text: string): JsonHello {
  const msg = parseMessage(text, 'hello');
  if (msg.method !== 'org.debian.apt.hooks.hello')
    throw new JsonHookError(
      `apt JSON hook: expected the hello, got ${JSON.stringify(String(msg.method ?? '')).slice(0, 60)}`,
    );
  const params = record(msg.params);
  const lists = new Map<string, string[]>();
  let options: Map<string, string> | null = null;
  if (Array.isArray(params.options)) {
    options = new Map();
    for (const o of params.options) {
      const { name, value } = record(o);
      if (typeof name !== 'string' || typeof value !== 'string') continue;
      const key = name.toLowerCase();
      // A list item is named after its list with "::" and its own (often empty) tag.
      const at = key.lastIndexOf('::');
      if (at > 0) {
        const list = key.slice(0, at);
        lists.set(list, [...(lists.get(list) ?? []), value]);
      }
      options.set(key, value);
    }
  }
  return { versions: strings(params.versions), options, lists };
}

/** The version usr-guard answers with: 0.2 (the modes upgrade, reinstall …) where apt offers it. */
export function helloAnswer(hello: JsonHello): string {
  const version = hello.versions.includes('0.2') ? '0.2' : '0.1';
  return `${JSON.stringify({ jsonrpc: '2.0', id: 0, result: { version } })}\n\n`;
}

const MODES = new Set<string>(['install', 'upgrade', 'downgrade', 'reinstall', 'deinstall', 'purge']);

export function parseNotification(text: string): JsonNotification {
  const msg = parseMessage(text, 'notification');
  if (typeof msg.method !== 'string') throw new JsonHookError('apt JSON hook: the notification names no method');
  const params = record(msg.params);
  const packages: JsonPackage[] = [];
  for (const p of Array.isArray(params.packages) ? params.packages : []) {
    const { name, mode, automatic, architecture, versions } = record(p);
    // "keep" and modes to come change nothing usr-guard knows of.
    if (typeof name !== 'string' || typeof mode !== 'string' || !MODES.has(mode)) continue;
    const version = record(record(versions).install).version;
    packages.push({
      name,
      mode: mode as JsonMode,
      automatic: automatic === true || automatic === 1,
      ...(typeof architecture === 'string' ? { architecture } : {}),
      ...(typeof version === 'string' ? { version } : {}),
    });
  }
  return {
    method: msg.method,
    command: typeof params.command === 'string' ? params.command : null,
    searchTerms: strings(params['search-terms']),
    packages,
  };
}

const REMOVALS = new Set<JsonMode>(['deinstall', 'purge']);

/** What the pre-prompt's transaction does, for the decision and the words. */
export interface JsonTransaction {
  /** Every package it changes. */
  changed: string[];
  /** Asked for (not pulled in), and added, upgraded or reinstalled. */
  added: string[];
  /** Asked for, and removed. */
  removed: string[];
  purge: boolean;
  /** Every package, with its version: what the room check sizes. */
  packages: TxPackage[];
}

export function transactionOf(n: JsonNotification): JsonTransaction {
  const asked = new Set(n.searchTerms.map((t) => t.replace(/[:=/].*$/, '')));
  const removals = n.packages.filter((p) => REMOVALS.has(p.mode));
  const additions = n.packages.filter((p) => !REMOVALS.has(p.mode));
  // What was asked for: not marked automatic; of removals, the ones named (apt removes what depends on them too).
  const named = removals.filter((p) => asked.has(p.name));
  return {
    changed: n.packages.map((p) => p.name),
    added: additions.filter((p) => !p.automatic).map((p) => p.name),
    removed: (named.length > 0 ? named : removals).map((p) => p.name),
    purge: removals.some((p) => p.mode === 'purge'),
    packages: n.packages.map((p) => ({
      name: p.name,
      ...(p.architecture ? { arch: p.architecture } : {}),
      ...(p.version ? { version: p.version } : {}),
      ...(REMOVALS.has(p.mode) ? { removal: true } : {}),
    })),
  };
}
