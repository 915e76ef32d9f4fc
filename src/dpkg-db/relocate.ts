// For image builds: move dpkg's database into the image, next to where
// Fedora keeps rpm's (/usr/lib/sysimage), and leave /var/lib/dpkg a link to
// it; apt's marks of automatically installed packages go with it. Then a
// discarded /usr overlay, or a new image, takes dpkg's view of the installed
// packages with it: dpkg can no longer disagree with /usr.
//
// The move is resumable: a marker next to the target says that one is under
// way, and each step leaves a state the next run finishes (a build killed or
// out of space half-way must not leave an image with no database, nor one
// that a second run refuses to touch). A copy reaches the disk before it is
// renamed into place, and the original goes only once the link is durable.

import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs, symlinkAtomic, syncDir, writeFileAtomic } from '../fs/atomic-write.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { step } from '../fs/test-stop.js';
import { moveAside, moveTree } from '../fs/trees.js';
import { UsageError } from '../exit-codes.js';
import { dpkgLocked, LOCK_FILES, otherHolder } from './locks.js';
import { DB, MARKS, SYSIMAGE_DB } from './paths.js';
import {
  changedSinceCopy,
  DB_IN_USE,
  finishingMove,
  linkedElsewhere,
  moveRefused,
  neverComplete,
  noDatabaseAt,
  notAFolder,
  targetExists,
  wouldMove,
} from '../messages/dpkg-db.js';
import { linkedLine, movedLine, unchangedLine } from '../messages/install.js';

export const LINK = '../../usr/lib/sysimage/dpkg';
/** apt's marks (automatically installed or not): they describe the image's packages, so they live with its database. */
export { MARKS };
export const IMAGE_MARKS = '/usr/lib/sysimage/apt/extended_states';
const fail = (why: string) => new UsageError(moveRefused(why));

export interface RelocateOptions {
  dryRun: boolean;
  /**
   * dpkg's post-invoke in a build: dpkg has closed its database, and apt
   * above it holds its lock while it waits. Only a lock of someone else's
   * counts then.
   */
  underPackageManager?: boolean;
}

/** Move the database of `root` into its image; a second run changes nothing, or finishes an interrupted one. Paths stay inside the root. */
export function relocateDpkgDb(root: string, opts: RelocateOptions): string[] {
  const db = resolveInRoot(root, DB, false);
  const target = resolveInRoot(root, SYSIMAGE_DB);
  const marker = `${target}.relocating`;
  const resuming = existsSync(marker);
  const st = lstatSync(db, { throwIfNoEntry: false });
  if (st?.isSymbolicLink() && !resuming) {
    if (resolveInRoot(root, DB) === target && existsSync(target)) {
      if (!opts.dryRun) lockFiles(target);
      return [unchangedLine(db, readlinkSync(db))];
    }
    throw fail(linkedElsewhere(db, readlinkSync(db)));
  }
  if (!resuming) {
    if (st === undefined) throw fail(noDatabaseAt(db));
    if (!st.isDirectory()) throw fail(notAFolder(db));
    if (existsSync(target)) throw fail(targetExists(target));
  }
  if (st?.isDirectory() && (opts.underPackageManager ? otherHolder(db) !== null : dpkgLocked(db))) {
    throw fail(DB_IN_USE);
  }
  if (opts.dryRun) return [wouldMove(db, target, resuming)];

  const said: string[] = resuming ? [finishingMove(db)] : [];
  if (!existsSync(target)) {
    if (!st?.isDirectory()) throw fail(neverComplete(db, target));
    makeDirs(dirname(target));
    // A copy that a killed run left at its own name beside the target is never whole: start again.
    for (const name of readdirSync(dirname(target)))
      if (name.startsWith('dpkg.partial-')) rmSync(`${dirname(target)}/${name}`, { recursive: true, force: true });
    writeFileSync(marker, `${db}\n`, { mode: 0o644 });
    syncDir(dirname(marker));
    step('relocate-marked');
    // A rename where it can (then db is gone), else a durable copy (then db stays until the link is made).
    moveTree(db, target);
    step('relocate-copied');
    said.push(movedLine(db, target));
  }
  // The target is whole from here on. A database still in /var is the one it was copied from,
  // unless dpkg ran in between: then say so rather than drop its changes.
  // (One with no status file is one whose removal was cut short: finish it.)
  if (lstatSync(db, { throwIfNoEntry: false })?.isDirectory()) {
    if (existsSync(`${db}/status`) && !sameStatus(db, target)) throw fail(changedSinceCopy(db, target));
    moveAside(db, `${db}.moved`);
  }
  step('relocate-moved-aside');
  lockFiles(target);
  symlinkAtomic(LINK, db); // synced in its folder
  step('relocate-linked');
  said.push(...moveMarks(root));
  rmSync(`${db}.moved`, { recursive: true, force: true });
  rmSync(marker, { force: true });
  return [...said, linkedLine(db, LINK, false)];
}

/**
 * apt's marks into the image too (a file: written whole beside it, then the
 * old one goes). Also later in a build: an apt run that began before the move
 * writes its marks, all of them, where it read them.
 */
export function moveMarks(root: string): string[] {
  const from = resolveInRoot(root, MARKS);
  const to = resolveInRoot(root, IMAGE_MARKS);
  makeDirs(dirname(to));
  if (!existsSync(from)) return [];
  writeFileAtomic(to, readFileSync(from), 0o644);
  rmSync(from, { force: true });
  return [movedLine(from, to)];
}

/**
 * apt's and dpkg's lock files, empty, as apt makes them: the boot unit mounts
 * writable files of /run over these (lock-binds.ts), and a read-only /usr can
 * take no new mount point. Any build that ran dpkg has them; an image must not
 * depend on that.
 */
function lockFiles(dir: string): void {
  const missing = LOCK_FILES.filter((n) => lstatSync(`${dir}/${n}`, { throwIfNoEntry: false }) === undefined);
  for (const name of missing) writeFileSync(`${dir}/${name}`, '', { mode: 0o640, flag: 'wx' });
  if (missing.length > 0) syncDir(dir);
}

function sameStatus(a: string, b: string): boolean {
  const read = (dir: string) => readFileSync(`${dir}/status`, 'latin1');
  try {
    return read(a) === read(b);
  } catch {
    return false;
  }
}
