// `usr-guard diff [--json | --containerfile]`: what this boot's overlay on
// /usr changed against the image: packages (per package manager, against the
// baseline kept at the first change) and the files no package accounts for.
// Reads only; needs no root where the databases and the upper layer are
// readable.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DB } from '../dpkg-db/paths.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import type { PackageManager, SystemState } from '../types.js';
import { readBaseline, type Baseline } from '../diff/baseline.js';
import {
  containerfileLines,
  groupFiles,
  looseFiles,
  packageChanges,
  whenGone,
  type FileChange,
  type PackageChange,
  type UpperEntry,
} from '../diff/compute.js';
import { dpkgView, rpmView, type Owners, type PackageView } from '../diff/packages.js';
import { pacmanView } from '../diff/pacman-view.js';
import { pacmanDbPath } from '../pacman-db/paths.js';
import { readUpper } from '../diff/upper.js';
import { alternativeLinks, isTriggerCache, readAlternatives } from '../diff/by-packages.js';
import { markApt } from '../diff/local-debs.js';
import { bootTimeMs, filesNotListedNote, noBaselineNote } from '../diff/notes.js';
import { printable } from '../printable.js';
import { commandStart } from './start.js';

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

/** The diff, and the upper layer's entries it came from (for folding folders; not printed). */
export type Computed = { diff: Diff; upper: UpperEntry[]; listed: boolean };

/** The package managers whose database is here, with their view now. */
function views(): [PackageManager, PackageView][] {
  const out: [PackageManager, PackageView][] = [];
  const dpkg = dpkgView(DB);
  if (dpkg) out.push(['apt', dpkg]);
  const rpm = rpmView();
  // rpm on a Debian host, with nothing in its database: not a package manager of this host.
  if (rpm && rpm.versions.size > 0) out.push(['dnf', rpm]);
  // pacman the same: installed, but with no package in its database, it is not this host's.
  const db = pacmanDbPath();
  const pacman = db === null ? null : pacmanView(`${db}/local`);
  if (pacman && pacman.versions.size > 0) out.push(['pacman', pacman]);
  return out;
}

/** What the overlay holds now (also for the last-boot record and the fleet's files: src/diff/last-boot-change.ts). */
export function compute(s: SystemState): Computed {
  const notes: string[] = [];
  const overlay: NonNullable<Diff['overlay']> = {
    state: s.state,
    upperdir: s.usr?.upperdir ?? null,
    baseline: {},
    notes,
  };
  const upper = overlay.upperdir
    ? readUpper(overlay.upperdir)
    : ({ ok: false, why: 'mountinfo names no upper layer' } as const);
  // An empty upper layer: nothing changed at all (a package change writes to /usr too).
  if (upper.ok && upper.entries.length === 0)
    return { diff: { overlay, packages: [], files: [] }, upper: [], listed: true };
  const packages: PackageChange[] = [];
  const owned = new Set<string>();
  let imageOwners: Owners | null = new Map();
  for (const [manager, now] of views()) {
    const base = readBaseline(manager);
    overlay.baseline[manager] = base?.source ?? 'none';
    if (!base) {
      imageOwners = null;
      const note = noBaselineNote(manager, lastWrite(manager, s), boot());
      if (note) notes.push(note);
      continue;
    }
    const changes = packageChanges(manager, base.versions, now.versions);
    packages.push(...changes);
    // The files of the packages that changed, now and in the image: no loose files.
    for (const path of now.filesOf(changes.filter((c) => c.change !== 'removed').map((c) => c.name)).keys())
      owned.add(path);
    if (!base.owners) {
      imageOwners = null;
      notes.push(
        `${manager}: which files the image's packages owned is no longer known (dpkg's snapshot of this boot's first change is gone): files of packages removed or upgraded may show as changed by hand`,
      );
      continue;
    }
    const gone = new Set(changes.filter((c) => c.change !== 'added').map((c) => c.name));
    for (const [path, key] of base.owners) if (gone.has(key)) owned.add(path);
    if (imageOwners) for (const [path, key] of base.owners) imageOwners.set(path, key);
  }
  const apt = packages.some((p) => p.manager === 'apt');
  if (apt) markApt(packages);
  // Links of alternatives whose files a changed package holds, and caches triggers rebuilt: the packages' doing.
  const links = apt ? alternativeLinks(readAlternatives(DB), owned) : new Set<string>();
  const madeByPackages = (path: string) => links.has(path) || (apt && isTriggerCache(path));
  let files: FileChange[] = [];
  if (upper.ok) {
    files = looseFiles(upper.entries, owned, imageOwners, madeByPackages);
    if (upper.truncated) notes.push('the upper layer holds more files than are read: the list is cut short');
  } else {
    notes.push(filesNotListedNote(upper.why, s.host.composefs));
  }
  return { diff: { overlay, packages, files }, upper: upper.ok ? upper.entries : [], listed: upper.ok };
}

/** When this boot began (ms), or null. */
function boot(): number | null {
  try {
    return bootTimeMs(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/** When `manager`'s database was last written (ms), or null where that is not known. */
function lastWrite(manager: PackageManager, s: SystemState): number | null {
  const path =
    manager === 'apt'
      ? `${DB}/status`
      : manager === 'pacman'
        ? `${pacmanDbPath() ?? '/var/lib/pacman'}/local`
        : (s.rpmDatabase?.realPath ?? null);
  try {
    return path === null ? null : statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** Whether /usr (the overlay as it is now) holds exactly `n` files under `folder`; counts no further than one more. */
export function holdsOnly(folder: string, n: number): boolean {
  let seen = 0;
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (seen > n) return;
      if (e.isDirectory()) walk(join(dir, e.name));
      else seen++;
    }
  };
  try {
    walk(folder);
  } catch {
    return false; // unreadable: keep the files apart
  }
  return seen === n;
}

function human(d: Diff, upper: UpperEntry[], listed: boolean): string[] {
  const o = d.overlay!;
  const hotfix = o.state === 'image-hotfix';
  const lines = [
    `/usr has ${hotfix ? 'a hotfix' : 'a transient'} overlay (${o.state}): what it holds goes ${whenGone(hotfix)}.`,
  ];
  if (d.packages.length === 0 && d.files.length === 0 && listed)
    lines.push('nothing changed: the overlay holds no changes.');
  const count = (xs: { change: string }[], kinds: string[]) =>
    kinds.map((k) => `${xs.filter((x) => x.change === k).length} ${k}`).join(', ');
  if (d.packages.length > 0) {
    lines.push(`packages: ${count(d.packages, ['added', 'removed', 'upgraded'])}`);
    const width = Math.max(4, ...d.packages.map((p) => p.manager.length));
    for (const p of d.packages) {
      const version =
        p.change === 'removed'
          ? `(was ${p.fromVersion})`
          : p.change === 'upgraded'
            ? `${p.fromVersion} -> ${p.version}`
            : p.version;
      const how = p.packageFile ? ` (from ${printable(p.packageFile)})` : p.autoInstalled ? ' (with another)' : '';
      lines.push(
        `  ${p.manager.padEnd(width)} ${p.change.padEnd(9)} ${printable(p.name)} ${printable(version ?? '')}${how}`,
      );
    }
  }
  if (d.files.length > 0) {
    lines.push(`files: ${count(d.files, ['added', 'changed', 'deleted'])} (of no package that changed)`);
    // A group of several is a folder of files added by hand.
    for (const g of groupFiles(d.files, upper, holdsOnly))
      lines.push(
        `  ${g.files[0]!.change.padEnd(8)} ${printable(g.path)}${g.files.length > 1 ? ` (${g.files.length} files)` : ''}`,
      );
  }
  for (const n of o.notes) lines.push(`note: ${printable(n)}`);
  if (d.packages.length > 0 || d.files.length > 0)
    lines.push('To keep them: usr-guard keep (the lines: usr-guard diff --containerfile)');
  return lines;
}

export async function diffCommand(
  opts: { json: boolean; containerfile: boolean },
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
): Promise<number> {
  const { state: s } = await commandStart(env, isRoot, out);
  let c: Computed = { diff: { overlay: null, packages: [], files: [] }, upper: [], listed: false };
  let say: string[];
  if (!s.host.imageBased || s.container.detected) {
    say = [`usr-guard diff: this host is not image-based (${s.state}): there is no image to compare /usr with.`];
  } else if (s.usr?.overlay !== 'unlock') {
    say = [`nothing changed: /usr has no overlay (${s.state}).`];
  } else {
    c = compute(s);
    say = human(c.diff, c.upper, c.listed);
  }
  if (opts.json) out.out(`${JSON.stringify(c.diff, null, 2)}\n`);
  // No overlay to compare: the same words as plain diff, as comments (the output may go into a Containerfile).
  else if (opts.containerfile && c.diff.overlay === null) out.out(`${say.map((l) => `# ${l}`).join('\n')}\n`);
  else if (opts.containerfile)
    out.out(`${containerfileLines(c.diff.packages, groupFiles(c.diff.files, c.upper, holdsOnly)).join('\n')}\n`);
  else out.out(`${say.join('\n')}\n`);
  return EXIT.OK;
}
