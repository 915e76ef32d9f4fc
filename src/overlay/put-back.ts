// Before `overlay --drop` unmounts this boot's overlay: put dpkg's and
// pacman's databases back as they were before its first change, through the
// restore functions of src/dpkg-db/ and src/pacman-db/ (their rule of which
// snapshot may be put back is theirs). One function, so that rule lives once.

import { restoreSnapshot } from '../dpkg-db/restore.js';
import { restorePacmanSnapshot } from '../pacman-db/snapshot.js';
import type { SystemState } from '../types.js';
import { dbGoesBackWithUsr, dbNotKeptTrue } from '../messages/overlay-command.js';

export interface PutBack {
  /** What happened to each database, in a sentence. */
  said: string[];
  /** A database could not be put back: the overlay must stay (its files are what the database lists). */
  stop: string | null;
}

export function putBackDatabases(s: SystemState): PutBack {
  const said: string[] = [];
  let stop: string | null = null;
  const each = (
    name: string,
    protection: SystemState['dpkgProtection'],
    present: boolean,
    restore: () => { done: boolean; message: string; failed?: boolean },
  ) => {
    if (!present || stop !== null) return;
    if (protection === 'relocated') {
      said.push(dbGoesBackWithUsr(name));
      return;
    }
    if (protection === 'none') {
      said.push(dbNotKeptTrue(name));
      return;
    }
    const r = restore();
    if (r.failed) stop = `${name}: ${r.message}`;
    else said.push(r.message);
  };
  each('dpkg', s.dpkgProtection, s.dpkgDatabase !== null, () => restoreSnapshot(true, true));
  each('pacman', s.pacmanProtection, s.pacmanDatabase !== null, () =>
    restorePacmanSnapshot(s.pacmanDatabase!.path, true, true),
  );
  return { said, stop };
}
