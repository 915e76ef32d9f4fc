// For hosts as they are: before the first change a transient overlay gets in a
// boot, copy dpkg's database aside on persistent storage, marked with the boot
// ID; early in the next boot, when the overlay is gone, put it back.
//
// One snapshot at a time (a lock, ./snapshot-lock.ts), each at a name of its
// own until it is whole and on the disk, with a manifest written last that the
// restore checks (./manifest.ts); a database that dpkg holds is never touched.
// What is put back becomes root's database, whose maintainer scripts root
// runs: only a snapshot that root owns all the way down, in folders only
// root can write, is ever restored. Each step is named for the tests that
// stop there (src/fs/test-stop.ts); docs/dpkg-database.md walks through them.

import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, syncDir, writeError } from '../fs/atomic-write.js';
import { step } from '../fs/test-stop.js';
import { COPY, copyAside, moveAside, syncTree, tempName } from '../fs/trees.js';
import { notRootsAbove, notRootsWithin } from '../trust.js';
import { dpkgLocked, otherHolder } from './locks.js';
import { manifestOf, manifestText, parseManifest, treeDiffers, type Manifest } from './manifest.js';
import { DB, SNAPSHOT } from './paths.js';
import { lockSnapshots, type Held } from './snapshot-lock.js';

const MANIFEST = `${SNAPSHOT}/manifest`;

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

/** Copies that runs killed half-way left at their own names: only the lock's holder removes them. */
function removeLeftovers(held: Held): void {
  if (held.how === 'no-flock') return; // another run may be writing one right now
  const leftovers = [
    [dirname(SNAPSHOT), ['dpkg-snapshot.new-', 'dpkg-snapshot.old-']],
    [dirname(DB), ['dpkg.usr-guard-new-', 'dpkg.usr-guard-old']],
  ] as const;
  for (const [dir, prefixes] of leftovers) {
    for (const name of readdirSync(dir))
      if (prefixes.some((p) => name.startsWith(p))) rmSync(`${dir}/${name}`, { recursive: true, force: true });
  }
}

/** 'kept': one exists already; 'waited': another run took it while we waited; 'skipped': none now, and why. */
export type TakeResult = { outcome: 'taken' | 'kept' } | { outcome: 'waited' | 'skipped'; message: string };

/** Take the snapshot unless there is one: the oldest one is closest to what the image holds. */
export function takeSnapshot(waiting: () => void = () => undefined): TakeResult {
  if (existsSync(SNAPSHOT)) return { outcome: 'kept' };
  ownFolder();
  const held = lockSnapshots(waiting);
  if (held === null)
    return {
      outcome: 'skipped',
      message: "another run has been saving dpkg's database for a minute: going on without a snapshot",
    };
  try {
    if (existsSync(SNAPSHOT))
      return held.how === 'waited'
        ? { outcome: 'waited', message: "another run saved dpkg's database while this one waited" }
        : { outcome: 'kept' };
    // apt or dpkg above us hold the lock while they wait for us: the database is still. Anyone else may be changing it.
    const other = otherHolder(DB);
    if (other !== null)
      return {
        outcome: 'skipped',
        message: `another run (process ${other}) holds dpkg's database: not copying it while it changes`,
      };
    removeLeftovers(held);
    copyWhole();
    return { outcome: 'taken' };
  } finally {
    held.release();
  }
}

/** The copy, at a name of its own; its manifest last; all of it on the disk before it gets its name. */
function copyWhole(): void {
  const fresh = tempName(SNAPSHOT, 'new');
  try {
    mkdirSync(fresh, 0o700);
    cpSync(DB, `${fresh}/db`, COPY);
    step('snapshot-copied');
    writeFileSync(`${fresh}/manifest`, manifestText(manifestOf(`${fresh}/db`, bootId())), { mode: 0o644 });
    chmodSync(fresh, 0o755);
    syncTree(fresh);
    step('snapshot-synced');
    renameSync(fresh, SNAPSHOT);
  } catch (e) {
    // A full disk leaves no half snapshot: the next run tries again. Without a lock (no flock(1)),
    // another run's whole snapshot may have got the name first: then that one is kept.
    rmSync(fresh, { recursive: true, force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(MANIFEST)) return;
    throw writeError('write', SNAPSHOT, e);
  }
  syncDir(dirname(SNAPSHOT));
}

export type RestoreResult =
  | { done: true; message: string }
  /** failed: something is wrong (said in the journal); invalid: the snapshot is not whole, and never put back. */
  | { done: false; message: string; failed?: boolean; invalid?: boolean };

/** Why the snapshot must not be put back, or null. */
function untrusted(): string | null {
  if (!lstatSync(SNAPSHOT).isDirectory()) return `${SNAPSHOT} is not a folder (a link?): not putting it back`;
  const bad = notRootsAbove(dirname(SNAPSHOT)) ?? notRootsWithin(SNAPSHOT);
  if (bad !== null) return `${bad} is not root's alone: a snapshot others could have changed is never put back`;
  return null;
}

/** The snapshot's manifest, when the snapshot is exactly what it lists; else why not. */
export function checkSnapshot(): Manifest | { error: string } {
  let text: string;
  try {
    text = readFileSync(MANIFEST, 'utf8');
  } catch {
    return { error: 'it has no manifest (cut short, or taken by usr-guard 0.1)' };
  }
  const m = parseManifest(text);
  if ('error' in m) return m;
  const differs = treeDiffers(`${SNAPSHOT}/db`, m);
  return differs === null ? m : { error: differs };
}

/** A restore stopped after the snapshot got its last name leaves its removals to the next run. */
function finishRemovals(): void {
  const left = [dirname(SNAPSHOT), dirname(DB)].some((dir) => {
    try {
      return readdirSync(dir).some((n) => n.startsWith('dpkg-snapshot.old-') || n.startsWith('dpkg.usr-guard-'));
    } catch {
      return false;
    }
  });
  if (!left || dpkgLocked(DB)) return;
  try {
    const held = lockSnapshots(() => undefined);
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

const notWhole = (why: string): RestoreResult => ({
  done: false,
  failed: true,
  invalid: true,
  message: `the snapshot in ${SNAPSHOT} is not whole: ${why}. It is never put back; dpkg's database stays as it is, and may list packages whose files went with the overlay (see usr-guard(8), DPKG'S DATABASE)`,
});

/**
 * Put the snapshot back when the boot it was taken in is over and /usr no longer has its overlay.
 * `dropping`: `usr-guard overlay --drop` is about to unmount this boot's overlay, so a snapshot of this boot goes back too.
 */
export function restoreSnapshot(overlayGone: boolean, dropping = false): RestoreResult {
  if (!existsSync(SNAPSHOT)) {
    finishRemovals();
    return { done: false, message: "no snapshot of dpkg's database: nothing to restore" };
  }
  const distrust = untrusted();
  if (distrust !== null) return { done: false, failed: true, message: distrust };
  const m = checkSnapshot();
  if ('error' in m) return notWhole(m.error);
  if (m.bootId === bootId() && !dropping)
    return { done: false, message: 'the snapshot is from this boot: the overlay is still there, nothing to restore' };
  if (!overlayGone)
    return { done: false, message: "/usr still has an overlay (a hotfix?): keeping dpkg's database and the snapshot" };
  if (dpkgLocked(DB))
    return { done: false, failed: true, message: 'dpkg holds its database locked: not restoring now' };
  const held = lockSnapshots(() => undefined);
  if (held === null)
    return { done: false, failed: true, message: "another run holds the snapshot's lock: not restoring now" };
  try {
    removeLeftovers(held);
    return putBack(m);
  } finally {
    held.release();
  }
}

function putBack(m: Manifest): RestoreResult {
  let fresh: string;
  try {
    fresh = copyAside(`${SNAPSHOT}/db`, DB, 'usr-guard-new');
    step('restore-copied');
    const differs = treeDiffers(fresh, m);
    if (differs !== null) {
      rmSync(fresh, { recursive: true, force: true });
      return {
        done: false,
        failed: true,
        message: `the copy of the snapshot is not whole (${differs}); dpkg's database is as it was`,
      };
    }
    syncTree(fresh);
    step('restore-synced');
  } catch (e) {
    // A full disk: dpkg's database stays as it is, and so does the snapshot, for the next boot.
    return {
      done: false,
      failed: true,
      message: `${writeError('copy the snapshot to', `${DB}.usr-guard-new`, e).message}; dpkg's database is as it was`,
    };
  }
  const old = `${DB}.usr-guard-old`;
  moveAside(DB, old);
  step('restore-moved-aside');
  renameSync(fresh, DB);
  syncDir(dirname(DB));
  step('restore-renamed');
  // Only now that the restored database is durable in its place: the old one and the snapshot go.
  // The snapshot gets a name of its own first: a removal cut short leaves no half snapshot to warn about.
  const done = tempName(SNAPSHOT, 'old');
  renameSync(SNAPSHOT, done);
  syncDir(dirname(SNAPSHOT));
  step('restore-done');
  rmSync(old, { recursive: true, force: true });
  rmSync(done, { recursive: true, force: true });
  return {
    done: true,
    message: `restored dpkg's database from the snapshot taken before the transient overlay (boot ${m.bootId})`,
  };
}
