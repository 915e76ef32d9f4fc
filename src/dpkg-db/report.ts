// What `usr-guard status` and the boot unit say about dpkg's database beyond
// where it is: a snapshot that waits to be put back (or never will be), and a
// database in /var that describes another image than the running one.

import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { DB, RECORD, SNAPSHOT, SNAPSHOT_NOTE, SYSIMAGE_DB } from './paths.js';
import { readRecord, recordOf, staleness } from './record.js';
import { staleSentence } from '../messages/dpkg-db.js';
import { checkSnapshot } from './restore.js';
import { bootId } from '../probe/boot-id.js';

export interface SnapshotFacts {
  /** The boot it was taken in, when its manifest says. */
  bootId: string | null;
  thisBoot: boolean;
  /** Taken by the boot unit at its boot's start (else by a hook at the first change: never put back). */
  atBoot: boolean;
  /** Whole: its manifest is valid and it holds exactly what that lists. */
  valid: boolean;
  problem: string | null;
}

export interface DpkgDbReport {
  /** image: /var/lib/dpkg links into /usr; var: a folder in /var; none: no database. */
  location: 'image' | 'var' | 'none';
  snapshot: SnapshotFacts | null;
  /** The image carries its own database but /var/lib/dpkg is still a folder: the boot unit moves it aside and links. */
  migrationPending: boolean;
  /** "dpkg's database describes another image: …", or null when it is the image's (or nothing tells). */
  stale: string | null;
  /** What the image recorded of its database, when it stays in /var: whether there is a record. */
  record: 'present' | 'absent' | 'unreadable';
  /** What the boot unit could not do with the snapshot in this boot (its words), or null. */
  bootUnitNote: string | null;
}

export function snapshotFacts(): SnapshotFacts | null {
  if (!existsSync(SNAPSHOT)) return null;
  const m = checkSnapshot();
  if ('error' in m) return { bootId: null, thisBoot: false, atBoot: false, valid: false, problem: m.error };
  return { bootId: m.bootId, thisBoot: m.bootId === bootId(), atBoot: m.by === 'boot', valid: true, problem: null };
}

/** Does /var's database describe another image? Compared as it was before this boot's overlay changed it (the snapshot). */
export function staleFact(snapshot: SnapshotFacts | null): { stale: string | null; record: DpkgDbReport['record'] } {
  const image = readRecord(RECORD);
  if (image === null) return { stale: null, record: 'absent' };
  if ('error' in image) return { stale: null, record: 'unreadable' };
  const now = recordOf(snapshot?.thisBoot && snapshot.valid ? `${SNAPSHOT}/db` : DB);
  const how = now === null ? null : staleness(image, now);
  return { stale: how === null ? null : staleSentence(how), record: 'present' };
}

export function dpkgDbReport(): DpkgDbReport {
  const st = lstatSync(DB, { throwIfNoEntry: false });
  const location = st === undefined || !existsSync(`${DB}/status`) ? 'none' : st.isSymbolicLink() ? 'image' : 'var';
  const snapshot = location === 'var' ? snapshotFacts() : null;
  const { stale, record } = location === 'var' ? staleFact(snapshot) : { stale: null, record: 'absent' as const };
  return {
    location,
    snapshot,
    migrationPending: location === 'var' && existsSync(`${SYSIMAGE_DB}/status`),
    stale,
    record,
    bootUnitNote: location === 'var' ? staleNote(SNAPSHOT_NOTE) : null,
  };
}

/** The boot unit's note, for the overlay warning (one read, no parsing on the hooks' path). */
export function staleNote(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim() || null;
  } catch {
    return null;
  }
}
