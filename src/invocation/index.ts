// Build the Invocation for `usr-guard check --caller NAME`: who calls, what the
// command does, which root, and whether a person can answer. This is the edge
// that reads /proc, /dev/tty and apt's hook pipe; the parsers it uses are pure.

import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Caller, Invocation } from '../types.js';
import { argvOf, base, findFrontend, frontendOf } from './ancestry.js';
import { debPackageName, normaliseRoot, parseAptArgv } from './apt-argv.js';
import { hookAssumeYes, hookRoot, parseHookInfo } from './apt-hook-info.js';
import { parseDnfArgv } from './dnf-argv.js';

export interface CheckOptions {
  caller: Caller;
  command?: string;
  root?: string;
  downloadOnly: boolean;
  assumeYes: boolean;
  assumeNo: boolean;
  readOnly: boolean;
  packages: string[];
}

/** A person can answer: /dev/tty opens (it does not without a controlling terminal). */
export function terminalAvailable(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r+'));
    return true;
  } catch {
    return false;
  }
}

const APT_CLIS = new Set(['apt', 'apt-get']);

function aptInvocation(opts: CheckOptions, env: NodeJS.ProcessEnv, ppid: number): Invocation {
  const fe = findFrontend(ppid);
  const cmd = parseAptArgv(fe?.argv ?? []);
  const frontend = fe?.name ?? 'apt';
  // APT::Install::Pre-Invoke only fires in apt and apt-get and decides for the run;
  // the DPkg::* hooks fire for every libapt front end, after the download.
  let role: Invocation['role'] = 'decide';
  if (opts.caller !== 'apt') role = APT_CLIS.has(frontend) ? 'backstop' : opts.caller === 'apt-dpkg' ? 'guard' : 'decide';
  const inv: Invocation = {
    caller: opts.caller,
    manager: 'apt',
    frontend,
    changes: !cmd.readOnly,
    root: cmd.root,
    interactive: !cmd.assumeYes && env.DEBIAN_FRONTEND !== 'noninteractive',
    role,
    packages: cmd.packages,
    commandLine: fe ? [fe.name, ...fe.argv].join(' ') : undefined,
  };
  if (opts.caller === 'apt-pkgs') {
    // The v3 list: the configuration apt really uses (its root, Assume-Yes) and the packages.
    const fd = Number(env.APT_HOOK_INFO_FD ?? '0');
    const info = parseHookInfo(readFileSync(fd, 'utf8'));
    const root = normaliseRoot(hookRoot(info));
    if (root !== '/') inv.root = root;
    if (hookAssumeYes(info)) inv.interactive = false;
    inv.packages = [...new Set(info.actions.filter((a) => a.action !== 'configure').map((a) => a.name))];
    if (info.actions.length === 0) inv.changes = false;
  }
  return inv;
}

function dpkgInvocation(opts: CheckOptions, env: NodeJS.ProcessEnv, ppid: number): Invocation {
  const action = env.DPKG_HOOK_ACTION ?? '';
  const fe = findFrontend(ppid);
  const packages = (fe?.argv ?? []).filter((a) => !a.startsWith('-')).map(debPackageName);
  return {
    caller: 'dpkg',
    manager: 'apt',
    frontend: 'dpkg',
    // Under apt (DPKG_FRONTEND_LOCKED) apt's own hooks have decided. Architecture
    // changes only touch dpkg's database, not /usr.
    changes: env.DPKG_FRONTEND_LOCKED !== 'true' && !/^(add|remove)-architecture$/.test(action),
    root: normaliseRoot(env.DPKG_ROOT || '/'),
    interactive: env.DEBIAN_FRONTEND !== 'noninteractive',
    role: 'decide',
    packages,
    commandLine: fe ? [fe.name, ...fe.argv].join(' ') : undefined,
  };
}

/**
 * dnf5's argv, from /proc: its actions get no arguments, only ${pid}. When
 * dnf5 went away or /proc is hidden, decide on what we know (a change to /).
 */
function dnf5Argv(pid: string): { name: string; argv: string[] } {
  const argv = argvOf(Number(pid)) ?? [];
  return frontendOf(argv) ?? { name: base(argv[0] ?? 'dnf5'), argv: argv.slice(1) };
}

/**
 * dnf callers pass a dnf command line after `--`: the shim its own argv, the
 * dnf4 plugin one rebuilt from dnf's configuration; dnf5's action passes
 * `${pid} ${conf.installroot}`.
 */
function dnfInvocation(opts: CheckOptions, args: string[], env: NodeJS.ProcessEnv): Invocation {
  let frontend = 'dnf';
  let argv = args;
  let root: string | undefined;
  if (opts.caller === 'dnf5') {
    const found = dnf5Argv(args[0] ?? '');
    frontend = found.name;
    argv = found.argv;
    root = args[1] || undefined;
  } else if (opts.caller === 'dnf-shim' && env.USR_GUARD_DNF_NAME) {
    frontend = env.USR_GUARD_DNF_NAME;
  }
  const cmd = parseDnfArgv(argv);
  return {
    caller: opts.caller,
    manager: 'dnf',
    frontend,
    // With --transient dnf makes its own overlay: nothing for us to guard.
    changes: cmd.changes && !cmd.transient,
    root: root ? normaliseRoot(root) : cmd.root,
    // dnf5 runs its actions with pipes for stdin and stdout: nobody to ask there.
    interactive: !cmd.assumeYes && opts.caller !== 'dnf5',
    // The shim decided (and warned) before it started dnf; the plugin then only backs it up.
    role: env.USR_GUARD_DECIDED === '1' ? 'backstop' : 'decide',
    packages: cmd.packages,
    commandLine: [frontend, ...argv].join(' '),
  };
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
  };
}

/** The invocation, with `interactive` only true when a terminal is really there. */
export function buildInvocation(opts: CheckOptions, args: string[], env: NodeJS.ProcessEnv, ppid: number, hasTerminal: () => boolean): Invocation {
  let inv: Invocation;
  if (opts.caller === 'apt' || opts.caller === 'apt-dpkg' || opts.caller === 'apt-pkgs') inv = aptInvocation(opts, env, ppid);
  else if (opts.caller === 'dpkg') inv = dpkgInvocation(opts, env, ppid);
  else if (opts.caller === 'dnf' || opts.caller === 'dnf5' || opts.caller === 'dnf-shim') inv = dnfInvocation(opts, args, env);
  else inv = genericInvocation(opts);
  // Opening /dev/tty is only worth it when the answer could matter.
  if (inv.interactive) inv.interactive = hasTerminal();
  return inv;
}
