// For hosts as they are: before the first change a transient overlay gets in a
// boot, copy dpkg's database aside on persistent storage, marked with the boot
// ID; early in the next boot, when the overlay is gone, put it back. Always
// write a new folder, then rename; never touch a database that dpkg holds.
//
// What is put back becomes root's database, whose maintainer scripts root
// runs: only a snapshot that root owns all the way down, in folders only
// root can write, is ever restored.

import { chmodSync, constants, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, writeError } from '../fs/atomic-write.js';
import { notRootsAbove, notRootsWithin } from '../trust.js';
import { dpkgLocked } from './locks.js';
import { DB, SNAPSHOT } from './paths.js';

/**
 * How the database is copied: keeping times and links as they are, and as a
 * reflink (shared blocks, copied only when written) where the file system
 * has them (btrfs, XFS): then a snapshot costs almost nothing (npm run bench).
 */
const COPY = { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE } as const;

export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** usr-guard's folder in /var/lib, made root's (0755 whatever the umask), or why it cannot be trusted. */
function ownFolder(): void {
  const dir = dirname(SNAPSHOT);
  makeDirs(dir, 0o755); // or says that something else (a link) is in its place
  const bad = notRootsAbove(dir);
  if (bad !== null) throw new Error(`${bad} is not root's alone: not keeping dpkg's database there`);
}

/** Take the snapshot unless there is one: the oldest one is closest to what the image holds. */
export function takeSnapshot(): 'taken' | 'kept' {
  if (existsSync(SNAPSHOT)) return 'kept';
  ownFolder();
  const fresh = `${SNAPSHOT}.new`;
  rmSync(fresh, { recursive: true, force: true });
  try {
    mkdirSync(fresh, 0o700);
    cpSync(DB, `${fresh}/db`, COPY);
    writeFileSync(`${fresh}/boot_id`, bootId() + '\n', { mode: 0o644 });
    chmodSync(fresh, 0o755);
    renameSync(fresh, SNAPSHOT);
  } catch (e) {
    // A full disk leaves no half snapshot: the next run tries again.
    rmSync(fresh, { recursive: true, force: true });
    throw writeError('write', fresh, e);
  }
  return 'taken';
}

export type RestoreResult =
  | { done: true; message: string }
  | { done: false; message: string; failed?: boolean };

/** Why the snapshot must not be put back, or null. */
function untrusted(): string | null {
  if (!lstatSync(SNAPSHOT).isDirectory()) return `${SNAPSHOT} is not a folder (a link?): not putting it back`;
  const bad = notRootsAbove(dirname(SNAPSHOT)) ?? notRootsWithin(SNAPSHOT);
  if (bad !== null) return `${bad} is not root's alone: a snapshot others could have changed is never put back`;
  if (!existsSync(`${SNAPSHOT}/boot_id`) || !lstatSync(`${SNAPSHOT}/db/status`, { throwIfNoEntry: false })?.isFile()) {
    return `the snapshot in ${SNAPSHOT} is incomplete (no boot_id or db/status): not putting it back`;
  }
  return null;
}

/** Put the snapshot back when the boot it was taken in is over and /usr no longer has its overlay. */
export function restoreSnapshot(overlayGone: boolean): RestoreResult {
  if (!existsSync(SNAPSHOT)) return { done: false, message: "no snapshot of dpkg's database: nothing to restore" };
  const distrust = untrusted();
  if (distrust !== null) return { done: false, failed: true, message: distrust };
  const taken = readFileSync(`${SNAPSHOT}/boot_id`, 'utf8').trim();
  if (taken === bootId()) return { done: false, message: 'the snapshot is from this boot: the overlay is still there, nothing to restore' };
  if (!overlayGone) return { done: false, message: "/usr still has an overlay (a hotfix?): keeping dpkg's database and the snapshot" };
  if (dpkgLocked(DB)) return { done: false, failed: true, message: 'dpkg holds its database locked: not restoring now' };
  const fresh = `${DB}.usr-guard-new`;
  const old = `${DB}.usr-guard-old`;
  rmSync(fresh, { recursive: true, force: true });
  try {
    cpSync(`${SNAPSHOT}/db`, fresh, COPY);
  } catch (e) {
    // A full disk: dpkg's database stays as it is, and so does the snapshot, for the next boot.
    rmSync(fresh, { recursive: true, force: true });
    return { done: false, failed: true, message: `${writeError('copy the snapshot to', fresh, e).message}; dpkg's database is as it was` };
  }
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
