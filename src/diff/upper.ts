// The files in the upper layer of the overlay on /usr: what the overlay
// holds. A whiteout (a character device 0:0) is a file deleted from the image.

import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { upperdirNeedsDeployment } from '../probe/deployment.js';
import { printable } from '../printable.js';
import type { UpperEntry } from './compute.js';

/** At most this many entries are read: a larger layer is summed up, not listed. */
const MAX_ENTRIES = 200_000;

export type UpperResult = { ok: true; entries: UpperEntry[]; truncated: boolean } | { ok: false; why: string };

/** Every file, link and whiteout under `upperdir`, as paths under /usr. */
export function readUpper(upperdir: string): UpperResult {
  // Such a path meant something only where the overlay was mounted; read here,
  // it would be this process's folder or descriptor (a decoy, or nothing).
  if (upperdirNeedsDeployment(upperdir)) {
    return {
      ok: false,
      why: `the overlay's upper layer (${printable(upperdir)}) is named from where it was mounted, the booted ostree deployment, which is not found here`,
    };
  }
  const entries: UpperEntry[] = [];
  const walk = (dir: string, under: string): void => {
    for (const name of readdirSync(dir)) {
      if (entries.length >= MAX_ENTRIES) return;
      const st = lstatSync(join(dir, name));
      const path = `${under}/${name}`;
      if (st.isDirectory()) walk(join(dir, name), path);
      else entries.push({ path, whiteout: st.isCharacterDevice() && st.rdev === 0 });
    }
  };
  try {
    walk(upperdir, '/usr');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return {
      ok: false,
      why: `the overlay's upper layer (${printable(upperdir)}) cannot be read: ${err.code === 'EACCES' ? 'permission denied' : err.code === 'ENOENT' ? 'it is not reachable from here' : err.message}`,
    };
  }
  return { ok: true, entries, truncated: entries.length >= MAX_ENTRIES };
}
