// The image's side of `usr-guard diff`: what the package databases held
// before the first change this boot's overlay got. The hook that decides
// keeps it at that first change, in /run (which a boot starts empty): the
// packages and the files they own under /usr. Where usr-guard did not see
// the first change, dpkg's snapshot of the same moment (the dpkg-snapshot
// protection) serves for apt; otherwise there is no baseline, and diff
// compares files only.

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DB, SNAPSHOT } from '../dpkg-db/paths.js';
import type { PackageManager } from '../types.js';
import { dpkgView, rpmView, type Owners, type PackageVersions } from './packages.js';

export const RUN_DIR = '/run/usr-guard';
const baselineFile = (m: PackageManager) => `${RUN_DIR}/baseline.${m}`;

export interface Baseline {
  /** Where it came from: usr-guard's own, taken at the first change, or dpkg's snapshot. */
  source: 'usr-guard' | 'dpkg-snapshot';
  versions: PackageVersions;
  owners: Owners;
}

/** usr-guard's folder in /run, readable by all (diff needs no root). */
export function runDir(): string {
  if (!existsSync(RUN_DIR)) {
    mkdirSync(RUN_DIR, 0o755);
    chmodSync(RUN_DIR, 0o755);
  }
  return RUN_DIR;
}

/** Write `text` to `path` at once (a new file, then a rename), readable by all. */
export function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  chmodSync(tmp, 0o644);
  renameSync(tmp, path);
}

/**
 * Keep the baseline of `manager` unless this boot has one: the first change's "before".
 * An empty database gets an empty baseline too, so that later runs stop at the existsSync
 * instead of asking rpm again (rpm -qa costs tens of ms on every warned run otherwise).
 */
export function takeBaseline(manager: PackageManager): void {
  if (existsSync(baselineFile(manager))) return;
  const view = manager === 'apt' ? (existsSync(`${DB}/status`) ? dpkgView(DB) : null) : rpmView();
  if (!view) return;
  const lines = [...view.versions].map(([key, version]) => `P\t${key}\t${version}`);
  for (const [path, key] of view.filesOf(view.versions.keys())) lines.push(`F\t${path}\t${key}`);
  runDir();
  writeWhole(baselineFile(manager), lines.join('\n') + '\n');
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
  if (manager !== 'apt') return null;
  const snapshot = dpkgView(`${SNAPSHOT}/db`);
  return snapshot ? { source: 'dpkg-snapshot', versions: snapshot.versions, owners: snapshot.filesOf(snapshot.versions.keys()) } : null;
}
