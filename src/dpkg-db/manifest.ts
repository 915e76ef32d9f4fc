// The manifest of a snapshot of dpkg's database: written last, once every
// file of the snapshot is on the disk, it lists each file with its size, each
// link and folder, the boot the snapshot was taken in and by whom (the boot
// unit at the boot's start, or a hook at the boot's first change), and the
// size of apt's marks beside it, sealed with a sha256 of that listing. A snapshot is put back only when its manifest is whole and
// the copy holds exactly what it lists: a copy cut short, a file truncated
// by a power cut, or a mix of two copies never becomes dpkg's database.
// parseManifest is pure (and fuzzed: test/unit/fuzz-dpkg-db.test.ts).

import { createHash } from 'node:crypto';
import { listTree, type Entry } from '../fs/trees.js';
import {
  entryMissing,
  MANIFEST_CUT,
  MANIFEST_LACKS_FIELD,
  MANIFEST_SEAL,
  MANIFEST_UNKNOWN,
  notAsListed,
  unlisted,
  unreadable,
} from '../messages/dpkg-snapshot.js';

// Format 1 (usr-guard 0.1's hook snapshots) said nothing of when in the boot it was taken: never put back.
const FORMAT = 'usr-guard dpkg-db snapshot 2';

/** 'boot': by the boot unit before anything could change the database; 'first-change': by a hook, maybe late. */
export type TakenBy = 'boot' | 'first-change';

export interface Manifest {
  bootId: string;
  /** When it was taken, as an ISO date. */
  taken: string;
  by: TakenBy;
  /** The size of apt's marks (extended_states) in the snapshot, or null when there were none. */
  marks: number | null;
  /**
   * The database's folders (inode and ctime, each read before the folder was
   * listed) and apt's marks (inode, mtime) as the snapshot found them: every
   * change of dpkg and apt renames a file into its folder, which moves that
   * folder's ctime. The same stamp at a later boot: nothing changed since.
   * Empty for a hook's copy.
   */
  stamp: string;
  entries: Entry[];
}

const seal = (m: Manifest) =>
  createHash('sha256')
    .update(JSON.stringify([FORMAT, m.bootId, m.taken, m.by, m.marks, m.stamp, m.entries]))
    .digest('hex');

export function manifestText(m: Manifest): string {
  const { bootId, taken, by, marks, stamp, entries } = m;
  return `${JSON.stringify({ format: FORMAT, bootId, taken, by, marks, stamp, entries, sha256: seal(m) })}\n`;
}

/** The manifest of a tree whose entries (listTree's) are `entries`. */
export function manifestOf(
  entries: Entry[],
  bootId: string,
  by: TakenBy,
  marks: number | null,
  stamp: string,
): Manifest {
  return { bootId, taken: new Date().toISOString(), by, marks, stamp, entries };
}

function isEntry(e: unknown): e is Entry {
  if (!Array.isArray(e) || e.length !== 3 || typeof e[1] !== 'string' || e[1] === '') return false;
  if (e[0] === 'f') return Number.isSafeInteger(e[2]) && (e[2] as number) >= 0;
  if (e[0] === 'l') return typeof e[2] === 'string';
  return e[0] === 'd' && e[2] === 0;
}

/** The manifest in `text`, or why it is not a whole one. */
export function parseManifest(text: string): Manifest | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: MANIFEST_CUT };
  }
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || Array.isArray(o) || o.format !== FORMAT)
    return { error: MANIFEST_UNKNOWN };
  if (
    typeof o.bootId !== 'string' ||
    typeof o.taken !== 'string' ||
    typeof o.stamp !== 'string' ||
    (o.by !== 'boot' && o.by !== 'first-change') ||
    !(o.marks === null || (Number.isSafeInteger(o.marks) && (o.marks as number) >= 0)) ||
    !Array.isArray(o.entries) ||
    !o.entries.every(isEntry)
  ) {
    return { error: MANIFEST_LACKS_FIELD };
  }
  const m: Manifest = {
    bootId: o.bootId,
    taken: o.taken,
    by: o.by,
    stamp: o.stamp,
    marks: o.marks as number | null,
    entries: o.entries as Entry[],
  };
  if (o.sha256 !== seal(m)) return { error: MANIFEST_SEAL };
  return m;
}

/** Why the tree at `dir` is not what `m` lists (the first difference), or null when it is exactly that. */
export function treeDiffers(dir: string, m: Manifest): string | null {
  let now: Entry[];
  try {
    now = listTree(dir);
  } catch (e) {
    return unreadable((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  const want = new Map(m.entries.map((e) => [e[1], e]));
  for (const e of now) {
    const w = want.get(e[1]);
    if (w === undefined) return unlisted(e[1]);
    if (w[0] !== e[0] || w[2] !== e[2])
      return notAsListed(e[1], w[0] === 'f' ? `${w[2]} bytes` : w[0], e[0] === 'f' ? `${e[2]} bytes` : e[0]);
    want.delete(e[1]);
  }
  const missing = want.keys().next();
  return missing.done ? null : entryMissing(missing.value, want.size, m.entries.length);
}
