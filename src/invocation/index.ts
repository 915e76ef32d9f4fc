// Build the Invocation for `usr-guard check --caller NAME`: who calls, what the
// command does, which root, whether a person can answer, and which run it is
// part of. This is the edge that reads /proc, /dev/tty and the hooks' pipes;
// the parsers it uses are pure. One folder per family: apt/ (apt and dpkg), dnf/, pacman/.

import { closeSync, openSync } from 'node:fs';
import type { Invocation } from '../types.js';
import { argvOf, frontendOf, parentOf } from './proc.js';
import { aptInvocation } from './apt/apt.js';
import type { CheckOptions } from './options.js';
import { normaliseRoot, rootOf } from './root.js';
import { dnfInvocation } from './dnf/dnf.js';
import { dpkgInvocation } from './apt/dpkg.js';
import { hookRunner, readRun, runKey } from '../runstate/run-record.js';
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

function genericInvocation(opts: CheckOptions): Invocation {
  return {
    caller: opts.caller,
    manager: 'apt',
    frontend: opts.command ? opts.command.split(' ')[0]! : 'usr-guard',
    changes: !opts.readOnly && !opts.downloadOnly && !opts.assumeNo,
    root: normaliseRoot(opts.root ?? '/'),
    interactive: !opts.assumeYes,
    role: 'decide',
    packages: opts.packages,
    operation: opts.packages.length > 0 ? 'install' : 'other',
    runKey: null,
    said: null,
  };
}

/**
 * The run a hook of apt or dpkg is part of: the process that runs the hook
 * lines (apt, aptitude, python-apt's python; dpkg), or for a dpkg that a front
 * end runs (under its lock, or on its own, as aptitude's `dpkg --configure -a`
 * after a failure), that front end. dnf's hooks tell each other by USR_GUARD_DECIDED.
 */
function runOf(inv: Invocation, ppid: number): string | null {
  if (inv.manager !== 'apt' || inv.caller === 'cli') return null;
  const runner = hookRunner(ppid);
  if (inv.caller !== 'dpkg') return runKey(runner);
  const parent = hookRunner(parentOf(runner) ?? runner);
  return runKey(inv.role === 'backstop' || frontendOf(argvOf(parent) ?? []) !== null ? parent : runner);
}

/** The invocation, with `interactive` only true when a terminal is really there. */
export async function buildInvocation(
  opts: CheckOptions,
  args: string[],
  env: NodeJS.ProcessEnv,
  ppid: number,
  hasTerminal: () => boolean,
): Promise<Invocation> {
  let inv: Invocation;
  if (opts.caller === 'apt' || opts.caller === 'apt-json' || opts.caller === 'apt-dpkg' || opts.caller === 'apt-pkgs')
    inv = await aptInvocation(opts, env, ppid);
  else if (opts.caller === 'dpkg') inv = await dpkgInvocation(opts, env, ppid);
  else if (opts.caller === 'dnf' || opts.caller === 'dnf5' || opts.caller === 'dnf-shim')
    inv = await dnfInvocation(opts, args, env);
  else if (opts.caller === 'pacman') inv = pacmanInvocation(ppid, readTargets());
  else inv = genericInvocation(opts);
  // Opening /dev/tty is only worth it when the answer could matter.
  if (inv.interactive && !hasTerminal()) {
    inv.interactive = false;
    inv.notAsked = 'there is no terminal to ask on';
  }
  inv.root = rootOf(inv.root);
  inv.runKey = runOf(inv, ppid);
  inv.said = readRun(inv.runKey);
  // Pre-Install-Pkgs backs up apt's own hooks; where none of them spoke in node this run
  // (walked around, or the shell replayed a record that no longer holds), it decides.
  if (inv.caller === 'apt-pkgs' && inv.said === null) inv.role = 'decide';
  return inv;
}
