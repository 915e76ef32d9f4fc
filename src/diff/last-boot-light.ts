// What the overlay holds, cheaply enough for every change node sees (the
// last-boot record, the fleet's files): `usr-guard diff` reads who owned every
// file of the image (some 130,000 paths, a second and more here) to tell a
// changed file from an added one; this reads only the files of the packages
// that changed. So a file of the image changed by hand shows as added here,
// and nothing else differs. `overlay --drop` and `status --prometheus` take
// the exact diff (run-diff.ts's compute).

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DB, SNAPSHOT } from '../dpkg-db/paths.js';
import { pacmanDbPath } from '../pacman-db/paths.js';
import type { PackageManager, SystemState } from '../types.js';
import { parseBaseline } from './baseline.js';
import { type FileChange, looseFiles, type PackageChange, packageChanges } from './compute.js';
import { dpkgView, type PackageView, rpmView } from './packages.js';
import { pacmanView } from './pacman-view.js';
import { baselineFile } from './run-dir.js';
import { readUpper } from './upper.js';

export interface LightDiff {
  packages: PackageChange[];
  files: FileChange[];
  notes: string[];
}

function baselineOf(manager: PackageManager): ReturnType<typeof parseBaseline> | null {
  try {
    const raw = readFileSync(baselineFile(manager));
    return parseBaseline((raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8'));
  } catch {
    return null;
  }
}

function viewNow(manager: PackageManager): PackageView | null {
  if (manager === 'apt') return dpkgView(DB);
  if (manager === 'dnf') return rpmView();
  const db = pacmanDbPath();
  return db === null ? null : pacmanView(`${db}/local`);
}

export function lightDiff(s: SystemState): LightDiff | null {
  if (s.usr?.overlay !== 'unlock' || !s.host.imageBased || s.container.detected) return null;
  const notes: string[] = [];
  const packages: PackageChange[] = [];
  const owned = new Set<string>();
  for (const manager of ['apt', 'dnf', 'pacman'] as const) {
    const base = baselineOf(manager);
    // No baseline, or an empty one of a package manager that is not this host's: nothing to compare.
    if (base === null || base.versions.size === 0) continue;
    const now = viewNow(manager);
    if (now === null) continue;
    const changes = packageChanges(manager, base.versions, now.versions);
    packages.push(...changes);
    for (const path of now.filesOf(changes.filter((c) => c.change !== 'removed').map((c) => c.name)).keys())
      owned.add(path);
    // The files the packages that went (or were upgraded) had: their whiteouts are not changes by hand.
    const gone = changes.filter((c) => c.change !== 'added').map((c) => c.name);
    if (gone.length === 0) continue;
    const before =
      base.ownersInSnapshotOf !== null
        ? (dpkgView(`${SNAPSHOT}/db`)?.filesOf(gone) ?? new Map())
        : new Map([...base.owners].filter(([, key]) => gone.includes(key)));
    for (const path of before.keys()) owned.add(path);
  }
  const upper = s.usr.upperdir ? readUpper(s.usr.upperdir) : null;
  if (upper?.ok !== true) notes.push(`files not compared: ${upper?.why ?? 'mountinfo names no upper layer'}`);
  else if (upper.truncated) notes.push('the upper layer holds more files than are read: the list is cut short');
  return { packages, files: upper?.ok ? looseFiles(upper.entries, owned, null) : [], notes };
}
