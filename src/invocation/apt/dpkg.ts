// dpkg's own hook (pre-invoke= in /etc/dpkg/dpkg.cfg.d), as an Invocation:
// it decides for a bare dpkg, and backs up the front end's hooks under one.
// dpkg runs its hooks for --no-act too (dpkg 1.21): a dry run changes nothing.

import { resolve } from 'node:path';
import type { CheckOptions } from '../options.js';
import type { Invocation } from '../../types.js';
import { findFrontend } from '../proc.js';
import { notAskedBecause } from '../askable.js';

/** dpkg's options that take their value as the next word: the value is no package. */
const DPKG_VALUE_OPTIONS = new Set([
  '--status-fd',
  '--status-logger',
  '--log',
  '--admindir',
  '--instdir',
  '--root',
  '--abort-after',
  '--pre-invoke',
  '--post-invoke',
  '--path-include',
  '--path-exclude',
  '--ignore-depends',
  '--verify-format',
  '-D',
  '--debug',
]);
const DRY_RUN = new Set(['--no-act', '--dry-run', '--simulate']);

export async function dpkgInvocation(_opts: CheckOptions, env: NodeJS.ProcessEnv, ppid: number): Promise<Invocation> {
  const action = env.DPKG_HOOK_ACTION ?? '';
  const fe = findFrontend(ppid);
  const argv = fe?.argv ?? [];
  const words = argv.filter((a, i) => !a.startsWith('-') && !DPKG_VALUE_OPTIONS.has(argv[i - 1] ?? ''));
  const operation = /^(install|unpack)$/.test(action)
    ? 'install'
    : /^(remove|purge)$/.test(action)
      ? 'remove'
      : /^(configure|triggers-only)$/.test(action)
        ? 'fix'
        : 'other';
  // Archives are files: their packages are read from them; the file is what a Containerfile copies.
  const files = operation === 'install' ? words.filter((w) => w.endsWith('.deb')) : [];
  // Loaded only for archives: reading them starts dpkg-deb through child_process.
  const pf = files.length > 0 ? await import('../package-files.js') : null;
  const local = pf ? pf.localPackages(files, fe?.pid ?? null) : { files, names: [] };
  const cwd = pf ? pf.cwdOf(fe?.pid ?? null) : '/';
  return {
    caller: 'dpkg',
    manager: 'apt',
    frontend: 'dpkg',
    // Architecture changes only touch dpkg's database, not /usr.
    changes: !/^(add|remove)-architecture$/.test(action) && !argv.some((a) => DRY_RUN.has(a)),
    // dpkg sets DPKG_ROOT for its hooks from --root, --instdir or its own DPKG_ROOT.
    root: env.DPKG_ROOT || '/',
    interactive: notAskedBecause(false, env) === undefined,
    notAsked: notAskedBecause(false, env),
    // Under a libapt front end the front end's hooks have decided: apt says so
    // (DPKG_FRONTEND_LOCKED), and every one of them (aptitude, python-apt) runs dpkg with --status-fd.
    role:
      env.DPKG_FRONTEND_LOCKED === 'true' || argv.some((a) => a === '--status-fd' || a.startsWith('--status-fd='))
        ? 'backstop'
        : 'decide',
    packages: files.length > 0 ? [] : words,
    localFiles: local.files,
    // For the room check: the files dpkg unpacks (their packages and sizes are read from them).
    transaction: files.map((f) => ({ name: '', file: resolve(cwd, f) })),
    changed: files.length > 0 ? local.names : words,
    operation,
    commandLine: fe ? [fe.name, ...fe.argv].join(' ') : undefined,
    runKey: null,
    said: null,
  };
}
