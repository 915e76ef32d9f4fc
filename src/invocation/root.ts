// Which root a command changes: "/" (this one) or another (dpkg --root, dnf
// --installroot, a build chroot's own /usr), for apt, dpkg and dnf alike.

import { statSync } from 'node:fs';

/** Normalise a root such as "/target/" or "/" to compare with "/" (the file system check is the caller's). */
export function normaliseRoot(root: string): string {
  const r = root.replace(/\/+$/, '');
  return r === '' ? '/' : r;
}

/**
 * "/" for every spelling of the root this process sees ("/.", "/tmp/..", a link
 * to it): dpkg and dnf write to the folder, whatever its name.
 */
export function rootOf(path: string): string {
  try {
    const a = statSync(path);
    const b = statSync('/');
    if (a.dev === b.dev && a.ino === b.ino) return '/';
  } catch {
    // not there: not this root
  }
  return normaliseRoot(path);
}
