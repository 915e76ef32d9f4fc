// The package side of the per-change last-boot record (last-boot-light.ts):
// each database that changed since this boot's baseline, against it. Loaded
// only when one did (db-identity.ts): it reads the databases (rpm through a
// process) and the baseline.

import { SNAPSHOT } from '../dpkg-db/paths.js';
import type { PackageManager } from '../types.js';
import { baselineText, parseBaseline } from './baseline.js';
import { type PackageChange, packageChanges } from './compute.js';
import { dpkgView } from './packages.js';
import { viewNow } from './views.js';

/**
 * The packages of `managers` that changed since the baseline, and the files
 * they own under /usr (now, or before: the whiteouts of those that went are
 * not changes by hand).
 */
export function packagesSince(managers: PackageManager[]): { packages: PackageChange[]; owned: Set<string> } {
  const packages: PackageChange[] = [];
  const owned = new Set<string>();
  for (const manager of managers) {
    const text = baselineText(manager);
    // Its versions first; the owners only of the packages that changed (parseBaseline), below.
    const base = text === null ? null : parseBaseline(text, new Set());
    // No baseline, or an empty one of a package manager that is not this host's: nothing to compare.
    if (text === null || base === null || base.versions.size === 0) continue;
    const now = viewNow(manager);
    if (now === null) continue;
    const changes = packageChanges(manager, base.versions, now.versions);
    packages.push(...changes);
    for (const path of now.filesOf(changes.filter((c) => c.change !== 'removed').map((c) => c.name)).keys())
      owned.add(path);
    const gone = changes.filter((c) => c.change !== 'added').map((c) => c.name);
    if (gone.length === 0) continue;
    const before =
      base.ownersInSnapshotOf !== null
        ? (dpkgView(`${SNAPSHOT}/db`)?.filesOf(gone) ?? new Map())
        : parseBaseline(text, new Set(gone)).owners;
    for (const path of before.keys()) owned.add(path);
  }
  return { packages, owned };
}
