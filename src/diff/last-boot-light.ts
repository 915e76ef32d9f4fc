// What the overlay holds, cheaply enough for every change node sees (the
// last-boot record, the fleet's files): `usr-guard diff` reads who owned every
// file of the image (some 130,000 paths, a second and more here) to tell a
// changed file from an added one; this reads only the files of the packages
// that changed, and reads a database at all only where it changed since the
// boot's baseline (db-identity.ts). So a file of the image changed by hand
// shows as added here, and nothing else differs. `overlay --drop` and
// `status --prometheus` take the exact diff (run-diff.ts's compute).

import { filesNotCompared, NO_UPPER_LAYER, UPPER_CUT_NOTE } from '../messages/diff.js';
import type { SystemState } from '../types.js';
import { type FileChange, looseFiles, type PackageChange } from './compute.js';
import { unchangedSinceBaseline } from './db-identity.js';
import { readUpper } from './upper.js';

export interface LightDiff {
  packages: PackageChange[];
  files: FileChange[];
  notes: string[];
}

export async function lightDiff(s: SystemState): Promise<LightDiff | null> {
  if (s.usr?.overlay !== 'unlock' || !s.host.imageBased || s.container.detected) return null;
  const notes: string[] = [];
  const changed = (['apt', 'dnf', 'pacman'] as const).filter((m) => !unchangedSinceBaseline(m));
  const { packages, owned } =
    changed.length === 0
      ? { packages: [], owned: new Set<string>() }
      : (await import('./last-boot-packages.js')).packagesSince(changed);
  const upper = s.usr.upperdir ? readUpper(s.usr.upperdir) : null;
  if (upper?.ok !== true) notes.push(filesNotCompared(upper?.why ?? NO_UPPER_LAYER));
  else if (upper.truncated) notes.push(UPPER_CUT_NOTE);
  return { packages, files: upper?.ok ? looseFiles(upper.entries, owned, null) : [], notes };
}
