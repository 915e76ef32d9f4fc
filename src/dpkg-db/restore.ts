// What the boot unit does with the snapshot of an earlier boot before it
// takes this boot's (./snapshot.ts). The one rule: a snapshot is put back only
// if it was taken before that boot's overlay held any package change, which
// the manifest shows (taken by the boot unit, `by: 'boot'`, at the start of
// an earlier boot; kept only while the database's packages at the start of
// each later boot were what it holds). It is put back when packages' state
// changed since (versions, Status but its wanted flag, conffiles) and /usr
// has no overlay now; selections, holds and apt's marks of the packages whose
// state did not change are this host's, made in /var alone, and stay
// (./package-state.ts). What is put back becomes root's database, whose
// maintainer scripts root runs: only a snapshot that root owns all the way
// down, in folders only root can write, is ever restored. A snapshot a hook
// took at a boot's first change (the unit could not at its start) may miss
// that boot's earlier changes: it is put back for the packages changed since,
// and packages still listed whose files are not in /usr go (./files-gone.ts).

import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { syncDir, writeError, writeFileAtomic } from '../fs/atomic-write.js';
import { step } from '../fs/test-stop.js';
import { copyAside, moveAside, syncTree } from '../fs/trees.js';
import { notRootsAbove, notRootsWithin } from '../trust.js';
import { dpkgLocked } from './locks.js';
import { parseManifest, treeDiffers, type Manifest } from './manifest.js';
import { dropInfo, packagesGone, withoutPackages } from './files-gone.js';
import { changedPackages, mergeMarks, mergeStatus } from './package-state.js';
import { MARKS, SNAPSHOT } from './paths.js';
import { bootId } from '../probe/boot-id.js';
import { MANIFEST, realDb, removeLeftovers, stampNow } from './snapshot.js';
import { lockSnapshots } from './snapshot-lock.js';
import {
  AS_AT_BOOT_START,
  copyFailed,
  copyNotWhole,
  LOCK_HELD_NOT_RESTORING,
  LOCKED_NOT_RESTORING,
  MARKS_DIFFER,
  NO_MANIFEST,
  NO_SNAPSHOT,
  notAFolderLink,
  notWhole,
  othersCouldChange,
  packagesAsAt,
  restoredFromBoot,
  restoredFromFirstChange,
  standsFor,
  standsForFailed,
  STILL_OVERLAY,
  TAKEN_ALREADY,
  takenAtFirstChange,
} from '../messages/dpkg-snapshot.js';

export type RestoreResult =
  | { done: true; message: string; warn?: boolean }
  /**
   * failed: something is wrong (said in the journal). keep: the snapshot still is the best one to
   * put back (this boot's already, or one that could not be put back now): no new one replaces it.
   */
  | { done: false; message: string; failed?: boolean; keep?: boolean };

/** Why the snapshot must not be put back, or null. */
function untrusted(): string | null {
  if (!lstatSync(SNAPSHOT).isDirectory()) return notAFolderLink(SNAPSHOT);
  const bad = notRootsAbove(dirname(SNAPSHOT)) ?? notRootsWithin(SNAPSHOT);
  if (bad !== null) return othersCouldChange(bad);
  return null;
}

/** The last boot whose start the snapshot also describes (nothing changed since it was taken): one line. */
const STANDS_FOR = `${SNAPSHOT}/stands-for`;

/** The manifest alone (no walk), its bootId the last boot whose start the snapshot describes. */
function readManifest(): Manifest | { error: string } {
  let text: string;
  try {
    text = readFileSync(MANIFEST, 'utf8');
  } catch {
    return { error: NO_MANIFEST };
  }
  const m = parseManifest(text);
  if ('error' in m) return m;
  const later = read(STANDS_FOR).trim();
  return later === '' ? m : { ...m, bootId: later };
}

/** The snapshot's manifest, when the snapshot is exactly what it lists; else why not. */
export function checkSnapshot(): Manifest | { error: string } {
  const m = readManifest();
  if ('error' in m) return m;
  const differs = treeDiffers(`${SNAPSHOT}/db`, m);
  if (differs !== null) return { error: differs };
  const marks = lstatSync(`${SNAPSHOT}/apt/extended_states`, { throwIfNoEntry: false });
  if ((marks?.size ?? null) !== m.marks) return { error: MARKS_DIFFER };
  return m;
}

/** A restore stopped half-way leaves its removals to the next run. */
function finishRemovals(): void {
  const db = realDb();
  const left = [dirname(SNAPSHOT), dirname(db)].some((dir) => {
    try {
      return readdirSync(dir).some((n) => n.startsWith('dpkg-snapshot.') || n.includes('.usr-guard-'));
    } catch {
      return false;
    }
  });
  if (!left || dpkgLocked(db)) return;
  try {
    const held = lockSnapshots(() => undefined, 5);
    if (held === null) return;
    try {
      removeLeftovers(held);
    } finally {
      held.release();
    }
  } catch {
    // best effort: what is left is said nowhere and harms nothing
  }
}

/** The database's folders and apt's marks are the very ones the snapshot found (./manifest.ts, stamp). */
function unchangedSince(m: Manifest): boolean {
  if (m.stamp === '') return false;
  const folders = m.entries.filter((e) => e[0] === 'd').map((e) => e[1]);
  return stampNow(folders) === m.stamp;
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/**
 * Put back what a transient overlay of an earlier boot changed, when /usr no longer has it.
 * `dropping`: `usr-guard overlay --drop` is about to unmount this boot's overlay, so the
 * snapshot of this boot's start goes back too.
 */
export function restoreSnapshot(overlayGone: boolean, dropping = false): RestoreResult {
  if (!existsSync(SNAPSHOT)) {
    finishRemovals();
    return { done: false, message: NO_SNAPSHOT };
  }
  // The boot that changed nothing (most boots): a dozen stats, no walk, no new tree.
  const quick = readManifest();
  if (!('error' in quick) && quick.by === 'boot' && unchangedSince(quick)) {
    if (dropping) return { done: false, keep: true, message: AS_AT_BOOT_START };
  }
  if (!dropping && !('error' in quick) && quick.by === 'boot' && quick.bootId !== bootId() && unchangedSince(quick)) {
    try {
      writeFileAtomic(STANDS_FOR, Buffer.from(`${bootId()}\n`), 0o644);
    } catch (e) {
      // A full /var: the snapshot still describes this boot's start, under its own boot's name.
      return {
        done: false,
        keep: true,
        failed: true,
        message: standsForFailed(quick.bootId, writeError('write', STANDS_FOR, e).message),
      };
    }
    return { done: false, keep: true, message: standsFor(quick.bootId) };
  }
  const distrust = untrusted();
  if (distrust !== null) return { done: false, failed: true, message: distrust };
  const m = checkSnapshot();
  if ('error' in m) return { done: false, failed: true, message: notWhole(SNAPSHOT, m.error) };
  if (m.bootId === bootId() && !dropping) return { done: false, keep: true, message: TAKEN_ALREADY };
  if (m.by !== 'boot' && dropping) return { done: false, failed: true, message: takenAtFirstChange(m.bootId) };
  if (!overlayGone) return { done: false, message: STILL_OVERLAY };
  const db = realDb();
  const then = read(`${SNAPSHOT}/db/status`);
  const changed = changedPackages(then, read(`${db}/status`));
  const gone = m.by === 'boot' ? [] : packagesGone(`${SNAPSHOT}/db`, mergeStatus(then, read(`${db}/status`), changed));
  if (changed.length === 0 && gone.length === 0)
    return { done: false, message: packagesAsAt(m.by === 'boot', m.bootId) };
  if (dpkgLocked(db)) return { done: false, failed: true, keep: true, message: LOCKED_NOT_RESTORING };
  const held = lockSnapshots(() => undefined, 5);
  if (held === null) return { done: false, failed: true, keep: true, message: LOCK_HELD_NOT_RESTORING };
  try {
    removeLeftovers(held);
    return putBack(m, db, changed, gone);
  } finally {
    held.release();
  }
}

function putBack(m: Manifest, db: string, changed: string[], gone: string[]): RestoreResult {
  let fresh: string;
  try {
    fresh = copyAside(`${SNAPSHOT}/db`, db, 'usr-guard-new');
    step('restore-copied');
    const differs = treeDiffers(fresh, m);
    if (differs !== null) {
      rmSync(fresh, { recursive: true, force: true });
      return { done: false, failed: true, keep: true, message: copyNotWhole(differs) };
    }
    // This boot's selections and holds of the packages whose state did not change stay.
    const status = mergeStatus(read(`${SNAPSHOT}/db/status`), read(`${db}/status`), changed);
    writeFileSync(`${fresh}/status`, withoutPackages(status, gone));
    if (gone.length > 0) dropInfo(fresh, gone);
    syncTree(fresh);
    step('restore-synced');
    // The marks first: a stop before the database's rename finds the packages still changed, and does it all again.
    if (m.marks !== null || existsSync(MARKS)) {
      const marks = mergeMarks(read(`${SNAPSHOT}/apt/extended_states`), read(MARKS), changed);
      writeFileAtomic(MARKS, Buffer.from(marks), 0o644);
    }
  } catch (e) {
    // A full disk: dpkg's database stays as it is, and so does the snapshot, for the next boot.
    return {
      done: false,
      failed: true,
      keep: true,
      message: copyFailed(writeError('copy the snapshot to', `${db}.usr-guard-new`, e).message),
    };
  }
  const old = `${db}.usr-guard-old`;
  moveAside(db, old);
  step('restore-moved-aside');
  renameSync(fresh, db);
  syncDir(dirname(db));
  step('restore-renamed');
  rmSync(old, { recursive: true, force: true });
  if (m.by === 'boot') return { done: true, message: restoredFromBoot(m.bootId, changed) };
  return { done: true, warn: true, message: restoredFromFirstChange(m.bootId, changed, gone) };
}
