// For image builders: move dpkg's database into the image, next to where
// Fedora keeps rpm's (/usr/lib/sysimage), and leave /var/lib/dpkg a link to
// it. Then a discarded /usr overlay, or a new image, takes dpkg's view of the
// installed packages with it: dpkg can no longer disagree with /usr.

import { cpSync, existsSync, lstatSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, resolveInRoot, symlinkAtomic } from '../commands/in-root.js';
import { UsageError } from '../exit-codes.js';
import { dpkgLocked } from './locks.js';
import { DB, SYSIMAGE_DB } from './paths.js';

const LINK = '../../usr/lib/sysimage/dpkg';

/** Move the database of `root` into its image; a second run changes nothing. Paths stay inside the root. */
export function relocateDpkgDb(root: string, dryRun: boolean): string[] {
  const db = resolveInRoot(root, DB, false);
  const target = resolveInRoot(root, SYSIMAGE_DB);
  const st = lstatSync(db, { throwIfNoEntry: false });
  if (st === undefined) throw new UsageError(`install: --relocate-dpkg-db: there is no dpkg database at ${db}`);
  if (st.isSymbolicLink()) {
    if (resolveInRoot(root, DB) === target && existsSync(target)) return [`unchanged ${db} -> ${readlinkSync(db)}`];
    throw new UsageError(`install: --relocate-dpkg-db: ${db} is already a link elsewhere (-> ${readlinkSync(db)}); not moving it`);
  }
  if (!st.isDirectory()) throw new UsageError(`install: --relocate-dpkg-db: ${db} is not a folder`);
  if (existsSync(target)) throw new UsageError(`install: --relocate-dpkg-db: ${target} exists already; not mixing two databases`);
  if (dpkgLocked(db)) throw new UsageError(`install: --relocate-dpkg-db: dpkg's database is in use (a dpkg or apt run holds its lock); try again when it is done`);
  if (dryRun) return [`would move ${db} to ${target} and link it`];
  makeDirs(dirname(target));
  try {
    renameSync(db, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    // /var and /usr on different file systems: copy, then remove.
    cpSync(db, target, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    rmSync(db, { recursive: true, force: true });
  }
  symlinkAtomic(LINK, db);
  return [`moved ${db} to ${target}`, `linked ${db} -> ${LINK}`];
}
