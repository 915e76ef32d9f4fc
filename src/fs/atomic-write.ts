// Files written so that a crash or a full disk never leaves a half-written
// file: a new file beside the old one, synced, then renamed over it. A reader
// sees the old file or the new one, never part of one.

import {
  chmodSync,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Failure } from '../exit-codes.js';
import { cannotDo, ERRNO_WORDS, somethingInPlace } from '../messages/fs.js';

/** What a failed write says: the path and the reason in a few words, never a stack trace. */
export function writeError(verb: string, path: string, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  const words = err.code === undefined ? undefined : ERRNO_WORDS[err.code];
  return new Failure(cannotDo(verb, path, words ?? err.message ?? String(e)));
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
      // Another run made it in between: a folder there is what was asked for.
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && lstatSync(dir, { throwIfNoEntry: false })?.isDirectory())
        return;
      throw writeError('make the folder', dir, e);
    }
    return;
  }
  throw new Failure(somethingInPlace(dir));
}

/**
 * A new name beside `target`. Unique enough by pid and a random tail: the file
 * is made with O_EXCL ('wx'), so a name that is taken (or a planted link)
 * fails the write, never follows. Not node:crypto: loading it costs every hook
 * that writes a record a few milliseconds.
 */
function tempBeside(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.usr-guard-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
  );
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
