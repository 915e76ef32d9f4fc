// What the packages of the last boot's overlay left behind in /etc and /var,
// now that their files in /usr are gone: conffiles no package owns, links
// in /etc/systemd/system to units that are gone, state folders, system users.
// Reads only: usr-guard removes none of it; it says the command where one is
// unambiguous, and lists the rest for a person to judge.

import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DB } from '../dpkg-db/paths.js';
import { viewNow } from './views.js';
import type { PackageManager } from '../types.js';
import { type LastBoot, type RecordedPackage, systemUsers } from './last-boot.js';
import type { PackageVersions } from './packages.js';

export interface Leftovers {
  /** The packages the overlay added that are not installed now. */
  gone: string[];
  /** Conffiles of those, still in /etc and owned by no package now: `rm` them. */
  conffiles: { path: string; package: string }[];
  /** Links in /etc/systemd/system to a unit that is gone: `systemctl disable UNIT`. */
  links: { link: string; unit: string; package: string | null }[];
  /** Folders in /var named as a package (or unit) that is gone: for a person to judge. */
  folders: { path: string; package: string }[];
  /** System users that boot added (or, without that record, named as a package that is gone). */
  users: { name: string; uid: number; home: string }[];
}

const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/usr/lib/systemd/system',
  '/lib/systemd/system',
];
/** The folders of enablement links: systemctl enable makes these. */
const LINK_FOLDERS = /\.(wants|requires|upholds)$/;

const installedNow = (manager: PackageManager): PackageVersions | null => viewNow(manager)?.versions ?? null;

/** The conffiles dpkg's packages own now. */
function dpkgConffilesNow(): Set<string> {
  const owned = new Set<string>();
  try {
    for (const name of readdirSync(`${DB}/info`))
      if (name.endsWith('.conffiles'))
        for (const line of readFileSync(`${DB}/info/${name}`, 'utf8').split('\n'))
          owned.add(line.trim().split(' ')[0] ?? '');
  } catch {
    // no dpkg: nothing owned
  }
  return owned;
}

/** Is there a unit file (or its template) of this name? */
function unitThere(unit: string): boolean {
  const template = unit.replace(/@[^.]*\./, '@.');
  return UNIT_DIRS.some((d) => existsSync(`${d}/${unit}`) || existsSync(`${d}/${template}`));
}

/** Links in /etc/systemd/system (its *.wants/ and the like, and aliases) whose unit is gone. */
function danglingLinks(owner: Map<string, string>): Leftovers['links'] {
  const out: Leftovers['links'] = [];
  const top = '/etc/systemd/system';
  const look = (dir: string, byName: boolean) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const link = join(dir, name);
      const st = lstatSync(link, { throwIfNoEntry: false });
      if (st?.isDirectory() && dir === top && LINK_FOLDERS.test(name)) look(link, true);
      if (!st?.isSymbolicLink()) continue;
      const target = readlinkSync(link);
      // The target (followed to its end) is gone, and so is every unit file of that name.
      if (existsSync(resolve(dir, target))) continue;
      const unit = byName ? name : basename(target);
      if (!/\.[a-z]+$/.test(unit) || unitThere(unit)) continue;
      out.push({ link, unit, package: owner.get(unit) ?? null });
    }
  };
  look(top, false);
  return out.sort((a, b) => a.link.localeCompare(b.link));
}

export function leftovers(r: LastBoot): Leftovers {
  const now = new Map<PackageManager, PackageVersions | null>();
  const gonePackages: RecordedPackage[] = r.packages.filter((p) => {
    if (p.change !== 'added') return false;
    if (!now.has(p.manager)) now.set(p.manager, installedNow(p.manager));
    const installed = now.get(p.manager);
    return installed != null && !installed.has(p.name);
  });
  const owned = gonePackages.some((p) => p.conffiles.length > 0) ? dpkgConffilesNow() : new Set<string>();
  const conffiles = gonePackages.flatMap((p) =>
    p.conffiles
      .filter((path) => !owned.has(path) && lstatSync(path, { throwIfNoEntry: false }) !== undefined)
      .map((path) => ({ path, package: p.name })),
  );
  const unitOwner = new Map(gonePackages.flatMap((p) => p.units.map((u) => [u, p.name] as [string, string])));
  // Folders named as the package, or as one of its units (a daemon's state folder is often its unit's name).
  const stems = new Map<string, string>();
  for (const p of gonePackages) {
    stems.set(p.name.replace(/:.*$/, ''), p.name);
    for (const u of p.units) stems.set(u.replace(/@?\.[a-z]+$/, ''), p.name);
  }
  const folders: Leftovers['folders'] = [];
  for (const [stem, pkg] of stems)
    for (const base of ['/var/lib', '/var/cache', '/var/log', '/var/spool'])
      if (lstatSync(`${base}/${stem}`, { throwIfNoEntry: false })?.isDirectory())
        folders.push({ path: `${base}/${stem}`, package: pkg });
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    // no users to list
  }
  const before = r.usersBefore === null ? null : new Set(r.usersBefore);
  const users = [...systemUsers(passwd)]
    .filter(([name]) => (before === null ? stems.has(name) : !before.has(name)))
    .map(([name, u]) => ({ name, ...u }));
  // A user's home in /var is its state folder too (a daemon's user often has one of its own name).
  for (const u of users)
    if (
      u.home.startsWith('/var/') &&
      !folders.some((f) => f.path === u.home) &&
      lstatSync(u.home, { throwIfNoEntry: false })?.isDirectory()
    )
      folders.push({ path: u.home, package: `user ${u.name}` });
  return {
    gone: gonePackages.map((p) => p.name),
    conffiles,
    links: danglingLinks(unitOwner),
    folders,
    users,
  };
}
