// Folder trees copied, synced and moved whole: what dpkg's database needs
// when usr-guard copies it aside, puts it back, or moves it into the image.
// A copy reaches the disk before it is renamed into place, and whatever it
// replaces is removed only after that (the callers' order; see
// docs/dpkg-database.md).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  cpSync,
  existsSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { syncDir } from './atomic-write.js';

/**
 * How a tree is copied: times and links kept as they are, and as a reflink
 * (shared blocks, copied only when written) where the file system has them
 * (btrfs, XFS): then a copy costs almost nothing (npm run bench).
 */
/** How a tree is copied: whole, times kept, links as they are, a reflink where the file system has them. */
export const COPY = {
  recursive: true,
  preserveTimestamps: true,
  verbatimSymlinks: true,
  mode: constants.COPYFILE_FICLONE,
} as const;

/** One entry of a tree: a file and its size, a link and its target, or a folder. */
export type Entry = ['f', string, number] | ['l', string, string] | ['d', string, 0];

/** Every entry below `dir`, by path (relative, sorted): what a manifest lists. */
export function listTree(dir: string): Entry[] {
  const out: Entry[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(join(dir, path));
      if (st.isDirectory()) {
        out.push(['d', path, 0]);
        walk(path);
      } else if (st.isSymbolicLink()) out.push(['l', path, readlinkSync(join(dir, path))]);
      else out.push(['f', path, st.size]);
    }
  };
  walk('');
  return out;
}

/** A name beside `path` that no other run uses, for a copy on its way there. */
export function tempName(path: string, tag: string): string {
  return `${path}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The system's own tools, by absolute path: usr-guard runs as root from hooks, whatever PATH says. */
export function systemTool(name: string): string | null {
  for (const dir of ['/usr/bin', '/bin']) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return null;
}

/** How a tree reached the disk: one syncfs(2) of its file system, or an fsync(2) of each file and folder. */
export type SyncedBy = 'syncfs' | 'fsync';

/**
 * Make every file and folder of `dir` durable. syncfs(2) of the file system
 * that holds it (coreutils' `sync -f`, one call however many files: thousands
 * of fsyncs cost seconds on a disk) where that works; else fsync(2) of each.
 */
export function syncTree(dir: string): SyncedBy {
  const sync = systemTool('sync');
  if (sync !== null && spawnSync(sync, ['-f', dir], { stdio: 'ignore' }).status === 0) return 'syncfs';
  const each = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return; // its folder's fsync keeps it
    if (st.isDirectory()) for (const name of readdirSync(path)) each(join(path, name));
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  each(dir);
  return 'fsync';
}

/**
 * Put a whole, durable copy of `from` at `to` (which must not exist): copied
 * to a name of its own beside `to`, synced, then renamed. A failure (a full
 * disk) leaves nothing at `to` and no half copy.
 */
export function placeCopy(from: string, to: string): SyncedBy {
  const fresh = tempName(to, 'partial');
  try {
    cpSync(from, fresh, COPY);
    const by = syncTree(fresh);
    renameSync(fresh, to);
    syncDir(dirname(to));
    return by;
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
}

/** Copy `from` to `to` as placeCopy does, but leave it at its temporary name for the caller to check and rename. */
export function copyAside(from: string, to: string, tag: string): string {
  const fresh = tempName(to, tag);
  try {
    cpSync(from, fresh, COPY);
    return fresh;
  } catch (e) {
    rmSync(fresh, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Move the folder `path` aside to `aside` (whatever was there first goes),
 * before a whole copy takes its place. An overlay without redirect_dir (an
 * overlay /var, a container build) cannot rename a folder of its lower layer
 * (EXDEV): there it is removed instead, and a run stopped in between finds no
 * folder and its copy still there, and finishes. A folder already gone is fine.
 */
export function moveAside(path: string, aside: string): void {
  rmSync(aside, { recursive: true, force: true });
  try {
    renameSync(path, aside);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EXDEV') rmSync(path, { recursive: true, force: true });
    else if (code !== 'ENOENT') throw e;
  }
}

/**
 * Move `from` to `to` (which must not exist): a rename (durable in both
 * folders), or where rename cannot (another file system; an overlay's lower
 * folder: EXDEV) a durable copy. The original is then left for the caller to
 * remove, once what points at the copy is durable too.
 */
export function moveTree(from: string, to: string): 'renamed' | 'copied' {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    placeCopy(from, to);
    return 'copied';
  }
  syncDir(dirname(from));
  syncDir(dirname(to));
  return 'renamed';
}
