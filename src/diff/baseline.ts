// The image's side of `usr-guard diff`: what the package databases held
// before the first change this boot's overlay got. The hook that decides
// keeps it at that first change, in /run (which a boot starts empty, and
// which is RAM): the packages and their versions, and who owns which file
// under /usr. The owners are most of it (some 130,000 paths on a Debian
// host), so where dpkg's snapshot of this boot (the dpkg-snapshot
// protection) holds that same moment, the baseline only points to it and
// diff reads the snapshot's .list files (a few KiB in /run); elsewhere the
// owners go into the baseline, front-coded and compressed (about 420 KiB for
// 131,000 paths: test/integration/diff.test.ts measures it on this machine's
// database). Where usr-guard did not see the first change, dpkg's snapshot
// serves for apt, and pacman's for pacman; otherwise there is no baseline, and
// diff compares files only.

import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DB, SNAPSHOT } from '../dpkg-db/paths.js';
import { checkSnapshot } from '../dpkg-db/restore.js';
import { bootId } from '../probe/boot-id.js';
import { PACMAN_SNAPSHOT, pacmanDbPath } from '../pacman-db/paths.js';
import type { PackageManager } from '../types.js';
import { dpkgView, rpmView, type Owners, type PackageVersions, type PackageView } from './packages.js';
import { pacmanView } from './pacman-view.js';
import { databaseIdentity, identityFile } from './db-identity.js';
import { baselineFile, writeRunFile } from './run-dir.js';

export interface Baseline {
  /** Where it came from: usr-guard's own, taken at the first change, or dpkg's (or pacman's) snapshot. */
  source: 'usr-guard' | 'dpkg-snapshot' | 'pacman-snapshot';
  versions: PackageVersions;
  /** Who owned which file then; null when that is no longer known (the snapshot it pointed to is gone). */
  owners: Owners | null;
}

/** What a baseline file says: the versions, and the owners, or the boot whose dpkg snapshot holds them. */
export interface ParsedBaseline {
  versions: PackageVersions;
  owners: Owners;
  ownersInSnapshotOf: string | null;
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
  // Read before the database: a change made while it is read shows as a change (db-identity.ts).
  const identity = databaseIdentity(manager);
  const view =
    manager === 'apt'
      ? existsSync(`${DB}/status`)
        ? dpkgView(DB)
        : NOTHING
      : manager === 'pacman'
        ? pacmanNow()
        : (rpmView() ?? NOTHING);
  if (!view) return;
  const snapshot = manager === 'apt' ? snapshotOfThisMoment(view.versions) : null;
  const text = encodeBaseline(view.versions, snapshot === null ? view.filesOf(view.versions.keys()) : null, snapshot);
  writeRunFile(baselineFile(manager), gzipSync(text));
  writeRunFile(identityFile(manager), `${identity}\n`);
}

/** The view of a package manager that is not here. */
const NOTHING: PackageView = { versions: new Map(), filesOf: () => new Map() };

/** pacman's view now: nothing without pacman, or before its first transaction (no local database yet). */
function pacmanNow(): PackageView | null {
  const db = pacmanDbPath();
  return db === null || !existsSync(`${db}/local`) ? NOTHING : pacmanView(`${db}/local`);
}

/**
 * dpkg's snapshot, if it holds the database as `versions` say it is now: taken
 * in this boot (not one kept from an earlier boot) and with the same packages
 * (not taken at a later change: a dnf run may have been this boot's first).
 * Its boot ID, or null.
 */
function snapshotOfThisMoment(versions: PackageVersions): string | null {
  const taken = snapshotBoot();
  if (taken === null || taken !== bootId()) return null;
  const then = dpkgView(`${SNAPSHOT}/db`)?.versions;
  return then && sameVersions(then, versions) ? taken : null;
}

/** The boot dpkg's snapshot was taken in (its manifest says, and the snapshot is what it lists), or null without one. */
function snapshotBoot(): string | null {
  const m = checkSnapshot();
  return 'error' in m ? null : m.bootId;
}

function sameVersions(a: PackageVersions, b: PackageVersions): boolean {
  return a.size === b.size && [...a].every(([key, version]) => b.get(key) === version);
}

/**
 * A baseline as text: "P\tkey\tversion" per package; then either
 * "O\tdpkg-snapshot\tBOOT_ID", or per owner "K\tkey" and its paths, sorted,
 * each "N\tn\trest": the first n characters of the path before it, then rest.
 * (Paths in one package share most of their start: a third of the size
 * before compression, and half after.) Pure.
 */
export function encodeBaseline(versions: PackageVersions, owners: Owners | null, snapshotBoot: string | null): string {
  const lines = [...versions].map(([key, version]) => `P\t${key}\t${version}`);
  if (snapshotBoot !== null) lines.push(`O\tdpkg-snapshot\t${snapshotBoot}`);
  const byKey = new Map<string, string[]>();
  for (const [path, key] of owners ?? []) {
    const paths = byKey.get(key);
    if (paths) paths.push(path);
    else byKey.set(key, [path]);
  }
  for (const [key, paths] of byKey) {
    lines.push(`K\t${key}`);
    let before = '';
    for (const path of paths.sort()) {
      let n = 0;
      while (n < before.length && before[n] === path[n]) n++;
      lines.push(`N\t${n}\t${path.slice(n)}`);
      before = path;
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A baseline's lines (those of encodeBaseline). Pure; other lines are skipped.
 * With `ownersOf`, only those packages' owners are read: the paths of the others (most of a baseline) are
 * stepped over a line at a time, not sliced, decoded and kept (the last-boot record at every change: 140 ms
 * and 80 MiB for this machine's 130,000 paths, read whole).
 */
export function parseBaseline(text: string, ownersOf?: ReadonlySet<string>): ParsedBaseline {
  const versions: PackageVersions = new Map();
  const owners: Owners = new Map();
  let ownersInSnapshotOf: string | null = null;
  let key: string | null = null;
  let before = '';
  for (let at = 0; at < text.length; ) {
    const end = nextLine(text, at);
    const line = text.slice(at, end);
    at = end + 1;
    // A path may hold a tab: the last field is the rest of the line.
    const tab = line.indexOf('\t');
    const kind = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    if (tab < 0 || rest === '') continue;
    if (kind === 'K') {
      [key, before] = [rest, ''];
      // Another package's paths: its "N" lines say nothing of the packages asked for.
      if (ownersOf && !ownersOf.has(rest)) {
        while (text.startsWith('N\t', at)) at = nextLine(text, at) + 1;
        key = null;
      }
    }
    const tab2 = rest.indexOf('\t');
    if (tab2 <= 0) continue;
    const [a, b] = [rest.slice(0, tab2), rest.slice(tab2 + 1)];
    if (kind === 'P') versions.set(a, b);
    else if (kind === 'O' && a === 'dpkg-snapshot') ownersInSnapshotOf = b;
    else if (kind === 'N' && key !== null && /^\d{1,4}$/.test(a)) {
      before = before.slice(0, Number(a)) + b;
      if (before.startsWith('/usr/')) owners.set(before, key);
    }
  }
  return { versions, owners, ownersInSnapshotOf };
}

/** Where the line that starts at `at` ends (its newline, or the text's end). */
function nextLine(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

/** The baseline file's text (compressed as takeBaseline writes it); null when unreadable. */
export function baselineText(manager: PackageManager): string | null {
  try {
    const raw = readFileSync(baselineFile(manager));
    return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  } catch {
    return null; // not taken this boot, or damaged
  }
}

export function readBaseline(manager: PackageManager): Baseline | null {
  const text = baselineText(manager);
  if (text !== null) {
    const { versions, owners, ownersInSnapshotOf: boot } = parseBaseline(text);
    if (boot === null) return { source: 'usr-guard', versions, owners };
    // The owners are in dpkg's snapshot of that moment, if it is still the one.
    const snapshot = dpkgView(`${SNAPSHOT}/db`);
    const same = snapshot !== null && snapshotBoot() === boot && sameVersions(snapshot.versions, versions);
    return { source: 'usr-guard', versions, owners: same ? snapshot.filesOf(versions.keys()) : null };
  }
  if (manager === 'dnf') return null;
  const snapshot = manager === 'apt' ? dpkgView(`${SNAPSHOT}/db`) : pacmanView(`${PACMAN_SNAPSHOT}/local`);
  return snapshot
    ? {
        source: manager === 'apt' ? 'dpkg-snapshot' : 'pacman-snapshot',
        versions: snapshot.versions,
        owners: snapshot.filesOf(snapshot.versions.keys()),
      }
    : null;
}
