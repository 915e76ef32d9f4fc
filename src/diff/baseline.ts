// The image's side of `usr-guard diff`: what the package databases held
// before the first change this boot's overlay got. The hook that decides
// keeps it at that first change, in /run (which a boot starts empty): the
// packages and the files they own under /usr. Where usr-guard did not see
// the first change, dpkg's snapshot of the same moment (the dpkg-snapshot
// protection) serves for apt, and pacman's for pacman; otherwise there is no
// baseline, and diff compares files only.

import { existsSync, readFileSync } from 'node:fs';
import { DB, SNAPSHOT } from '../dpkg-db/paths.js';
import { PACMAN_SNAPSHOT, pacmanDbPath } from '../pacman-db/paths.js';
import type { PackageManager } from '../types.js';
import { dpkgView, rpmView, type Owners, type PackageVersions, type PackageView } from './packages.js';
import { pacmanView } from './pacman-view.js';
import { baselineFile, writeRunFile } from './run-dir.js';

export interface Baseline {
  /** Where it came from: usr-guard's own, taken at the first change, or dpkg's (or pacman's) snapshot. */
  source: 'usr-guard' | 'dpkg-snapshot' | 'pacman-snapshot';
  versions: PackageVersions;
  owners: Owners;
}

/**
 * Keep the baseline of `manager` (in the folder recordChange made) unless this boot has one: the first change's "before".
 * A manager that is not here (no dpkg status, no rpm) or has an empty database gets an
 * empty baseline, so that later runs stop at the caller's existsSync instead of loading
 * this module and asking rpm again (tens of ms on every warned run). A database that is
 * there but cannot be read gets none: the next run tries again.
 */
export function takeBaseline(manager: PackageManager): void {
  if (existsSync(baselineFile(manager))) return;
  const view = manager === 'apt' ? (existsSync(`${DB}/status`) ? dpkgView(DB) : NOTHING) : manager === 'pacman' ? pacmanNow() : (rpmView() ?? NOTHING);
  if (!view) return;
  const lines = [...view.versions].map(([key, version]) => `P\t${key}\t${version}`);
  for (const [path, key] of view.filesOf(view.versions.keys())) lines.push(`F\t${path}\t${key}`);
  writeRunFile(baselineFile(manager), lines.join('\n') + '\n');
}

/** The view of a package manager that is not here. */
const NOTHING: PackageView = { versions: new Map(), filesOf: () => new Map() };

/** pacman's view now: nothing without pacman, or before its first transaction (no local database yet). */
function pacmanNow(): PackageView | null {
  const db = pacmanDbPath();
  return db === null || !existsSync(`${db}/local`) ? NOTHING : pacmanView(`${db}/local`);
}

/** A baseline file's lines ("P\tkey\tversion", "F\tpath\tkey"). Pure; other lines are skipped. */
export function parseBaseline(text: string): Omit<Baseline, 'source'> {
  const versions: PackageVersions = new Map();
  const owners: Owners = new Map();
  for (const line of text.split('\n')) {
    const [kind, a, b] = line.split('\t');
    if (!a || b === undefined) continue;
    if (kind === 'P') versions.set(a, b);
    else if (kind === 'F') owners.set(a, b);
  }
  return { versions, owners };
}

export function readBaseline(manager: PackageManager): Baseline | null {
  try {
    return { source: 'usr-guard', ...parseBaseline(readFileSync(baselineFile(manager), 'utf8')) };
  } catch {
    // not taken this boot
  }
  if (manager === 'dnf') return null;
  const snapshot = manager === 'apt' ? dpkgView(`${SNAPSHOT}/db`) : pacmanView(`${PACMAN_SNAPSHOT}/local`);
  return snapshot ? { source: manager === 'apt' ? 'dpkg-snapshot' : 'pacman-snapshot', versions: snapshot.versions, owners: snapshot.filesOf(snapshot.versions.keys()) } : null;
}
