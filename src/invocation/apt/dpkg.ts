// dpkg's own hook (pre-invoke= in /etc/dpkg/dpkg.cfg.d), as an Invocation:
// it decides for a bare dpkg, and backs up the front end's hooks under one
// whose run's mark is there (src/runstate/index.ts).
// dpkg runs its hooks for --no-act too (dpkg 1.21): a dry run changes nothing.

import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { DB, SYSIMAGE_DB } from '../../dpkg-db/paths.js';
import type { CheckOptions } from '../options.js';
import type { Asked } from '../../runstate/index.js';
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
const ARCH = /^(add|remove)-architecture$/;

/** Is the database this dpkg changes the one in the image (/var/lib/dpkg a link to /usr/lib/sysimage/dpkg)? */
function dbInImage(env: NodeJS.ProcessEnv): boolean {
  try {
    return realpathSync(env.DPKG_ADMINDIR || DB) === SYSIMAGE_DB;
  } catch {
    return false;
  }
}

/**
 * Does dpkg's status file name a package that `--configure -a` or
 * `--triggers-only -a` would act on (unpacked, half-configured or -installed,
 * awaiting or pending triggers)? With nothing there, dpkg does nothing, and
 * nothing is refused. Journal entries not yet in the status file count as work.
 */
export function somethingPending(status: string, journal: string[]): boolean {
  if (journal.some((n) => /^\d+$/.test(n))) return true;
  return /^Status:[ \t]*\S+[ \t]+\S+[ \t]+(unpacked|half-configured|half-installed|triggers-awaited|triggers-pending)[ \t]*$/m.test(
    status,
  );
}

/** For `--configure -a`/`--pending` and `--triggers-only -a`: read dpkg's database (where its hooks are told it is). */
function pendingIn(admindir: string): boolean {
  try {
    return somethingPending(readFileSync(`${admindir}/status`, 'utf8'), readdirSync(`${admindir}/updates`));
  } catch {
    return true; // cannot tell: as before, it counts as a change
  }
}

export async function dpkgInvocation(_opts: CheckOptions, env: NodeJS.ProcessEnv, ppid: number): Promise<Asked> {
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
  // `dpkg --configure -a` (or --pending, `--triggers-only -a`) with nothing to do changes nothing.
  const all = argv.some((a) => a === '-a' || a === '--pending');
  const idle = operation === 'fix' && words.length === 0 && all && !pendingIn(env.DPKG_ADMINDIR || '/var/lib/dpkg');
  // Archives are files: their packages are read from them; the file is what a Containerfile copies.
  const files = operation === 'install' ? words.filter((w) => w.endsWith('.deb')) : [];
  // Loaded only for archives: reading them starts dpkg-deb through child_process.
  const local =
    files.length > 0
      ? (await import('../package-files.js')).localPackages(files, fe?.pid ?? null)
      : { files, paths: [], names: [] };
  return {
    caller: 'dpkg',
    manager: 'apt',
    frontend: 'dpkg',
    // Architecture changes only touch dpkg's database: /usr too where that is in the image.
    changes: (!ARCH.test(action) || dbInImage(env)) && !argv.some((a) => DRY_RUN.has(a)) && !idle,
    // dpkg sets DPKG_ROOT for its hooks from --root, --instdir or its own DPKG_ROOT.
    root: env.DPKG_ROOT || '/',
    interactive: notAskedBecause(false, env) === undefined,
    notAsked: notAskedBecause(false, env),
    packages: files.length > 0 || ARCH.test(action) ? [] : words,
    localFiles: local.files,
    localPaths: local.paths,
    // For the room check: the files dpkg unpacks (their packages and sizes are read from them).
    transaction: local.paths.map((file) => ({ name: '', file })),
    changed: files.length > 0 ? local.names : ARCH.test(action) ? [] : words,
    operation,
    commandLine: fe ? [fe.name, ...fe.argv].join(' ') : undefined,
  };
}
