// Is dpkg's database in use? dpkg and apt hold fcntl locks on lock files in
// the database folder; /proc/locks lists them by device and inode, so we can
// tell without a child process and without taking the lock ourselves.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILES = ['lock', 'lock-frontend'];

export function dpkgLocked(dbDir: string): boolean {
  let locks = '';
  try {
    locks = readFileSync('/proc/locks', 'utf8');
  } catch {
    return false; // no /proc: nothing to tell by
  }
  // Lines look like "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF".
  const held = new Set(locks.split('\n').map((l) => l.trim().split(/\s+/)[5]).filter((x): x is string => Boolean(x)));
  for (const name of LOCK_FILES) {
    try {
      const st = statSync(join(dbDir, name));
      // glibc's dev_t encoding; the kernel prints %02x:%02x:%lu.
      const major = ((st.dev >> 8) & 0xfff).toString(16).padStart(2, '0');
      const minor = ((st.dev & 0xff) | ((st.dev >> 12) & 0xfff00)).toString(16).padStart(2, '0');
      if (held.has(`${major}:${minor}:${st.ino}`) || [...held].some((h) => h.endsWith(`:${st.ino}`))) return true;
    } catch {
      // no such lock file: not held
    }
  }
  return false;
}
