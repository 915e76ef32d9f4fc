// V8's code cache for the program's hot path, kept in /var/cache/usr-guard.
//
// With it, node skips parsing and compiling usr-guard's code on every hook
// run (about a third of what usr-guard adds to a bare node start; see
// npm run bench). Node >= 22 has module.enableCompileCache for the same idea;
// this works on the Node 18 and 20 of Debian 12 and the Fedora releases too.
//
// Code from a cache runs as usr-guard, so the file is trusted only when root
// owns it and its folder and nobody else can write them, and it is written
// only by root. Its fixed-size head names what it was made from (see
// cacheKey); V8 checks its own version and flags as well; anything else is a miss.

import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const DEFAULT_CACHE_DIR = '/var/cache/usr-guard';
const FILE = 'check.v8';
const MAX_BYTES = 16 * 1024 * 1024;
/** The key, padded: a fixed-size head is read without searching the bytes. */
const HEAD = 128;

/** Where the cache lives, or undefined when USR_GUARD_CACHE_DIR is set empty (no cache). */
export function cachePath(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env.USR_GUARD_CACHE_DIR ?? DEFAULT_CACHE_DIR;
  return dir === '' ? undefined : `${dir}/${FILE}`;
}

/**
 * What a cache must have been made from: this build of the program (its hash
 * is in the program file) and this node. V8 checks more on its own: its
 * version, its flags, and the length of the source.
 */
export function cacheKey(buildHash: string): string {
  return `usr-guard-code-cache 1 ${buildHash} ${process.version} ${process.arch}\n`.padEnd(HEAD, ' ');
}

/** Root's, and nobody else can write it (nor, for a folder, swap what is in it). */
function rootOnly(path: string, kind: 'file' | 'dir'): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && (kind === 'file' ? st.isFile() && st.size <= MAX_BYTES : st.isDirectory()) && st.uid === 0 && (st.mode & 0o022) === 0;
}

/**
 * The cached code made for `key`, if the file is there, root's in a folder of
 * root's, and made for `key`. Plain stat and readFileSync: the probe uses the
 * same calls right after, so node warms them up once (an fd-based read costs
 * a hook run about 1 ms more, in code nothing else uses).
 */
export function readCache(path: string, key: string): Buffer | undefined {
  try {
    if (!rootOnly(dirname(path), 'dir') || !rootOnly(path, 'file')) return undefined;
    const buf = readFileSync(path) as Buffer & { latin1Slice?: (start: number, end: number) => string };
    // latin1Slice, what toString('latin1') calls, on every Node so far: 0.1 ms less of cold code per hook run.
    const head = typeof buf.latin1Slice === 'function' ? buf.latin1Slice(0, HEAD) : buf.toString('latin1', 0, HEAD);
    return head === key ? buf.subarray(HEAD) : undefined;
  } catch {
    return undefined;
  }
}

/** Replace the cache at once (a new file, then rename): a reader sees the old one or the new one, never half. Best effort. */
export function writeCache(path: string, key: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    // 'wx' never follows a link planted at the temporary name.
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      writeSync(fd, key);
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}
