// Build the Invocation for `usr-guard check --caller NAME`: who calls, what the
// command does, which root, and whether a person can answer. This is the edge
// that reads /proc, /dev/tty and apt's hook pipe; the parsers it uses are pure.

import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import type { Caller, Invocation } from '../types.js';
import { argvOf, base, findFrontend, frontendOf } from './ancestry.js';
import { aptOperation, debPackageName, normaliseRoot, parseAptArgv } from './apt-argv.js';
import { HookInfoError, hookAssumeYes, hookRoot, parseHookInfo } from './apt-hook-info.js';
import { parseDnfArgv } from './dnf-argv.js';
import { pacmanInvocation, readTargets } from './pacman.js';

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

/**
 * "/" for every spelling of the root this process sees ("/.", "/tmp/..", a link
 * to it): dpkg and dnf write to the folder, whatever its name.
 */
export function rootOf(path: string): string {
  try {
    const a = statSync(path);
    const b = statSync('/');
    if (a.dev === b.dev && a.ino === b.ino) return '/';
  } catch {
    // not there: not this root
  }
  return normaliseRoot(path);
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

/** What apt writes to a Pre-Install-Pkgs hook; a descriptor that is not open is apt's mistake, said plainly. */
function readHookInput(fd: number): string {
  try {
    return readFileSync(fd, 'utf8');
  } catch (e) {
    throw new HookInfoError(`apt hook input: cannot read descriptor ${fd} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set DPkg::Tools::Options::<hook>::InfoFD`);
  }
}

const APT_CLIS = new Set(['apt', 'apt-get']);
const DNF_CLIS = new Set(['dnf', 'dnf-3', 'dnf4', 'dnf5', 'yum']);

/** Words of a front end's argv that are not options: its command, then its arguments (for messages). */
const nonOptions = (argv: string[]) => argv.filter((w) => !w.startsWith('-'));

/**
 * apt's hooks. APT::Install::Pre-Invoke (apt, apt-get) fires before the prompt
 * and the download, also for -s, and reads the command line as apt does. The
 * DPkg hooks fire only when dpkg is about to run: for them the run changes the
 * root dpkg will write to, whatever the command line seems to say.
 */
function aptInvocation(opts: CheckOptions, env: NodeJS.ProcessEnv, ppid: number): Invocation {
  const fe = findFrontend(ppid);
  const frontend = fe?.name ?? 'apt';
  const argv = fe?.argv ?? [];
  const [command = null, ...words] = nonOptions(argv);
  const inv: Invocation = {
    caller: opts.caller,
    manager: 'apt',
    frontend,
    changes: true,
    // dpkg takes DPKG_ROOT for its root when no --root is given (chroots are entered by apt before any hook runs).
    root: env.DPKG_ROOT || '/',
    interactive: env.DEBIAN_FRONTEND !== 'noninteractive' && !argv.some((a) => /^(-[a-zA-Z]*y[a-zA-Z]*|--yes|--assume-yes)$/.test(a)),
    // APT::Install::Pre-Invoke decides for apt and apt-get; DPkg::Pre-Invoke for every other
    // libapt front end. The rest only refuse when /usr is still read-only when they fire.
    role: opts.caller === 'apt' || (opts.caller === 'apt-dpkg' && !(fe && APT_CLIS.has(fe.name))) ? 'decide' : 'backstop',
    packages: words.map(debPackageName),
    // unattended-upgrades upgrades; aptitude's commands are apt-get's; python-apt's are unknown.
    operation: /^unattended-upgr/.test(frontend) ? 'upgrade' : fe?.name === 'aptitude' ? aptOperation(command, words) : 'other',
    commandLine: fe ? [fe.name, ...argv].join(' ') : undefined,
  };
  if (opts.caller === 'apt') {
    const cmd = parseAptArgv(frontend, argv);
    inv.changes = !cmd.readOnly;
    inv.interactive = !cmd.assumeYes && env.DEBIAN_FRONTEND !== 'noninteractive';
    inv.packages = cmd.packages;
    inv.operation = cmd.operation;
  } else if (opts.caller === 'apt-pkgs') {
    // The v3 list: the configuration apt really uses (dpkg's options, Assume-Yes) and the packages.
    const fd = env.APT_HOOK_INFO_FD ?? '0';
    if (!/^\d{1,4}$/.test(fd)) throw new HookInfoError(`apt hook input: APT_HOOK_INFO_FD=${JSON.stringify(fd).slice(0, 40)} is not a file descriptor`);
    const info = parseHookInfo(readHookInput(Number(fd)));
    inv.root = hookRoot(info) ?? inv.root;
    if (hookAssumeYes(info)) inv.interactive = false;
    inv.packages = [...new Set(info.actions.filter((a) => a.action !== 'configure').map((a) => a.name))];
    const acts = new Set(info.actions.map((a) => a.action));
    inv.operation = acts.has('unpack') ? 'install' : acts.has('remove') ? 'remove' : 'fix';
  }
  return inv;
}

/** dpkg's options that take their value as the next word: the value is no package. */
const DPKG_VALUE_OPTIONS = new Set(['--status-fd', '--status-logger', '--log', '--admindir', '--instdir', '--root', '--abort-after', '--pre-invoke', '--post-invoke', '--path-include', '--path-exclude', '--ignore-depends', '--verify-format', '-D', '--debug']);

function dpkgInvocation(opts: CheckOptions, env: NodeJS.ProcessEnv, ppid: number): Invocation {
  const action = env.DPKG_HOOK_ACTION ?? '';
  const fe = findFrontend(ppid);
  const argv = fe?.argv ?? [];
  return {
    caller: 'dpkg',
    manager: 'apt',
    frontend: 'dpkg',
    // Architecture changes only touch dpkg's database, not /usr.
    changes: !/^(add|remove)-architecture$/.test(action),
    // dpkg sets DPKG_ROOT for its hooks from --root, --instdir or its own DPKG_ROOT.
    root: env.DPKG_ROOT || '/',
    interactive: env.DEBIAN_FRONTEND !== 'noninteractive',
    // Under a libapt front end the front end's hooks have decided: apt says so
    // (DPKG_FRONTEND_LOCKED), and every one of them (aptitude, python-apt) runs dpkg with --status-fd.
    role: env.DPKG_FRONTEND_LOCKED === 'true' || argv.some((a) => a === '--status-fd' || a.startsWith('--status-fd=')) ? 'backstop' : 'decide',
    packages: argv.filter((a, i) => !a.startsWith('-') && !DPKG_VALUE_OPTIONS.has(argv[i - 1] ?? '')).map(debPackageName),
    operation: /^(install|unpack)$/.test(action) ? 'install' : /^(remove|purge)$/.test(action) ? 'remove' : /^(configure|triggers-only)$/.test(action) ? 'fix' : 'other',
    commandLine: fe ? [fe.name, ...fe.argv].join(' ') : undefined,
  };
}

/**
 * dnf callers pass a dnf command line after `--`: the shim its own argv, the
 * dnf4 plugin one rebuilt from dnf's configuration; dnf5's action passes
 * `${pid} ${conf.installroot}` (its actions get no argv: it is read from /proc).
 */
function dnfInvocation(opts: CheckOptions, args: string[], env: NodeJS.ProcessEnv): Invocation {
  let frontend = opts.caller === 'dnf-shim' && env.USR_GUARD_DNF_NAME ? env.USR_GUARD_DNF_NAME : 'dnf';
  let argv = args;
  let root: string | undefined;
  let dnfCli = true;
  if (opts.caller === 'dnf5') {
    const all = argvOf(Number(args[0])) ?? [];
    const fe = frontendOf(all);
    dnfCli = fe !== null && DNF_CLIS.has(fe.name);
    frontend = fe?.name ?? base(all[0] ?? 'dnf5');
    argv = fe?.argv ?? [];
    root = args[1] || undefined;
  }
  const cmd = parseDnfArgv(dnfCli ? argv : []);
  return {
    caller: opts.caller,
    manager: 'dnf',
    frontend,
    // At dnf5's goal_resolved a transaction exists: it is a change unless the
    // command line plainly says it is not (dnf5daemon, PackageKit: always).
    // With --transient dnf makes its own overlay: nothing for us to guard.
    changes: (opts.caller === 'dnf5' ? !cmd.noChange : cmd.changes) && !cmd.transient,
    root: root ?? cmd.root,
    // dnf5 runs its actions with pipes for stdin and stdout: nobody to ask there.
    interactive: !cmd.assumeYes && opts.caller !== 'dnf5',
    // The shim decided (and warned) before it started dnf; the plugin and the action then only back it up.
    role: env.USR_GUARD_DECIDED === '1' ? 'backstop' : 'decide',
    packages: cmd.packages,
    operation: cmd.operation,
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
    operation: opts.packages.length > 0 ? 'install' : 'other',
  };
}

/** The invocation, with `interactive` only true when a terminal is really there. */
export function buildInvocation(opts: CheckOptions, args: string[], env: NodeJS.ProcessEnv, ppid: number, hasTerminal: () => boolean): Invocation {
  let inv: Invocation;
  if (opts.caller === 'apt' || opts.caller === 'apt-dpkg' || opts.caller === 'apt-pkgs') inv = aptInvocation(opts, env, ppid);
  else if (opts.caller === 'dpkg') inv = dpkgInvocation(opts, env, ppid);
  else if (opts.caller === 'dnf' || opts.caller === 'dnf5' || opts.caller === 'dnf-shim') inv = dnfInvocation(opts, args, env);
  else if (opts.caller === 'pacman') inv = pacmanInvocation(ppid, readTargets());
  else inv = genericInvocation(opts);
  // Opening /dev/tty is only worth it when the answer could matter.
  if (inv.interactive) inv.interactive = hasTerminal();
  inv.root = rootOf(inv.root);
  return inv;
}
