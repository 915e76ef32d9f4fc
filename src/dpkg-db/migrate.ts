// A host installed from an older image keeps that image's dpkg database in
// /var; an image built the new way carries its own in /usr/lib/sysimage/dpkg.
// At the first boot of such an image, before systemd-tmpfiles links
// /var/lib/dpkg (usr-guard-dpkg.tmpfiles), the boot unit moves the old
// database aside (kept, never deleted) and makes the link: dpkg has the
// image's database from the first boot on.

import { existsSync, lstatSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, symlinkAtomic } from '../fs/atomic-write.js';
import { step } from '../fs/test-stop.js';
import { moveTree } from '../fs/trees.js';
import { dpkgLocked } from './locks.js';
import { DB, KEPT_PREFIX, SNAPSHOT, SYSIMAGE_DB } from './paths.js';
import { IMAGE_MARKS, LINK, MARKS } from './relocate.js';
import { LOCKED_NOT_MOVING, migrated, neitherFolderNorLink } from '../messages/dpkg-db.js';

export interface Migration {
  done: boolean;
  failed?: boolean;
  message: string;
}

/** Where the database of the earlier image is kept: one folder a migration, named by its time. */
const asideName = () => `${dirname(SNAPSHOT)}/${KEPT_PREFIX}${new Date().toISOString().replace(/[:.]/g, '-')}`;

/** null when there is nothing to migrate: the image has no database of its own, or /var/lib/dpkg already links to it. */
export function migrateIntoImage(): Migration | null {
  if (!existsSync(`${SYSIMAGE_DB}/status`)) return null;
  const st = lstatSync(DB, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) return null;
  if (st !== undefined && !st.isDirectory()) return { done: false, failed: true, message: neitherFolderNorLink(DB) };
  if (st !== undefined && dpkgLocked(DB)) return { done: false, failed: true, message: LOCKED_NOT_MOVING };
  const kept: string[] = [];
  if (st !== undefined) {
    const aside = asideName();
    makeDirs(aside, 0o755);
    moveTree(DB, `${aside}/dpkg`);
    step('migrate-kept');
    // A copy (an overlay /var cannot rename a lower folder): the original goes once the copy is whole and durable.
    rmSync(DB, { recursive: true, force: true });
    kept.push(aside);
    // What belonged to the old database goes with it: a snapshot waiting to be put back, apt's marks (the image has its own).
    if (existsSync(SNAPSHOT)) renameOrCopy(SNAPSHOT, `${aside}/dpkg-snapshot`);
    if (existsSync(IMAGE_MARKS) && existsSync(MARKS)) renameOrCopy(MARKS, `${aside}/extended_states`);
  }
  step('migrate-moved');
  symlinkAtomic(LINK, DB);
  return { done: true, message: migrated(DB, SYSIMAGE_DB, kept[0]) };
}

/** A rename where it can, else a durable copy and then the original goes. */
function renameOrCopy(from: string, to: string): void {
  if (moveTree(from, to) === 'copied') rmSync(from, { recursive: true, force: true });
}
