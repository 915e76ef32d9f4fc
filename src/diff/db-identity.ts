// Whether a package manager's database changed since this boot's baseline,
// without reading it: the per-change last-boot record (last-boot-light.ts)
// runs at every change node sees, and reading dpkg's status cost 20 ms and
// 9 MiB a change here, rpm's `rpm -qa` a process. At the boot's first change
// (the one node sees at all, as the shell replays the later ones) nothing has
// changed since the baseline was taken, in the same run.
//
// The identity is the inode, size and modification time of the database's
// files, read before the baseline reads the database: dpkg and pacman replace
// theirs by rename (a new inode), and a change made in place (rpm's sqlite)
// moves the time. An identity that differs, or cannot be read, only means the
// database is read, as before.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { DB } from '../dpkg-db/paths.js';
import { pacmanDbPath } from '../pacman-db/paths.js';
import type { PackageManager } from '../types.js';
import { baselineFile } from './run-dir.js';

/** Where rpm keeps its database (Fedora's image, older hosts' /var). */
const RPM_DBS = ['/usr/lib/sysimage/rpm', '/var/lib/rpm'];

/** Where takeBaseline keeps the identity its baseline was read at. */
export const identityFile = (m: PackageManager) => `${baselineFile(m)}.identity`;

const id = (path: string) => {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return '-';
  }
};

/** The identity of `manager`'s database now: one line. */
export function databaseIdentity(manager: PackageManager): string {
  if (manager === 'apt') return `status=${id(`${DB}/status`)}`;
  if (manager === 'pacman') {
    const db = pacmanDbPath();
    // Each package is a folder named by its version: an install, upgrade or removal changes local's entries.
    return db === null ? 'none' : `local=${id(`${db}/local`)}`;
  }
  return RPM_DBS.map((dir) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return `${dir}=-`;
    }
    return `${dir}=${names.map((n) => `${n}@${id(`${dir}/${n}`)}`).join(',')}`;
  }).join(' ');
}

/** True where the database is as it was when this boot's baseline was read (its identity kept, and the same). */
export function unchangedSinceBaseline(manager: PackageManager): boolean {
  try {
    return readFileSync(identityFile(manager), 'utf8') === `${databaseIdentity(manager)}\n`;
  } catch {
    return false;
  }
}
