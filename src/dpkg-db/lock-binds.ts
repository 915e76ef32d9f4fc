// apt's and dpkg's locks when dpkg's database is in the image. apt opens its
// lock files with O_NOFOLLOW and, where the file is on a read-only file system,
// says "W: Not using locking for read only lock file" and holds no lock at all.
// So early in each boot, writable files in /run are bind-mounted over the
// image's lock files: apt's and dpkg's fcntl locks are real again. An overlay
// made on /usr later hides those mounts (a new opener gets the overlay's own
// file), so after usr-guard makes one the same files are bound again, and a
// process that took the overlay's own file in between is waited for.
// (docs/dpkg-database.md, LOCKS.)

import { spawnSync } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, statSync } from 'node:fs';
import { makeDirs } from '../fs/atomic-write.js';
import { childEnv, systemProgram } from '../offer/programs.js';
import { holdersOf, LOCK_FILES } from './locks.js';
import { SYSIMAGE_DB } from './paths.js';
import {
  boundLine,
  couldNotBind,
  lockedBeforeBind,
  lockFileMissing,
  locksNeedNothing,
  NO_MOUNT_PROGRAM,
} from '../messages/dpkg-db.js';

/** The files in /run whose inodes hold the locks, whatever is mounted on /usr. */
export const LOCK_DIR = '/run/usr-guard/locks';

export interface LockBinds {
  lines: string[];
  failed: boolean;
}

/** Are the two the same file (a bind mount shows the file it binds)? */
const same = (a: { dev: number; ino: number }, b: { dev: number; ino: number }) => a.dev === b.dev && a.ino === b.ino;

/**
 * At boot: make the /run files (root's, 0640; an existing one is kept as it
 * is, never truncated: a lock may be held on it) and bind them over the
 * image's lock files. Only where the image carries dpkg's database.
 */
export function bindLocksAtBoot(): LockBinds {
  if (statSync(`${SYSIMAGE_DB}/status`, { throwIfNoEntry: false }) === undefined)
    return { lines: [locksNeedNothing(SYSIMAGE_DB)], failed: false };
  makeDirs(LOCK_DIR, 0o755);
  for (const name of LOCK_FILES) {
    // O_NOFOLLOW and no O_TRUNC: a link is not ours to follow; a held lock stays held.
    const fd = openSync(`${LOCK_DIR}/${name}`, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
    closeSync(fd);
  }
  return bindOver(0);
}

/**
 * After an overlay was made on /usr: bind the /run files again where the
 * lock paths lead elsewhere. Nothing to do where no boot bound them (a
 * database in /var, or no boot unit). Waits up to `waitMs` for a process that
 * locked the overlay's own file before the bind (it would not keep others out).
 */
export function rebindLocks(waitMs: number): LockBinds {
  if (statSync(`${LOCK_DIR}/lock-frontend`, { throwIfNoEntry: false }) === undefined)
    return { lines: [], failed: false };
  return bindOver(waitMs);
}

function bindOver(waitMs: number): LockBinds {
  const mount = systemProgram('mount');
  const lines: string[] = [];
  let failed = false;
  for (const name of LOCK_FILES) {
    const path = `${SYSIMAGE_DB}/${name}`;
    const run = statSync(`${LOCK_DIR}/${name}`, { throwIfNoEntry: false });
    const there = statSync(path, { throwIfNoEntry: false });
    if (run === undefined) continue;
    if (there === undefined || !there.isFile()) {
      lines.push(lockFileMissing(path));
      failed = true;
      continue;
    }
    if (same(run, there)) continue;
    // Keep the file the path led to, to see afterwards whether someone locked it in between.
    const old = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const r = mount
        ? spawnSync(mount, ['--bind', `${LOCK_DIR}/${name}`, path], { encoding: 'utf8', env: childEnv() })
        : undefined;
      if (r?.status !== 0) {
        lines.push(couldNotBind(`${LOCK_DIR}/${name}`, path, r?.stderr.trim() || NO_MOUNT_PROGRAM));
        failed = true;
        continue;
      }
      lines.push(boundLine(`${LOCK_DIR}/${name}`, path));
      const held = waitUnheld(fstatSync(old), waitMs);
      if (held.length > 0) {
        lines.push(lockedBeforeBind(held, path));
        failed = true;
      }
    } finally {
      closeSync(old);
    }
  }
  return { lines, failed };
}

/** Who still holds a lock on the file, after waiting up to `waitMs` for them to let go. */
function waitUnheld(file: { dev: number; ino: number }, waitMs: number): number[] {
  const until = Date.now() + waitMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const held = holdersOf(file.dev, file.ino).filter((p) => p !== process.pid);
    if (held.length === 0 || Date.now() >= until) return held;
    Atomics.wait(pause, 0, 0, 100);
  }
}
