// usr-guard's files in /run (which a boot starts empty): light on purpose, as
// the hook that decides writes them on every change on an overlay. What reads
// the package databases (./baseline.js, which starts rpm through
// child_process) is loaded only at a boot's first change.

import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { PackageManager } from '../types.js';

export const RUN_DIR = '/run/usr-guard';
export const baselineFile = (m: PackageManager) => `${RUN_DIR}/baseline.${m}`;

/** usr-guard's folder in /run, readable by all (diff needs no root). */
export function runDir(): string {
  if (!existsSync(RUN_DIR)) {
    mkdirSync(RUN_DIR, 0o755);
    chmodSync(RUN_DIR, 0o755);
  }
  return RUN_DIR;
}

/** Write `text` to `path` at once (a new file, then a rename), readable by all. */
export function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  chmodSync(tmp, 0o644);
  renameSync(tmp, path);
}
