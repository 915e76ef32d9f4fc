// DPkg::Pre-Install-Pkgs protocol version 2/3 (apt.conf(5)): "VERSION N", the
// configuration as %-encoded key=value lines, a blank line, then one action line
// per package. Pure; the caller reads the text from $APT_HOOK_INFO_FD.

import { UsageError } from '../../exit-codes.js';
import { aptBool } from './cmdline.js';

export interface HookAction {
  name: string;
  action: 'configure' | 'remove' | 'unpack' | 'error';
  /** The new version and its architecture (v3), and the .deb an unpack takes. */
  version?: string;
  arch?: string;
  file?: string;
}

export interface HookInfo {
  version: number;
  config: Map<string, string[]>;
  actions: HookAction[];
}

/** Bad input from apt: exit 2 with this one line, never a stack trace. */
export class HookInfoError extends UsageError {}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // apt only encodes a few characters; a stray % is kept as it is
  }
}

function actionOf(word: string): HookAction['action'] {
  if (word === '**CONFIGURE**') return 'configure';
  if (word === '**REMOVE**') return 'remove';
  if (word === '**ERROR**') return 'error';
  return 'unpack'; // a .deb path
}

export function parseHookInfo(text: string): HookInfo {
  const lines = text.split('\n');
  const head = /^VERSION (\d+)$/.exec(lines[0] ?? '');
  if (!head) {
    throw new HookInfoError(
      `apt hook input does not start with "VERSION 2" or "VERSION 3" (got ${JSON.stringify((lines[0] ?? '').slice(0, 60))}); set DPkg::Tools::Options::<hook>::Version "3"`,
    );
  }
  const version = Number(head[1]);
  const config = new Map<string, string[]>();
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]!;
    const eq = line.indexOf('=');
    if (eq < 0)
      throw new HookInfoError(
        `apt hook input line ${i + 1}: expected key=value, got ${JSON.stringify(line.slice(0, 60))}`,
      );
    // Lists come as "key::=value"; keys are case-insensitive in apt.
    const key = percentDecode(line.slice(0, eq)).replace(/::$/, '').toLowerCase();
    config.set(key, [...(config.get(key) ?? []), percentDecode(line.slice(eq + 1))]);
  }
  const actions: HookAction[] = [];
  for (i++; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue;
    // v2: name old < new action (5 fields); v3 adds arch and multi-arch after each version (9).
    const expected = version >= 3 ? 9 : 5;
    if (fields.length !== expected) {
      throw new HookInfoError(
        `apt hook input line ${i + 1}: expected ${expected} fields for version ${version}, got ${fields.length}`,
      );
    }
    const action = actionOf(fields[expected - 1]!);
    // v3: NAME OLD OLDARCH OLDMA CMP NEW NEWARCH NEWMA ACTION ("-" where there is no version); v2: NAME OLD CMP NEW ACTION.
    const newVersion = fields[version >= 3 ? 5 : 3]!;
    const arch = version >= 3 ? fields[6]! : '-';
    actions.push({
      name: fields[0]!,
      action,
      ...(newVersion !== '-' ? { version: newVersion } : {}),
      ...(arch !== '-' ? { arch } : {}),
      ...(action === 'unpack' ? { file: fields[expected - 1]! } : {}),
    });
  }
  return { version, config, actions };
}

export function configValue(info: HookInfo, key: string): string | undefined {
  const v = info.config.get(key.toLowerCase());
  return v ? v[v.length - 1] : undefined;
}

/**
 * The root dpkg will write to: its own --root or --instdir among DPkg::Options
 * (the last one wins, as in dpkg; "--root" and its folder may be two items),
 * or undefined. Dir and RootDir only move where apt reads its files: dpkg still
 * installs into /. DPkg::Chroot-Directory is no root here: apt runs the hook
 * inside that chroot already.
 */
export function hookRoot(info: HookInfo): string | undefined {
  return dpkgOptionsRoot(info.config.get('dpkg::options') ?? []);
}

/** The root that DPkg::Options give dpkg (--root or --instdir, the last one winning, its value in the same item or the next), or undefined. */
export function dpkgOptionsRoot(opts: string[]): string | undefined {
  let root: string | undefined;
  for (let i = 0; i < opts.length; i++) {
    const m = /^--(root|instdir)(=(.*))?$/.exec(opts[i]!);
    if (!m) continue;
    const value = m[2] !== undefined ? m[3]! : opts[++i];
    if (value !== undefined) root = value;
  }
  return root;
}

export function hookAssumeYes(info: HookInfo): boolean {
  return aptBool(configValue(info, 'APT::Get::Assume-Yes') ?? '', 0) === 1;
}
