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
import { readBaseline } from '../diff/baseline.js';
import {
  containerfileLines,
  groupFiles,
  looseFiles,
  packageChanges,
  type Diff,
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
import { bootTimeMs, noBaselineNote } from '../diff/notes.js';
import { commandStart } from './start.js';
import {
  diffLines,
  diffNoOverlay,
  diffNotImageBased,
  filesNotListedNote,
  NO_UPPER_LAYER,
  ownersGoneNote,
  UPPER_CUT_NOTE,
} from '../messages/diff.js';

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
  const upper = overlay.upperdir ? readUpper(overlay.upperdir) : ({ ok: false, why: NO_UPPER_LAYER } as const);
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
      notes.push(ownersGoneNote(manager));
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
    if (upper.truncated) notes.push(UPPER_CUT_NOTE);
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
    say = [diffNotImageBased(s.state)];
  } else if (s.usr?.overlay !== 'unlock') {
    say = [diffNoOverlay(s.state)];
  } else {
    c = compute(s);
    say = diffLines(c.diff, groupFiles(c.diff.files, c.upper, holdsOnly), c.listed);
  }
  if (opts.json) out.out(`${JSON.stringify(c.diff, null, 2)}\n`);
  // No overlay to compare: the same words as plain diff, as comments (the output may go into a Containerfile).
  else if (opts.containerfile && c.diff.overlay === null) out.out(`${say.map((l) => `# ${l}`).join('\n')}\n`);
  else if (opts.containerfile)
    out.out(`${containerfileLines(c.diff.packages, groupFiles(c.diff.files, c.upper, holdsOnly)).join('\n')}\n`);
  else out.out(`${say.join('\n')}\n`);
  return EXIT.OK;
}
