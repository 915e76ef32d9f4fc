// For image builders: move dpkg's database into the image, next to where
// Fedora keeps rpm's (/usr/lib/sysimage), and leave /var/lib/dpkg a link to
// it. Then a discarded /usr overlay, or a new image, takes dpkg's view of the
// installed packages with it: dpkg can no longer disagree with /usr.
//
// The move is resumable: a marker next to the target says that one is under
// way, and each step leaves a state the next run finishes (a build killed or
// out of space half-way must not leave an image with no database, nor one
// that a second run refuses to touch).

import { cpSync, existsSync, lstatSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, symlinkAtomic, syncDir } from '../fs/atomic-write.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { UsageError } from '../exit-codes.js';
import { dpkgLocked } from './locks.js';
import { DB, SYSIMAGE_DB } from './paths.js';

const LINK = '../../usr/lib/sysimage/dpkg';
const fail = (why: string) => new UsageError(`install: --relocate-dpkg-db: ${why}`);

/** Move the database of `root` into its image; a second run changes nothing, or finishes an interrupted one. Paths stay inside the root. */
export function relocateDpkgDb(root: string, dryRun: boolean): string[] {
  const db = resolveInRoot(root, DB, false);
  const target = resolveInRoot(root, SYSIMAGE_DB);
  const marker = `${target}.relocating`;
  const resuming = existsSync(marker);
  const st = lstatSync(db, { throwIfNoEntry: false });
  if (st?.isSymbolicLink() && !resuming) {
    if (resolveInRoot(root, DB) === target && existsSync(target)) return [`unchanged ${db} -> ${readlinkSync(db)}`];
    throw fail(`${db} is already a link elsewhere (-> ${readlinkSync(db)}); not moving it`);
  }
  if (!resuming) {
    if (st === undefined) throw fail(`there is no dpkg database at ${db}`);
    if (!st.isDirectory()) throw fail(`${db} is not a folder`);
    if (existsSync(target)) throw fail(`${target} exists already; not mixing two databases`);
  }
  if (st?.isDirectory() && dpkgLocked(db)) throw fail(`dpkg's database is in use (a dpkg or apt run holds its lock); try again when it is done`);
  if (dryRun) return [resuming ? `would finish moving ${db} to ${target} and link it` : `would move ${db} to ${target} and link it`];

  const said: string[] = resuming ? [`finishing the move of ${db} that an earlier run began`] : [];
  if (!existsSync(target)) {
    if (!st?.isDirectory()) throw fail(`${db} is gone and ${target} was never complete; restore the database from a backup`);
    makeDirs(dirname(target));
    writeFileSync(marker, `${db}\n`, { mode: 0o644 });
    moveWhole(db, target);
    said.push(`moved ${db} to ${target}`);
  }
  // The target is whole from here on. A database still in /var is the one it was copied from,
  // unless dpkg ran in between: then say so rather than drop its changes.
  // (One with no status file is one whose removal was cut short: finish it.)
  if (lstatSync(db, { throwIfNoEntry: false })?.isDirectory()) {
    if (existsSync(`${db}/status`) && !sameStatus(db, target)) throw fail(`${db} changed since it was copied to ${target}; move one of them away and run again`);
    try {
      renameSync(db, `${db}.moved`);
    } catch (e) {
      // An overlay without redirect_dir (a container build) cannot rename a folder of its lower layer.
      if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
      rmSync(db, { recursive: true, force: true });
    }
  }
  symlinkAtomic(LINK, db);
  rmSync(`${db}.moved`, { recursive: true, force: true });
  rmSync(marker, { force: true });
  return [...said, `linked ${db} -> ${LINK}`];
}

/** Put `from` at `to`, whole or not at all: a rename, or across file systems a copy that is renamed into place. */
function moveWhole(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    // /var and /usr on different file systems. The original stays until the copy is whole.
    const partial = `${to}.partial`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(from, partial, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    renameSync(partial, to);
  }
  syncDir(dirname(to));
}

function sameStatus(a: string, b: string): boolean {
  const read = (dir: string) => readFileSync(`${dir}/status`, 'latin1');
  try {
    return read(a) === read(b);
  } catch {
    return false;
  }
}
