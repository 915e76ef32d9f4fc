// Is dpkg's database in use? dpkg and apt hold fcntl locks on lock files in
// the database folder; /proc/locks lists them by device and inode, with the
// process that holds each, so we can tell without a child process and
// without taking the lock ourselves.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** apt's and dpkg's lock files in the database folder (apt takes lock-frontend first). */
export const LOCK_FILES = ['lock-frontend', 'lock'];

/** The processes that hold a lock on dpkg's lock files in `dbDir` (0 where /proc/locks cannot name one). */
export function lockHolders(dbDir: string): number[] {
  const pids: number[] = [];
  for (const name of LOCK_FILES) {
    const st = statSync(join(dbDir, name), { throwIfNoEntry: false });
    if (st !== undefined) pids.push(...holdersOf(st.dev, st.ino)); // no such lock file: not held
  }
  return pids;
}

/** The processes that hold a lock (fcntl or flock) on the file with this device and inode. */
export function holdersOf(dev: number, ino: number): number[] {
  let locks = '';
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return []; // no /proc: nothing to tell by
  }
  // glibc's dev_t encoding; the kernel prints %02x:%02x:%lu.
  const major = ((dev >> 8) & 0xfff).toString(16).padStart(2, '0');
  const minor = ((dev & 0xff) | ((dev >> 12) & 0xfff00)).toString(16).padStart(2, '0');
  // Lines look like "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF".
  return locks
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[5] !== undefined)
    .map((f) => ({ pid: Number(f[4]) || 0, id: f[5]! }))
    .filter((h) => h.id === `${major}:${minor}:${ino}` || (h.id.endsWith(`:${ino}`) && holdsOpen(h.pid, dev, ino)))
    .map((h) => h.pid);
}

/**
 * The same inode on another device: btrfs prints its file system's device
 * where stat(2) gives a subvolume's, but an overlay of the same folder
 * elsewhere (another sandbox, another container over this /var) has its own
 * files with the same inode numbers. It is this file only if the holder has
 * this very file open.
 */
function holdsOpen(pid: number, dev: number, ino: number): boolean {
  if (pid <= 0) return false; // in another PID namespace: not ours to see
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      const st = statSync(`/proc/${pid}/fd/${fd}`, { throwIfNoEntry: false });
      return st?.dev === dev && st.ino === ino;
    });
  } catch {
    return false;
  }
}

export function dpkgLocked(dbDir: string): boolean {
  return lockHolders(dbDir).length > 0;
}

/** This process and the ones that started it, up to init. */
function ancestors(): Set<number> {
  const out = new Set<number>([process.pid]);
  let pid = process.ppid;
  while (pid > 1 && !out.has(pid)) {
    out.add(pid);
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      break;
    }
  }
  return out;
}

/**
 * A process other than the ones that run us holds dpkg's lock: someone else
 * is changing the database (apt or dpkg above us hold it while they wait for
 * their hook, with the database as it is). null when none.
 */
export function otherHolder(dbDir: string): number | null {
  const pids = lockHolders(dbDir);
  if (pids.length === 0) return null;
  const mine = ancestors();
  return pids.find((p) => !mine.has(p)) ?? null;
}
