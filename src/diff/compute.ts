// What this boot's overlay changed, from plain data: the packages before and
// now, who owns which file, and the entries of the overlay's upper layer.
// Pure: `usr-guard diff` gathers, this decides, the command prints.

import {
  CONTAINERFILE_HEAD,
  HAND_FILES_NOTE,
  NOTHING_TO_KEEP,
  whereFrom,
  withThemLine,
} from '../messages/containerfile.js';
import { printable } from '../printable.js';
import type { PackageManager } from '../types.js';
import type { Baseline } from './baseline.js';
import type { Owners, PackageVersions } from './packages.js';

/** When what the overlay holds goes: a hotfix overlay lasts until the next deployment. */
export { whenGone } from '../messages/overlay.js';

export interface PackageChange {
  manager: PackageManager;
  name: string;
  change: 'added' | 'removed' | 'upgraded';
  version: string | null;
  fromVersion: string | null;
  /** apt marks it as installed with another (Auto-Installed: 1): a build that installs what was asked for brings it. */
  autoInstalled?: true;
  /** Installed from a package file in no repository: the file's name (name_version_arch.deb), which a build must COPY. */
  packageFile?: string;
  /** usr-guard's copy of that file (diff/package-store.ts), or "let go" when it kept one and let it go for room. */
  packageFileCopy?: string;
}

export interface FileChange {
  path: string;
  change: 'added' | 'changed' | 'deleted';
}

/** A file, link or whiteout in the upper layer, by its path under /usr. Folders are not entries. */
/** What `usr-guard diff` says (its JSON): the overlay, and the packages and files it changed. */
export interface Diff {
  overlay: {
    state: string;
    upperdir: string | null;
    baseline: Partial<Record<PackageManager, Baseline['source'] | 'none'>>;
    notes: string[];
  } | null;
  packages: PackageChange[];
  files: FileChange[];
}

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
 * them; arch-bootc keeps pacman's, its cache and log in /usr/lib/sysimage;
 * usr-guard moves dpkg's, and apt's marks with it, there: dpkg-db/relocate.ts)
 * and the caches programs write for themselves (python's bytecode).
 */
const NOT_LOOSE =
  /^\/usr\/(lib\/sysimage\/(dpkg|apt|rpm|libdnf5|lib\/pacman|cache\/pacman|log)|share\/rpm)\/|\/__pycache__\/[^/]+\.pyc$/;

/**
 * The upper layer's entries that no package of the diff accounts for.
 * `owned`: the files of the packages that changed, before and now.
 * `imageOwners`: who owned what in the image, to tell a changed file of
 * the image from an added one (null: no baseline, every file is "added").
 * `madeByPackages`: files no package lists that a package change made
 * (./by-packages.ts: alternatives' links, caches triggers rebuild).
 */
export function looseFiles(
  upper: UpperEntry[],
  owned: ReadonlySet<string>,
  imageOwners: Owners | null,
  madeByPackages: (path: string) => boolean = () => false,
): FileChange[] {
  return upper
    .filter((e) => !owned.has(e.path) && !NOT_LOOSE.test(e.path) && !madeByPackages(e.path))
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

/** The Containerfile lines that make the changes last: per manager, what was asked for, then what goes, names sorted. */
export function containerfileLines(packages: PackageChange[], groups: FileGroup[]): string[] {
  const lines = [CONTAINERFILE_HEAD];
  for (const manager of ['apt', 'dnf', 'pacman'] as const) {
    const of = (kinds: PackageChange['change'][]) =>
      packages.filter((p) => p.manager === manager && kinds.includes(p.change)).sort((a, b) => cmp(a.name, b.name));
    const coming = of(['added', 'upgraded']);
    const asked = coming.filter((p) => !p.autoInstalled);
    const files = asked.flatMap((p) => (p.packageFile ? [p.packageFile] : []));
    const names = asked.filter((p) => !p.packageFile).map((p) => p.name.replace(/:.*$/, ''));
    for (const f of files) lines.push(`COPY ${f} /tmp/`);
    if (names.length + files.length > 0)
      lines.push(`${INSTALL[manager]} ${[...names, ...files.map((f) => `/tmp/${f}`)].join(' ')}`);
    for (const p of asked.filter((p) => p.packageFile))
      lines.push(`# ${p.packageFile}: ${whereFrom(p.packageFileCopy)}`);
    const along = coming.filter((p) => p.autoInstalled).map((p) => p.name);
    if (along.length > 0) lines.push(withThemLine(along));
    const removes = of(['removed']).map((p) => p.name.replace(/:.*$/, ''));
    if (removes.length > 0) lines.push(`${REMOVE[manager]} ${removes.join(' ')}`);
  }
  if (groups.length > 0) lines.push(HAND_FILES_NOTE);
  for (const g of groups) {
    const kept = g.files.filter((f) => f.change !== 'deleted');
    const deleted = g.files.filter((f) => f.change === 'deleted');
    // Comments, each one line: a name with a newline or an escape byte is quoted (printable), never a line of its own.
    if (kept.length > 0) lines.push(`# COPY ${printable(g.path.slice(1))} ${printable(g.path)}`);
    if (deleted.length > 0) lines.push(`# RUN rm -rf ${deleted.map((f) => printable(f.path)).join(' ')}`);
  }
  if (lines.length === 1) lines.push(NOTHING_TO_KEEP);
  return lines;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
