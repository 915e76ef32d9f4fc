// Is a file root's alone? usr-guard runs as root from package-manager hooks,
// so what it runs or puts back (the node it starts, a code cache, a snapshot
// of dpkg's database) must be something only root could have written: owned
// by root, not writable by group or others, and the same for every folder
// above it (or someone could swap it).

import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';

/** Root owns it and nobody else can write it (a link's own mode means nothing). */
export function rootOnly(st: Stats): boolean {
  return st.uid === 0 && (st.isSymbolicLink() || (st.mode & 0o022) === 0);
}

/** The first of `path` and the folders above it that is not root's alone, or null when all are. */
export function notRootsAbove(path: string): string | null {
  for (let p = path; ; p = dirname(p)) {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st || !rootOnly(st)) return p;
    if (p === '/' || p === '.') return null;
  }
}

/** The first entry in the tree at `path` (itself included) that is not root's alone, or null. */
export function notRootsWithin(path: string): string | null {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st || !rootOnly(st)) return path;
  if (!st.isDirectory()) return null;
  for (const name of readdirSync(path)) {
    const bad = notRootsWithin(join(path, name));
    if (bad !== null) return bad;
  }
  return null;
}
