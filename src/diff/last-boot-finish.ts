// The last-boot record at the next boot (last-boot-note.ts keeps it during
// the boot): before dpkg's (or pacman's) snapshot is put back, the packages
// as the overlay's last run left them in /var, against the snapshot taken
// before its first change: exact to the boot's last run. Apart from the
// per-change note so that a change does not load what reads the databases.

import { DB, SNAPSHOT } from '../dpkg-db/paths.js';
import { checkSnapshot } from '../dpkg-db/restore.js';
import { couldNotKeepLastBoot, keptLastBoot } from '../messages/last-boot.js';
import { bootId } from '../probe/boot-id.js';
import { PACMAN_SNAPSHOT } from '../pacman-db/paths.js';
import { packageChanges } from './compute.js';
import { mergeFromDatabase, OVERLAY_RECORD } from './last-boot.js';
import { detailed, newest, readText, writeRecord } from './last-boot-note.js';
import { dpkgView } from './packages.js';
import { pacmanView } from './pacman-view.js';

/**
 * At the next boot, before dpkg's snapshot is put back: the packages as the
 * overlay's last run left them in /var/lib/dpkg, against the snapshot taken
 * before its first change. What it wrote, or null when there was nothing to
 * learn (no snapshot of an earlier boot).
 */
export function finishLastBoot(): string | null {
  const m = checkSnapshot();
  if ('error' in m || m.bootId === bootId()) return null;
  const before = dpkgView(`${SNAPSHOT}/db`);
  const now = dpkgView(DB);
  if (!before || !now) return null;
  const merged = mergeFromDatabase(
    newest(),
    m.bootId,
    'apt',
    detailed(packageChanges('apt', before.versions, now.versions)),
    new Date().toISOString(),
  );
  writeRecord(merged);
  return keptLastBoot(OVERLAY_RECORD, merged.packages.length, merged.files.length);
}

/** The same for pacman, before its snapshot goes back: pacman's packages as the overlay left `dbPath`/local. */
export function finishLastBootPacman(dbPath: string): string | null {
  const taken = readText(`${PACMAN_SNAPSHOT}/boot_id`).trim();
  if (taken === '' || taken === bootId()) return null;
  const before = pacmanView(`${PACMAN_SNAPSHOT}/local`);
  const now = pacmanView(`${dbPath}/local`);
  if (!before || !now) return null;
  const merged = mergeFromDatabase(
    newest(),
    taken,
    'pacman',
    detailed(packageChanges('pacman', before.versions, now.versions)),
    new Date().toISOString(),
  );
  writeRecord(merged);
  return keptLastBoot(OVERLAY_RECORD, merged.packages.length);
}

/** finishLastBoot (or, given pacman's DBPath, finishLastBootPacman) for the boot units: what it did, or why it could not (never a throw: the restore goes on). */
export function keepLastBoot(pacmanDb?: string): string[] {
  try {
    const done = pacmanDb === undefined ? finishLastBoot() : finishLastBootPacman(pacmanDb);
    return done === null ? [] : [done];
  } catch (e) {
    return [couldNotKeepLastBoot((e as Error).message)];
  }
}
