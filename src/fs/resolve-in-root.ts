// Paths inside a root folder (an image being built, or /), resolved as a
// chroot would see them: an absolute link inside the root points inside the
// root (root/etc/apt -> /mnt/x is root/mnt/x), and a path whose ".." climbs
// above the root is refused, so that a hostile link never leads a write
// outside the root.

import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../exit-codes.js';
import { leadsOut, tooManyLinks } from '../messages/fs.js';

const MAX_LINKS = 40; // as the kernel's ELOOP

/**
 * The path on this machine of `path` (absolute, as seen inside `root`), with
 * every link followed inside the root (the last one too unless `followLast`
 * is false). Parts that do not exist yet are kept as they are.
 */
export function resolveInRoot(root: string, path: string, followLast = true): string {
  let todo = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift()!;
    if (c === '..') {
      if (done.length === 0) throw new UsageError(leadsOut(join(root, path), root));
      done.pop();
      continue;
    }
    const here = join(root, ...done, c);
    let target: string | null = null;
    try {
      if ((todo.length > 0 || followLast) && lstatSync(here).isSymbolicLink()) target = readlinkSync(here);
    } catch {
      // not there (yet): the rest is made as it is named
    }
    if (target === null) {
      done.push(c);
      continue;
    }
    if (++links > MAX_LINKS) throw new UsageError(tooManyLinks(join(root, path)));
    const parts = target.split('/').filter((p) => p !== '' && p !== '.');
    if (target.startsWith('/')) done.length = 0; // absolute: from the root's top
    todo = [...parts, ...todo];
  }
  return join(root, ...done);
}
