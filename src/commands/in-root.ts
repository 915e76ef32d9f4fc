// Files inside a root folder (an image being built, or /), written so that a
// crash, a full disk or a hostile link never leaves a half-written file or
// writes outside the root.
//
// Paths are resolved as a chroot would see them: an absolute link inside the
// root points inside the root (root/etc/apt -> /mnt/x is root/mnt/x), and a
// path whose ".." climbs above the root is refused. Files are written as a new
// file beside the old one, synced, then renamed over it: a reader sees the old
// file or the new one, never part of one.

import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readlinkSync, renameSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Failure, UsageError } from '../exit-codes.js';

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
      if (done.length === 0) throw new UsageError(`${join(root, path)} leads out of ${root} (through "..")`);
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
    if (++links > MAX_LINKS) throw new UsageError(`${join(root, path)}: too many levels of links`);
    const parts = target.split('/').filter((p) => p !== '' && p !== '.');
    if (target.startsWith('/')) done.length = 0; // absolute: from the root's top
    todo = [...parts, ...todo];
  }
  return join(root, ...done);
}

/** What a failed write says: the path and the reason in a few words, never a stack trace. */
export function writeError(verb: string, path: string, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ENOSPC' ? 'no space left on device' : err.code === 'EROFS' ? 'read-only file system' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : (err.message ?? String(e));
  return new Failure(`cannot ${verb} ${path}: ${why}`);
}

/** Make `dir` and its missing parents, each with `mode` whatever the umask (mkdir applies it). */
export function makeDirs(dir: string, mode = 0o755): void {
  try {
    if (lstatSync(dir).isDirectory()) return;
  } catch {
    makeDirs(dirname(dir), mode);
    try {
      mkdirSync(dir, mode);
      chmodSync(dir, mode);
    } catch (e) {
      throw writeError('make the folder', dir, e);
    }
    return;
  }
  throw new Failure(`cannot make the folder ${dir}: something else is in its place`);
}

function tempBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.usr-guard-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Make the new file at a temporary name beside `target` with `make`, then rename it over `target`; a failure leaves nothing behind. */
function replaceWith(target: string, verb: string, make: (tmp: string) => void): void {
  const tmp = tempBeside(target);
  try {
    make(tmp);
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never made
    }
    throw writeError(verb, target, e);
  }
  syncDir(dirname(target));
}

/** Replace `target` with `content` at once: a new file (never through a link), synced, renamed over it. */
export function writeFileAtomic(target: string, content: Buffer, mode: number): void {
  replaceWith(target, 'write', (tmp) => {
    const fd = openSync(tmp, 'wx', mode);
    try {
      for (let off = 0; off < content.length; ) off += writeSync(fd, content, off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, mode); // the umask took bits away
  });
}

/** Replace `target` with a link to `to`, at once. */
export function symlinkAtomic(to: string, target: string): void {
  replaceWith(target, 'link', (tmp) => symlinkSync(to, tmp));
}

/** Make a rename in `dir` last through a crash. Best effort: not every file system syncs folders. */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // the rename itself has happened; only its durability is unknown
  }
}
