// For hosts as they are: before the first change a transient overlay gets in a
// boot, copy dpkg's database aside on persistent storage, marked with the boot
// ID; early in the next boot, when the overlay is gone, put it back. Always
// write a new folder, then rename; never touch a database that dpkg holds.

import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dpkgLocked } from './locks.js';
import { DB, SNAPSHOT } from './paths.js';

export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** Take the snapshot unless there is one: the oldest one is closest to what the image holds. */
export function takeSnapshot(): 'taken' | 'kept' {
  if (existsSync(SNAPSHOT)) return 'kept';
  const fresh = `${SNAPSHOT}.new`;
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { recursive: true });
  cpSync(DB, `${fresh}/db`, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  writeFileSync(`${fresh}/boot_id`, bootId() + '\n');
  renameSync(fresh, SNAPSHOT);
  return 'taken';
}

export type RestoreResult =
  | { done: true; message: string }
  | { done: false; message: string; failed?: boolean };

/** Put the snapshot back when the boot it was taken in is over and /usr no longer has its overlay. */
export function restoreSnapshot(overlayGone: boolean): RestoreResult {
  if (!existsSync(SNAPSHOT)) return { done: false, message: "no snapshot of dpkg's database: nothing to restore" };
  const taken = readFileSync(`${SNAPSHOT}/boot_id`, 'utf8').trim();
  if (taken === bootId()) return { done: false, message: 'the snapshot is from this boot: the overlay is still there, nothing to restore' };
  if (!overlayGone) return { done: false, message: "/usr still has an overlay (a hotfix?): keeping dpkg's database and the snapshot" };
  if (dpkgLocked(DB)) return { done: false, failed: true, message: 'dpkg holds its database locked: not restoring now' };
  const fresh = `${DB}.usr-guard-new`;
  const old = `${DB}.usr-guard-old`;
  rmSync(fresh, { recursive: true, force: true });
  cpSync(`${SNAPSHOT}/db`, fresh, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  rmSync(old, { recursive: true, force: true });
  try {
    renameSync(DB, old);
  } catch (e) {
    // An overlay /var cannot rename a folder that comes from a lower layer
    // (EXDEV): remove it instead. Should we stop in between, the next run
    // finds no database and the snapshot still there, and finishes.
    if ((e as NodeJS.ErrnoException).code === 'EXDEV') rmSync(DB, { recursive: true, force: true });
    else if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  renameSync(fresh, DB);
  rmSync(old, { recursive: true, force: true });
  rmSync(SNAPSHOT, { recursive: true, force: true });
  return { done: true, message: `restored dpkg's database from the snapshot taken before the transient overlay (boot ${taken})` };
}
