// Keeping the last-boot record (last-boot.ts) as the overlay changes: at each
// change node sees (before it: what the overlay holds then) and at `overlay
// --drop`; at the next boot, last-boot-finish.ts completes it. Written whole
// and durably (a new file, fsync, rename); never fatal to the caller.

import { readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { DB } from '../dpkg-db/paths.js';
import { bootId } from '../probe/boot-id.js';
import { makeDirs, writeFileAtomic } from '../fs/atomic-write.js';
import { cannotReadRecord, notKeepingRecordThere } from '../messages/last-boot.js';
import { notRootsAbove } from '../trust.js';
import type { SystemState } from '../types.js';
import type { FileChange, PackageChange } from './compute.js';
import {
  encodeLastBoot,
  LAST_BOOT,
  type LastBoot,
  OVERLAY_RECORD,
  parseLastBoot,
  type RecordedPackage,
  systemUsers,
} from './last-boot.js';

/** A record in /var, or why it cannot be read; null where there is none. */
export function readRecord(path: string): LastBoot | { error: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : { error: cannotReadRecord(path, code ?? (e as Error).message) };
  }
  return parseLastBoot(text);
}

/** The newest record, where it is whole. */
export function newest(): LastBoot | null {
  const r = readRecord(OVERLAY_RECORD);
  return r === null || 'error' in r ? null : r;
}

/**
 * The record of the last overlay that is gone: the newest, where it is of an
 * earlier boot (or was dropped); else the one it moved aside. null: none.
 */
export function readLastBoot(): LastBoot | { error: string } | null {
  const r = readRecord(OVERLAY_RECORD);
  if (r !== null && ('error' in r || r.bootId !== bootId() || r.how === 'drop')) return r;
  return readRecord(LAST_BOOT);
}

/** Write `r` as the newest record; a newest of another boot is moved aside first (it is the last boot's). */
export function writeRecord(r: LastBoot): void {
  makeDirs(dirname(OVERLAY_RECORD), 0o755);
  const bad = notRootsAbove(dirname(OVERLAY_RECORD));
  if (bad !== null) throw new Error(notKeepingRecordThere(bad));
  const known = newest();
  if (known !== null && known.bootId !== r.bootId) renameSync(OVERLAY_RECORD, LAST_BOOT);
  writeFileAtomic(OVERLAY_RECORD, Buffer.from(encodeLastBoot(r)), 0o644);
}

export const readText = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** The names of the system users now. */
export const usersNow = () => [...systemUsers(readText('/etc/passwd')).keys()];

/** A unit file dpkg lists for a package: its name. */
const UNIT = /^\/(?:usr\/)?lib\/systemd\/system\/([^/]+\.(?:service|socket|timer|path|mount|automount|target))$/;

/** What an apt package may leave behind, from dpkg's database `db`: its conffiles, its units. */
function dpkgDetails(db: string, key: string): Pick<RecordedPackage, 'conffiles' | 'units'> {
  const info = (ext: string) => {
    const arch = readText(`${db}/arch`).trim();
    return readText(`${db}/info/${key}.${ext}`) || (arch ? readText(`${db}/info/${key}:${arch}.${ext}`) : '');
  };
  const conffiles = info('conffiles')
    .split('\n')
    .map((l) => l.trim().split(' ')[0] ?? '')
    .filter((p) => p.startsWith('/etc/'));
  const units = info('list')
    .split('\n')
    .flatMap((l) => UNIT.exec(l)?.[1] ?? []);
  return { conffiles, units: [...new Set(units)] };
}

/** The changes with what each may leave behind (apt's from `db`; the others by name only). */
export function detailed(changes: PackageChange[], db = DB): RecordedPackage[] {
  return changes.map((c) =>
    c.manager === 'apt' && c.change !== 'removed'
      ? { ...c, ...dpkgDetails(db, c.name) }
      : { ...c, conffiles: [], units: [] },
  );
}

/**
 * At a change node sees on an overlay (or at a drop): what the overlay holds now, as the diff computed it.
 * The users before are kept from the boot's first note.
 */
export function noteOverlay(
  state: SystemState,
  diff: { packages: PackageChange[]; files: FileChange[]; notes: string[] },
  how: 'change' | 'drop',
): void {
  const boot = bootId();
  const known = newest();
  const same = known?.bootId === boot ? known : null;
  writeRecord({
    version: 1,
    bootId: boot,
    state: state.state,
    updated: new Date().toISOString(),
    how,
    packages: detailed(diff.packages),
    files: diff.files,
    filesCut: 0,
    usersBefore: same?.usersBefore ?? usersNow(),
    notes: diff.notes,
  });
}
