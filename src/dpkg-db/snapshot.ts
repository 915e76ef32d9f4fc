// dpkg's database where it stays in /var on an image host: a snapshot of it,
// and of apt's marks, taken by the boot unit early in every boot, before
// anything can change it (takeBootSnapshot), so that the next boot can put
// back what a transient overlay changed (./restore.ts). A hard-link tree:
// dpkg and apt replace every file of the database by a new file and a rename
// and never write one in place (docs/dpkg-database.md, "Why links"), so the
// snapshot's links keep the files as they were, for the cost of a link each.
// A hook's snapshot at the boot's first change (takeSnapshot) is only the
// fallback of a boot whose unit took none: marked so, never put back.
//
// One snapshot at a time (a lock, ./snapshot-lock.ts), each at a name of its
// own until it is whole and on the disk, with a manifest written last that the
// restore checks (./manifest.ts); a database that dpkg holds is never touched.
// Each step is named for the tests that stop there (src/fs/test-stop.ts).

import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { makeDirs, syncDir, writeError } from '../fs/atomic-write.js';
import { step } from '../fs/test-stop.js';
import { COPY, type Entry, listTree, syncTree, tempName } from '../fs/trees.js';
import { notRootsAbove } from '../trust.js';
import { otherHolder } from './locks.js';
import { manifestOf, manifestText, type TakenBy } from './manifest.js';
import { DB, MARKS, SNAPSHOT } from './paths.js';
import { lockSnapshots, type Held } from './snapshot-lock.js';
import { bootId } from '../probe/boot-id.js';
import { databaseHeld, notRootsFolder, SAVED_WHILE_WAITING, SNAPSHOT_LOCK_HELD } from '../messages/dpkg-snapshot.js';

export const MANIFEST = `${SNAPSHOT}/manifest`;

/** Where dpkg's database really is: /var/lib/dpkg may be a link to a folder elsewhere in /var. */
export function realDb(): string {
  try {
    return realpathSync(DB);
  } catch {
    return DB;
  }
}

/** usr-guard's folder in /var/lib, made root's (0755 whatever the umask), or why it cannot be trusted. */
function ownFolder(): void {
  const dir = dirname(SNAPSHOT);
  makeDirs(dir, 0o755); // or says that something else (a link) is in its place
  const bad = notRootsAbove(dir);
  if (bad !== null) throw new Error(notRootsFolder(bad));
}

/** Copies that runs killed half-way left at their own names: only the lock's holder removes them. */
export function removeLeftovers(held: Held): void {
  if (held.how === 'no-flock') return; // another run may be writing one right now
  const db = realDb();
  const leftovers = [
    [dirname(SNAPSHOT), ['dpkg-snapshot.new-', 'dpkg-snapshot.old-']],
    [
      dirname(db),
      [`${db.slice(dirname(db).length + 1)}.usr-guard-new-`, `${db.slice(dirname(db).length + 1)}.usr-guard-old`],
    ],
  ] as const;
  for (const [dir, prefixes] of leftovers) {
    for (const name of readdirSync(dir))
      if (prefixes.some((p) => name.startsWith(p))) rmSync(`${dir}/${name}`, { recursive: true, force: true });
  }
}

/** 'kept': one exists already; 'waited': another run took it while we waited; 'skipped': none now, and why. */
export type TakeResult = { outcome: 'taken' | 'kept' } | { outcome: 'waited' | 'skipped'; message: string };

/**
 * The fallback of a boot whose unit took no snapshot (a full /var at boot, a
 * host without the unit running): a hook's copy at the first change it sees.
 * It may already hold changes of this boot's overlay (an earlier run that no
 * hook saw), so it is never put back; it is the baseline of `usr-guard diff`.
 */
export function takeSnapshot(waiting: () => void = () => undefined): TakeResult {
  if (existsSync(SNAPSHOT)) return { outcome: 'kept' };
  return underLock(waiting, false, (held) => {
    if (existsSync(SNAPSHOT))
      return held.how === 'waited' ? { outcome: 'waited', message: SAVED_WHILE_WAITING } : { outcome: 'kept' };
    makeSnapshot('first-change');
    return { outcome: 'taken' };
  });
}

/** The boot unit's snapshot of this boot, in place of the one of an earlier boot (already dealt with). */
export function takeBootSnapshot(): TakeResult {
  return underLock(
    () => undefined,
    true,
    () => {
      makeSnapshot('boot');
      return { outcome: 'taken' };
    },
  );
}

function underLock(waiting: () => void, atBoot: boolean, take: (held: Held) => TakeResult): TakeResult {
  ownFolder();
  const held = lockSnapshots(waiting, atBoot ? 5 : undefined);
  if (held === null) return { outcome: 'skipped', message: SNAPSHOT_LOCK_HELD };
  try {
    // apt or dpkg above us hold the lock while they wait for us: the database is still. Anyone else may be changing it.
    const other = otherHolder(realDb());
    if (other !== null) return { outcome: 'skipped', message: databaseHeld(other) };
    removeLeftovers(held);
    return take(held);
  } finally {
    held.release();
  }
}

/**
 * The files dpkg opens with O_TRUNC where they are (strace over real apt and
 * dpkg runs, docs/dpkg-database.md): its lock files, and the new files it
 * renames into place (`updates/tmp.i`, `status-new`, `*.list-new`,
 * `Unincorp.new`, `*.dpkg-tmp`), which exist between runs only after a crash.
 * A link to one of those would change with it: they are copied (small, and
 * mostly empty or absent).
 */
const IN_PLACE = /^(tmp\.i|lock|lock-frontend|Lock)$|(-new|\.new|\.dpkg-tmp)$/;

/**
 * A tree of hard links to `from` at `to` (folders and symbolic links made
 * anew; a copy across file systems), and its entries as listTree lists them:
 * one walk makes the snapshot and its manifest.
 */
export function linkTree(from: string, to: string, rel = '', out: Entry[] = [], stamps: string[] = []): Entry[] {
  // Read before the folder is listed: a rename into it after moves its ctime past this stamp.
  const st = lstatSync(from, { bigint: true });
  stamps.push(`${rel}:${st.ino}:${st.ctimeNs}`);
  mkdirSync(to, Number(st.mode) & 0o7777);
  for (const name of readdirSync(from).sort()) {
    const a = join(from, name);
    const b = join(to, name);
    const path = rel === '' ? name : `${rel}/${name}`;
    const st = lstatSync(a);
    if (st.isDirectory()) {
      out.push(['d', path, 0]);
      linkTree(a, b, path, out, stamps);
    } else if (st.isSymbolicLink()) {
      const target = readlinkSync(a);
      symlinkSync(target, b);
      out.push(['l', path, target]);
    } else {
      if (IN_PLACE.test(name)) cpSync(a, b, COPY);
      else linkFile(a, b);
      out.push(['f', path, st.size]);
    }
  }
  return out;
}

/** apt replaces its marks by a rename (a new inode); mtime, not ctime: our links move the link count, and so its ctime. */
function marksStamp(): string {
  const st = lstatSync(MARKS, { bigint: true, throwIfNoEntry: false });
  return st === undefined ? 'marks:none' : `marks:${st.ino}:${st.mtimeNs}`;
}

/** The stamp of the database now, for the folders `m` lists: `m.stamp` when nothing changed since it was taken. */
export function stampNow(folders: string[]): string {
  const db = realDb();
  const out = [marksStamp()];
  for (const rel of ['', ...folders]) {
    const st = lstatSync(rel === '' ? db : join(db, rel), { bigint: true, throwIfNoEntry: false });
    if (st === undefined) return 'gone';
    out.push(`${rel}:${st.ino}:${st.ctimeNs}`);
  }
  return out.join(' ');
}

function linkFile(a: string, b: string): void {
  try {
    linkSync(a, b);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(a, b, COPY);
  }
}

/** The snapshot, at a name of its own; its manifest last; all of it on the disk before it gets its name. */
function makeSnapshot(by: TakenBy): void {
  const fresh = tempName(SNAPSHOT, 'new');
  let old: string | null = null;
  try {
    mkdirSync(fresh, 0o700);
    // Links where the boot unit takes it; a hook's fallback copies (it runs while dpkg may soon write).
    let entries: Entry[];
    const stamps: string[] = [];
    if (by === 'boot') {
      stamps.push(marksStamp());
      entries = linkTree(realDb(), `${fresh}/db`, '', [], stamps);
    } else {
      cpSync(realDb(), `${fresh}/db`, COPY);
      entries = listTree(`${fresh}/db`);
    }
    let marks: number | null = null;
    if (existsSync(MARKS)) {
      mkdirSync(`${fresh}/apt`, 0o755);
      if (by === 'boot') linkFile(MARKS, `${fresh}/apt/extended_states`);
      else cpSync(MARKS, `${fresh}/apt/extended_states`, COPY);
      marks = lstatSync(`${fresh}/apt/extended_states`).size;
    }
    step('snapshot-copied');
    writeFileSync(`${fresh}/manifest`, manifestText(manifestOf(entries, bootId(), by, marks, stamps.join(' '))), {
      mode: 0o644,
    });
    chmodSync(fresh, 0o755);
    syncTree(fresh);
    step('snapshot-synced');
    if (existsSync(SNAPSHOT)) {
      old = tempName(SNAPSHOT, 'old');
      renameSync(SNAPSHOT, old);
    }
    renameSync(fresh, SNAPSHOT);
  } catch (e) {
    // A full disk leaves no half snapshot. Without a lock (no flock(1)), another run's whole
    // snapshot may have got the name first: then that one is kept.
    rmSync(fresh, { recursive: true, force: true });
    if (old !== null && !existsSync(SNAPSHOT)) renameSync(old, SNAPSHOT);
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(MANIFEST)) return;
    throw writeError('write', SNAPSHOT, e);
  }
  syncDir(dirname(SNAPSHOT));
  if (old !== null) rmSync(old, { recursive: true, force: true });
}
