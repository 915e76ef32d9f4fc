// usr-guard's files in /run (which a boot starts empty): light on purpose, as
// the hook that decides writes them on every change on an overlay. What reads
// the package databases (./baseline.js, which starts rpm through
// child_process) is loaded only at a boot's first change. Files are written
// whole (a new file, then a rename) with writeFileAtomic (src/fs/atomic-write.ts).

import { makeDirs, writeFileAtomic } from '../fs/atomic-write.js';
import type { PackageManager } from '../types.js';

export const RUN_DIR = '/run/usr-guard';
export const baselineFile = (m: PackageManager) => `${RUN_DIR}/baseline.${m}`;

/** usr-guard's folder in /run, readable by all (diff needs no root). */
export function runDir(): string {
  makeDirs(RUN_DIR, 0o755);
  return RUN_DIR;
}

/** Write `content` to `path` at once, readable by all. */
export function writeRunFile(path: string, content: string | Buffer): void {
  writeFileAtomic(path, typeof content === 'string' ? Buffer.from(content) : content, 0o644);
}
