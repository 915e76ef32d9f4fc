// apt's hooks, as Invocations. Which hook decides (usr-guard(8), HOW IT HOOKS IN):
// - apt and apt-get: the JSON hook's install.pre-prompt, on the transaction
//   apt resolved (a run that changes nothing changes nothing), before
//   APT::Install::Pre-Invoke, the prompt and the download;
// - APT::Install::Pre-Invoke where no JSON hook decided: apt-get build-dep,
//   satisfy and dselect-upgrade (apt runs no JSON hook for them), or the JSON
//   hook cleared; it reads the command line as apt does;
// - every other libapt front end (aptitude, python-apt, unattended-upgrades,
//   PackageKit): DPkg::Pre-Install-Pkgs, on the transaction, when dpkg is
//   about to run, with the configuration apt really uses.
// The rest of a run's hooks back these up: who speaks is src/runstate/index.ts's table.

import { readFileSync } from 'node:fs';
import type { CheckOptions } from '../options.js';
import type { Asked, HookFacts } from '../../runstate/index.js';
import { findFrontend, type Frontend } from '../proc.js';
import { aptOperation, debPackageName, parseAptArgv } from './argv.js';
import { aptBool } from './cmdline.js';
import { dpkgOptionsRoot, HookInfoError, hookAssumeYes, hookRoot, parseHookInfo, type HookInfo } from './hook-info.js';
import { PRE_PROMPT, transactionOf, type JsonHello } from './json.js';
import { exchange, hookSocket } from './json-socket.js';
import { notAskedBecause } from '../askable.js';

export const APT_CLIS = new Set(['apt', 'apt-get']);

/** Words of a front end's argv that are not options: its command, then its arguments (for messages). */
const nonOptions = (argv: string[]) => argv.filter((w) => !w.startsWith('-'));

/** What apt writes to a Pre-Install-Pkgs hook; a descriptor that is not open is apt's mistake, said plainly. */
function readHookInput(fd: number): string {
  try {
    return readFileSync(fd, 'utf8');
  } catch (e) {
    throw new HookInfoError(
      `apt hook input: cannot read descriptor ${fd} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set DPkg::Tools::Options::<hook>::InfoFD`,
    );
  }
}

function baseInvocation(opts: CheckOptions, env: NodeJS.ProcessEnv, fe: Frontend | null): Asked {
  const frontend = fe?.name ?? 'apt';
  const argv = fe?.argv ?? [];
  const [command = null, ...words] = nonOptions(argv);
  const inv: Asked = {
    caller: opts.caller,
    manager: 'apt',
    frontend,
    changes: true,
    // dpkg takes DPKG_ROOT for its root when no --root is given (chroots are entered by apt before any hook runs).
    root: env.DPKG_ROOT || '/',
    interactive: true,
    packages: words.map(debPackageName),
    // unattended-upgrades upgrades; aptitude's commands are apt-get's; python-apt's are unknown.
    operation: /^unattended-upgr/.test(frontend)
      ? 'upgrade'
      : fe?.name === 'aptitude'
        ? aptOperation(command, words)
        : 'other',
    commandLine: fe ? [fe.name, ...argv].join(' ') : undefined,
  };
  return withAskable(
    inv,
    argv.some((a) => /^(-[a-zA-Z]*y[a-zA-Z]*|--yes|--assume-yes)$/.test(a)),
    env,
  );
}

/** Set who may be asked (see askable.ts). */
function withAskable(inv: Asked, assumeYes: boolean, env: NodeJS.ProcessEnv): Asked {
  inv.notAsked = notAskedBecause(assumeYes, env);
  inv.interactive = inv.notAsked === undefined;
  return inv;
}

/** Of the transaction's packages, the ones the command line names, where it names any (aptitude install X pulls in Y). */
function asked(names: string[], argv: string[]): string[] {
  const typed = new Set(nonOptions(argv).map((w) => w.replace(/[:=/].*$/, '').replace(/[+-]$/, '')));
  const named = names.filter((n) => typed.has(n));
  return named.length > 0 ? named : names;
}

/** Pre-Install-Pkgs' v3 list: the configuration apt really uses (dpkg's options, Assume-Yes) and the transaction. */
function fromHookInfo(inv: Asked, info: HookInfo, argv: string[]): void {
  inv.root = hookRoot(info) ?? inv.root;
  if (hookAssumeYes(info)) withAskable(inv, true, {});
  const unpacked = [...new Set(info.actions.filter((a) => a.action === 'unpack').map((a) => a.name))];
  const removed = [...new Set(info.actions.filter((a) => a.action === 'remove').map((a) => a.name))];
  inv.changed = [...new Set([...unpacked, ...removed])];
  inv.transaction = info.actions
    .filter((a) => a.action === 'unpack' || a.action === 'remove')
    .map((a) => ({
      name: a.name,
      ...(a.arch ? { arch: a.arch } : {}),
      ...(a.version ? { version: a.version } : {}),
      ...(a.file?.startsWith('/') ? { file: a.file } : {}),
      ...(a.action === 'remove' ? { removal: true } : {}),
    }));
  inv.operation = unpacked.length > 0 ? 'install' : removed.length > 0 ? 'remove' : 'fix';
  inv.packages = asked(inv.operation === 'remove' ? removed : unpacked, argv);
}

/** The configuration for the pre-prompt: apt's own (hello options, or apt-config where -c files say more), else the command line's. */
async function jsonConfig(hello: JsonHello, fe: Frontend | null, env: NodeJS.ProcessEnv) {
  const cmd = parseAptArgv(fe?.name ?? 'apt', fe?.argv ?? []);
  if (hello.options) return { cmd, options: hello.options, lists: hello.lists };
  if (cmd.sources.some((s) => s.kind === 'file') || env.APT_CONFIG) {
    // Loaded only here: apt-config starts through child_process.
    const dump = (await import('./config.js')).aptConfigOf(cmd.sources, fe?.pid ?? null, env);
    if (dump) return { cmd, ...dump };
  }
  return { cmd, options: null, lists: new Map<string, string[]>() };
}

/** The JSON hook: decide on install.pre-prompt; any other notification is a later step of a decided run (or a failed one). */
async function fromJsonHook(inv: Asked, env: NodeJS.ProcessEnv, fe: Frontend | null): Promise<HookFacts> {
  const { hello, notification } = exchange(hookSocket(env));
  if (notification.method !== PRE_PROMPT) {
    inv.changes = false;
    return { prePrompt: false };
  }
  const { cmd, options, lists } = await jsonConfig(hello, fe, env);
  const flag = (key: string, fallback: boolean) =>
    options ? aptBool(options.get(key.toLowerCase()) ?? '', 0) === 1 : fallback;
  const readOnly =
    ['APT::Get::Simulate', 'APT::Get::Download-Only', 'APT::Get::Print-URIs'].some((k) => flag(k, false)) ||
    (!options && cmd.readOnly);
  const tx = transactionOf(notification);
  // A reinstall keeps its package's mode ("keep"): apt's hook lists nothing (private-json-hooks.cc NotifyHook).
  if (tx.changed.length === 0 && (notification.command === 'reinstall' || flag('APT::Get::ReInstall', cmd.reinstall))) {
    tx.changed = tx.added = cmd.packages;
    inv.aptCommand = 'reinstall'; // of installed packages only: the image has them
  }
  inv.changes = tx.changed.length > 0 && !readOnly;
  withAskable(inv, flag('APT::Get::Assume-Yes', cmd.assumeYes), env);
  // dpkg's own --root among DPkg::Options, where apt said them.
  inv.root = dpkgOptionsRoot(lists.get('dpkg::options') ?? []) ?? inv.root;
  inv.changed = tx.changed;
  // apt takes a .deb file off its list of search terms: the command line still has it.
  const args = notification.command === cmd.command ? cmd.args : notification.searchTerms;
  inv.operation = aptOperation(notification.command, args);
  if (inv.operation === 'install' && tx.added.length === 0 && tx.removed.length > 0) inv.operation = 'remove';
  const files = args.filter((t) => t.endsWith('.deb') && t.includes('/'));
  // Loaded only for archives: reading them starts dpkg-deb through child_process.
  const local =
    files.length > 0
      ? (await import('../package-files.js')).localPackages(files, fe?.pid ?? null)
      : { files, paths: [] as string[], names: [] as string[] };
  inv.localFiles = local.files;
  inv.localPaths = local.paths;
  // For the room check: the resolved transaction, and the package files named (read from the files).
  inv.transaction = [...tx.packages, ...local.paths.map((file) => ({ name: '', file }))];
  inv.packages = (inv.operation === 'remove' ? tx.removed : tx.added).filter((n) => !local.names.includes(n));
  return { prePrompt: true };
}

/** apt's commands that run no JSON hook (APT::Install::Pre-Invoke is the first hook to hear them). */
const NO_JSON_HOOK = new Set(['build-dep', 'satisfy', 'dselect-upgrade']);

export async function aptInvocation(
  opts: CheckOptions,
  env: NodeJS.ProcessEnv,
  ppid: number,
): Promise<{ asked: Asked; hook: HookFacts }> {
  const fe = findFrontend(ppid);
  const inv = baseInvocation(opts, env, fe);
  if (opts.caller === 'apt-json') return { asked: inv, hook: await fromJsonHook(inv, env, fe) };
  if (opts.caller === 'apt') {
    const cmd = parseAptArgv(inv.frontend, fe?.argv ?? []);
    inv.changes = !cmd.readOnly;
    withAskable(inv, cmd.assumeYes, env);
    inv.packages = cmd.packages;
    inv.operation = cmd.operation;
    if (cmd.command === 'build-dep') inv.aptCommand = 'build-dep';
    const jsonHooked = fe !== null && APT_CLIS.has(fe.name) && cmd.command !== null && !NO_JSON_HOOK.has(cmd.command);
    return { asked: inv, hook: { jsonHooked } };
  }
  // apt-pkgs
  const fd = env.APT_HOOK_INFO_FD ?? '0';
  if (!/^\d{1,4}$/.test(fd))
    throw new HookInfoError(
      `apt hook input: APT_HOOK_INFO_FD=${JSON.stringify(fd).slice(0, 40)} is not a file descriptor`,
    );
  fromHookInfo(inv, parseHookInfo(readHookInput(Number(fd))), fe?.argv ?? []);
  return { asked: inv, hook: {} };
}
