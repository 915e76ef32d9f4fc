// `usr-guard dpkg-db move|record [--root DIR]`, for image builders, and
// `dpkg-db build-hook`, what dpkg's post-invoke runs in an image build
// (hooks/dpkg-db.cfg): dpkg has closed its database then, so it can move;
// `dpkg-db locks`, what usr-guard-dpkg-locks.service runs at boot.

import { lstatSync } from 'node:fs';
import { commandUsage, EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { DB, RECORD } from '../dpkg-db/paths.js';
import { imageBuild, type DpkgDbChoice } from '../dpkg-db/where.js';
import { existsSync } from 'node:fs';
import { bindLocksAtBoot } from '../dpkg-db/lock-binds.js';
import { moveMarks } from '../dpkg-db/relocate.js';
import { placeDpkgDb } from './dpkg-db.js';
import { existingRoot, install } from './install.js';
import { guardLine } from '../messages/check.js';
import { dpkgDbActions, staysInVarLine } from '../messages/dpkg-db.js';
import { unexpectedArgument } from '../messages/command-line.js';

const ACTIONS: Record<string, DpkgDbChoice> = { move: 'image', record: 'var' };

export function dpkgDbCommand(args: string[], root: string, dryRun: boolean, env: NodeJS.ProcessEnv, out: Out): number {
  const [action, extra] = args;
  if (extra !== undefined) throw commandUsage('dpkg-db', unexpectedArgument(extra));
  if (action === 'build-hook') return buildHook(env, out);
  if (action === 'locks') return bootLocks(out);
  if (action === undefined || !Object.hasOwn(ACTIONS, action)) throw commandUsage('dpkg-db', dpkgDbActions(action));
  const dir = existingRoot('dpkg-db', root);
  const plan = placeDpkgDb(dir, ACTIONS[action], env, dryRun);
  out.out(`${[...plan.lines, ...install(dir, plan.files, dryRun)].join('\n')}\n`);
  return EXIT.OK;
}

/** What usr-guard-dpkg-locks.service runs early in a boot: apt's and dpkg's locks on files that can be locked. */
function bootLocks(out: Out): number {
  const r = bindLocksAtBoot();
  out.err(r.lines.map(guardLine));
  return r.failed ? EXIT.INTERNAL : EXIT.OK;
}

/**
 * dpkg's post-invoke, in a container whose root has bootc or ostree's boot
 * files (the line tests that before starting node). Never fails dpkg: it
 * says what went wrong and exits 0.
 */
function buildHook(env: NodeJS.ProcessEnv, out: Out): number {
  // dpkg --root and another admindir: not this root's database.
  if ((env.DPKG_ROOT ?? '') !== '' && env.DPKG_ROOT !== '/') return EXIT.OK;
  if (env.DPKG_ADMINDIR !== undefined && env.DPKG_ADMINDIR.replace(/\/+$/, '') !== DB) return EXIT.OK;
  if (imageBuild('/', env) === null) return EXIT.OK;
  // The choice lasts: a record in the image ('usr-guard dpkg-db record', install --dpkg-db=var) says "var" for the rest of the build.
  const choice: DpkgDbChoice = existsSync(RECORD) ? 'var' : 'image';
  try {
    if (choice === 'image' && lstatSync(DB, { throwIfNoEntry: false })?.isSymbolicLink()) {
      moveMarks('/');
      return EXIT.OK;
    }
    const plan = placeDpkgDb('/', choice, env, false, true);
    const lines = [...plan.lines, ...install('/', plan.files, false)].filter((l) => !l.startsWith('unchanged'));
    if (choice === 'image') out.err(lines.map(guardLine));
  } catch (e) {
    out.err([staysInVarLine((e as Error).message)]);
  }
  return EXIT.OK;
}
