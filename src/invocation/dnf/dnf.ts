// dnf's hooks, as Invocations: the dnf shim (its own command line), the dnf 4
// plugin (a command line rebuilt from dnf's configuration and its transaction)
// and dnf5's action (dnf5's command line read from /proc, its transaction
// asked for over the action's pipes). The plugin and the action decide on the
// transaction wherever they run (the shim leaves it to them: hooks/dnf-shim);
// the shim decides from the command line where they will not run.

import type { CheckOptions } from '../options.js';
import type { Asked } from '../../runstate/index.js';
import { argvOf, base, frontendOf } from '../proc.js';
import { parseDnfArgv } from './argv.js';
import { readDnf5Transaction } from './dnf5-action.js';

// microdnf: Fedora's is dnf5 (its action reads microdnf's command line, which dnf5's options parse).
const DNF_CLIS = new Set(['dnf', 'dnf-3', 'dnf4', 'dnf5', 'yum', 'microdnf']);

/**
 * dnf callers pass a dnf command line after `--`: the shim its own argv, the
 * dnf4 plugin one rebuilt from dnf's configuration; dnf5's action passes
 * `${pid} ${conf.installroot}` (its actions get no argv: it is read from /proc).
 */
export async function dnfInvocation(opts: CheckOptions, args: string[], env: NodeJS.ProcessEnv): Promise<Asked> {
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
  const inv: Asked = {
    caller: opts.caller,
    manager: 'dnf',
    frontend,
    // At dnf5's goal_resolved a transaction exists: it is a change unless the
    // command line plainly says it is not (dnf5daemon, PackageKit: always).
    // With --transient dnf makes its own overlay: nothing for us to guard.
    changes: (opts.caller === 'dnf5' ? !cmd.noChange : cmd.changes) && !cmd.transient,
    root:
      root ?? (cmd.rootGiven ? cmd.root : ((await import('./conf-root.js')).configuredRoot(cmd.config) ?? cmd.root)),
    // dnf5 runs its actions with pipes for stdin and stdout: nobody to ask there.
    interactive: !cmd.assumeYes && opts.caller !== 'dnf5',
    notAsked:
      opts.caller === 'dnf5'
        ? 'dnf5 runs its actions without a terminal'
        : cmd.assumeYes
          ? 'it runs with -y (assume yes)'
          : undefined,
    packages: cmd.packages,
    operation: cmd.operation,
    commandLine: [frontend, ...argv].join(' '),
  };
  if (opts.caller === 'dnf') {
    // The plugin's view of the transaction: every package it changes, and package files from the command line.
    inv.changed = (env.USR_GUARD_DNF_CHANGED ?? '').split(' ').filter(Boolean);
    inv.localFiles = (env.USR_GUARD_DNF_FILES ?? '').split('\n').filter(Boolean);
  } else if (opts.caller === 'dnf5') {
    const tx = readDnf5Transaction();
    inv.changed = [...tx.incoming, ...tx.erased];
    inv.changes = inv.changes && inv.changed.length > 0;
    inv.localFiles = cmd.packages.filter((p) => p.endsWith('.rpm'));
    const typed = new Set(cmd.packages);
    const named = (names: string[]) => (names.some((n) => typed.has(n)) ? names.filter((n) => typed.has(n)) : names);
    inv.packages = named(inv.operation === 'remove' ? tx.erased : tx.incoming).filter(
      (n) => inv.localFiles!.length === 0 || typed.has(n),
    );
  }
  return inv;
}
