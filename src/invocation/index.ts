// Build the Invocation for `usr-guard check --caller NAME`: who calls, what the
// command does, which root, whether a person can answer, and which run it is
// part of (src/runstate/index.ts sets who speaks). This is the edge that reads
// /proc, /dev/tty and the hooks' pipes; the parsers it uses are pure. One
// folder per family: apt/ (apt and dpkg), dnf/, pacman/.

import { closeSync, openSync } from 'node:fs';
import type { Invocation } from '../types.js';
import { aptInvocation } from './apt/apt.js';
import type { CheckOptions } from './options.js';
import { normaliseRoot, rootOf } from './root.js';
import { dnfInvocation } from './dnf/dnf.js';
import { dpkgInvocation } from './apt/dpkg.js';
import { type Asked, type HookFacts, type RunFacts, settle } from '../runstate/index.js';
import { pacmanInvocation, readTargets } from './pacman/pacman.js';

/** A person can answer: /dev/tty opens (it does not without a controlling terminal). */
export function terminalAvailable(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r+'));
    return true;
  } catch {
    return false;
  }
}

function genericInvocation(opts: CheckOptions): Asked {
  return {
    caller: opts.caller,
    manager: 'apt',
    frontend: opts.command ? opts.command.split(' ')[0]! : 'usr-guard',
    changes: !opts.readOnly && !opts.downloadOnly && !opts.assumeNo,
    root: normaliseRoot(opts.root ?? '/'),
    interactive: !opts.assumeYes,
    packages: opts.packages,
    operation: opts.packages.length > 0 ? 'install' : 'other',
  };
}

/** What the caller asks, read from its own place (command line, transaction, hook input). */
async function asked(
  opts: CheckOptions,
  args: string[],
  env: NodeJS.ProcessEnv,
  ppid: number,
): Promise<{ asked: Asked; hook: HookFacts }> {
  switch (opts.caller) {
    case 'apt':
    case 'apt-json':
    case 'apt-pkgs':
      return aptInvocation(opts, env, ppid);
    case 'dpkg':
      return { asked: await dpkgInvocation(opts, env, ppid), hook: {} };
    case 'dnf':
    case 'dnf5':
    case 'dnf-shim':
      return { asked: await dnfInvocation(opts, args, env), hook: {} };
    case 'pacman':
      return { asked: pacmanInvocation(ppid, readTargets()), hook: {} };
    default:
      return { asked: genericInvocation(opts), hook: {} };
  }
}

/** The invocation, with `interactive` only true when a terminal is really there, and who speaks (runstate). */
export async function buildInvocation(
  opts: CheckOptions,
  args: string[],
  env: NodeJS.ProcessEnv,
  ppid: number,
  hasTerminal: () => boolean,
  usr: RunFacts['usr'],
): Promise<Invocation> {
  const { asked: inv, hook } = await asked(opts, args, env, ppid);
  // Opening /dev/tty is only worth it when the answer could matter.
  if (inv.interactive && !hasTerminal()) {
    inv.interactive = false;
    inv.notAsked = 'there is no terminal to ask on';
  }
  inv.root = rootOf(inv.root);
  return settle(inv, hook, usr, env, ppid);
}
