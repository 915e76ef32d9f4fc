// What this boot's overlay changed, from plain data: the packages before and
// now, who owns which file, and the entries of the overlay's upper layer.
// Pure: `usr-guard diff` gathers, this decides, the command prints.

import type { PackageManager } from '../types.js';
import type { Owners, PackageVersions } from './packages.js';

/** When what the overlay holds goes: a hotfix overlay lasts until the next deployment. */
export { whenGone } from '../messages/overlay.js';

export interface PackageChange {
  manager: PackageManager;
  name: string;
  change: 'added' | 'removed' | 'upgraded';
  version: string | null;
  fromVersion: string | null;
}

export interface FileChange {
  path: string;
  change: 'added' | 'changed' | 'deleted';
}

/** A file, link or whiteout in the upper layer, by its path under /usr. Folders are not entries. */
export interface UpperEntry {
  path: string;
  whiteout: boolean;
}

/** The packages that differ, by name. */
export function packageChanges(
  manager: PackageManager,
  before: PackageVersions,
  after: PackageVersions,
): PackageChange[] {
  const out: PackageChange[] = [];
  for (const [name, version] of after) {
    const from = before.get(name);
    if (from === undefined) out.push({ manager, name, change: 'added', version, fromVersion: null });
    else if (from !== version) out.push({ manager, name, change: 'upgraded', version, fromVersion: from });
  }
  for (const [name, version] of before)
    if (!after.has(name)) out.push({ manager, name, change: 'removed', version: null, fromVersion: version });
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Not loose files: the package databases (a transaction always changes
 * them; arch-bootc keeps pacman's, its cache and log in /usr/lib/sysimage)
 * and the caches programs write for themselves (python's bytecode).
 */
const NOT_LOOSE =
  /^\/usr\/(lib\/sysimage\/(dpkg|rpm|libdnf5|lib\/pacman|cache\/pacman|log)|share\/rpm)\/|\/__pycache__\/[^/]+\.pyc$/;

/**
 * The upper layer's entries that no package of the diff accounts for.
 * `owned`: the files of the packages that changed, before and now.
 * `imageOwners`: who owned what in the image, to tell a changed file of
 * the image from an added one (null: no baseline, every file is "added").
 */
export function looseFiles(upper: UpperEntry[], owned: ReadonlySet<string>, imageOwners: Owners | null): FileChange[] {
  return upper
    .filter((e) => !owned.has(e.path) && !NOT_LOOSE.test(e.path))
    .map(
      (e): FileChange => ({
        path: e.path,
        change: e.whiteout ? 'deleted' : imageOwners?.has(e.path) ? 'changed' : 'added',
      }),
    )
    .sort((a, b) => a.path.localeCompare(b.path));
}

export interface FileGroup {
  /** A file, or a folder (ending in "/") that holds nothing but files added by hand. */
  path: string;
  files: FileChange[];
}

/**
 * Loose files as narrow as they are: one line per file, but for a folder
 * (below /usr/X) that holds nothing but files added by hand, such as a new
 * tool's folder, which is one line. Never a folder that also holds a file
 * of the image (changed, deleted or as it was) or of a package: a COPY of
 * it would take the image's files along. `holdsOnly(folder, n)`: whether
 * /usr now holds exactly `n` files (not folders) under `folder`, as the
 * upper layer says it does (nothing from the image below it).
 */
export function groupFiles(
  files: FileChange[],
  upper: UpperEntry[],
  holdsOnly: (folder: string, files: number) => boolean,
): FileGroup[] {
  const all = new Map<string, number>();
  const added = new Map<string, number>();
  const ancestors = (path: string) => {
    const parts = path.split('/').slice(1, -1); // ["usr", "share", "x"]
    return parts.slice(2).map((_, i) => `/${parts.slice(0, i + 3).join('/')}/`);
  };
  const count = (into: Map<string, number>, path: string) => {
    for (const a of ancestors(path)) into.set(a, (into.get(a) ?? 0) + 1);
  };
  for (const e of upper) count(all, e.path);
  for (const f of files) if (f.change === 'added') count(added, f.path);
  const whole = new Map<string, boolean>();
  const isWhole = (a: string) => {
    const n = added.get(a) ?? 0;
    if (n < 2 || all.get(a) !== n) return false;
    if (!whole.has(a)) whole.set(a, holdsOnly(a, n));
    return whole.get(a)!;
  };
  const groups = new Map<string, FileChange[]>();
  for (const f of files) {
    const key = (f.change === 'added' && ancestors(f.path).find(isWhole)) || f.path;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups].map(([path, fs]) => ({ path, files: fs })).sort((a, b) => a.path.localeCompare(b.path));
}

const INSTALL: Record<PackageManager, string> = {
  apt: 'RUN apt-get install -y',
  dnf: 'RUN dnf install -y',
  pacman: 'RUN pacman -S --noconfirm',
};
const REMOVE: Record<PackageManager, string> = {
  apt: 'RUN apt-get purge -y',
  dnf: 'RUN dnf remove -y',
  pacman: 'RUN pacman -R --noconfirm',
};

/** The Containerfile lines that make the changes last: one line per manager and kind, names sorted. */
export function containerfileLines(packages: PackageChange[], groups: FileGroup[]): string[] {
  const lines = ["# What this boot's transient overlay on /usr holds, as Containerfile lines (usr-guard diff)."];
  for (const manager of ['apt', 'dnf', 'pacman'] as const) {
    const names = (kinds: PackageChange['change'][]) =>
      packages
        .filter((p) => p.manager === manager && kinds.includes(p.change))
        .map((p) => p.name.replace(/:.*$/, ''))
        .sort();
    const installs = names(['added', 'upgraded']);
    const removes = names(['removed']);
    if (installs.length > 0) lines.push(`${INSTALL[manager]} ${installs.join(' ')}`);
    if (removes.length > 0) lines.push(`${REMOVE[manager]} ${removes.join(' ')}`);
  }
  if (groups.length > 0)
    lines.push(
      '# Files changed by hand: their content must come from the build context (copy them out of /usr before the reboot).',
    );
  for (const g of groups) {
    const kept = g.files.filter((f) => f.change !== 'deleted');
    const deleted = g.files.filter((f) => f.change === 'deleted');
    if (kept.length > 0) lines.push(`# COPY ${g.path.slice(1)} ${g.path}`);
    if (deleted.length > 0) lines.push(`# RUN rm -rf ${deleted.map((f) => f.path).join(' ')}`);
  }
  if (lines.length === 1) lines.push('# Nothing to keep: the overlay holds no changes.');
  return lines;
}
