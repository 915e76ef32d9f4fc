// The words of `usr-guard status` (src/commands/status.ts lays them out):
// what usr-guard does in each state and mode, and each row's value. Pure.

import type { DpkgDbReport } from '../dpkg-db/report.js';
import { printable } from '../printable.js';
import type { DeepResult } from '../probe/bootc.js';
import { overlayWords } from './probe.js';
import type { Config, DatabaseFacts, StateName, SystemState } from '../types.js';

/** What usr-guard does to a changing apt/dnf/pacman command in each state (pacman: after its download, see pacman-image-based(7)). */
export const EFFECT: Record<StateName, string> = {
  'mutable-host': 'package changes proceed; usr-guard stays silent',
  container: 'package changes proceed (a container or image build); usr-guard stays silent',
  'image-locked': 'package changes are refused before anything is downloaded',
  'image-overlay': 'package changes proceed, with a warning that /usr changes are discarded at reboot',
  'image-overlay-readonly': 'package changes are refused until the overlay is remounted read-write',
  'image-hotfix': 'package changes proceed, with a warning that /usr changes go at the next deployment',
  'readonly-usr': 'package changes are refused: /usr is read-only',
  unknown: 'package changes proceed, with a warning that usr-guard could not tell',
};

/**
 * What a person does next where /usr is locked, and what the package manager
 * does for them, as the mode has it (decide() is the rule; these are its words).
 */
export function lockedLines(s: SystemState, mode: Config['mode']): string[] | null {
  const remount = s.state === 'image-overlay-readonly';
  if (!remount && s.state !== 'image-locked' && s.state !== 'readonly-usr') return null;
  if (mode === 'warn')
    return [
      'package changes go on after a warning (mode = warn): the package manager',
      'then meets the read-only /usr itself',
    ];
  if (s.state === 'readonly-usr') return null;
  const tool = remount
    ? 'mount -o remount,rw /usr'
    : s.host.kind === 'bootc'
      ? 'bootc usr-overlay'
      : 'ostree admin unlock';
  const keep = "To keep a change: make it in the image's Containerfile and build the image.";
  if (mode === 'overlay')
    return [
      `package changes first run '${tool}' (mode = overlay),`,
      'without asking, then proceed with a warning: /usr changes go at reboot.',
      keep,
    ];
  const refused = remount
    ? 'package changes are refused until the overlay is remounted read-write'
    : EFFECT['image-locked'];
  const offer =
    mode === 'refuse'
      ? [refused, '(mode = refuse: nobody is offered an overlay).']
      : [`${refused};`, `at a terminal, apt, dpkg and dnf offer '${tool}' first.`];
  return [
    ...offer,
    `To change /usr until the next reboot: run '${tool}'`,
    "(or 'usr-guard overlay'), then the package command again.",
    keep,
  ];
}

/** What happens to dpkg's view of /usr when a transient overlay goes (image hosts only). */
export const AFTER_REBOOT: Record<SystemState['dpkgProtection'], string> = {
  relocated: "dpkg's database goes with the image (it was relocated into it)",
  snapshot:
    "dpkg's database is saved before a transient overlay changes it, and put back at the next boot (usr-guard-restore-dpkg-db.service)",
  none: 'nothing keeps dpkg true to /usr: after a transient overlay it will list packages whose files are gone',
};

/** The same for pacman's database (DBPath/local). */
export const PACMAN_AFTER_REBOOT: Record<SystemState['pacmanProtection'], string> = {
  relocated: "pacman's database goes with the image (its DBPath is in the image)",
  snapshot:
    "pacman's database is saved before a transient overlay changes it, and put back at the next boot (usr-guard-restore-pacman-db.service)",
  none: 'nothing keeps pacman true to /usr: after a transient overlay it will list packages whose files are gone',
};

/** Where a database is; on an image host, also whether it goes with the image. */
export function dbLine(db: DatabaseFacts | null, imageHost: boolean): string {
  if (!db) return 'none found';
  const where =
    db.realPath === db.path ? printable(db.path) : `${printable(db.path)} -> ${printable(String(db.realPath))}`;
  if (!imageHost) return where;
  return `${where} (${db.onUsr ? 'in the image: it goes with /usr' : 'in /var: kept across reboots, and not updated with the image'})`;
}

export function hostLine(s: SystemState): string {
  const os = s.host.os.prettyName ?? s.host.os.id ?? 'unknown OS';
  if (s.host.otherRoot && (s.host.ostreeBooted || s.host.composefs))
    return `${os}, in another root (a chroot) of an image-based host, whose markers are not its own`;
  if (s.host.otherRoot) return `${os}, in another root (a chroot)`;
  if (!s.host.imageBased) return `${os}, not image-based`;
  const backend = s.host.composefs ? 'composefs' : 'ostree';
  const kind = s.host.kind === 'bootc' ? `bootc (${backend} backend)` : backend;
  const unlock = s.host.unlocked ? `, unlocked: ${s.host.unlocked}` : '';
  return `${os}, image-based: ${kind}${unlock}`;
}

export function usrLine(s: SystemState): string {
  const u = s.usr;
  if (!u) return 'unknown';
  const overlay =
    u.overlay === 'unlock'
      ? ', overlay with an upper layer'
      : u.overlay === 'image'
        ? ', overlay of image layers only'
        : '';
  // From mountinfo, which escapes a space or a newline but not an escape byte: a mount's source is anyone's.
  return `${printable(u.fsType)} from ${printable(u.source)} at ${printable(u.mountPoint)}, ${u.readOnly ? 'read-only' : 'writable'}${overlay}`;
}

function deepLine(d: DeepResult): string {
  if (!d.ok) return d.error;
  return d.status.tracked ? `tracks ${d.status.image ?? 'an image'}` : 'not tracking an image';
}

/** bootc's own word on /usr's overlay, and where usr-guard's probe disagrees (probe/bootc-overlay.ts). */
export function deepRows(d: DeepResult): [string, string][] {
  if (!d.ok) return [['bootc', d.error]];
  const ov = d.status.usrOverlay;
  const said = !d.status.usrOverlayKnown
    ? 'not said (bootc before 1.14 has no status.usrOverlay)'
    : ov
      ? overlayWords(ov)
      : 'none';
  return [
    ['bootc', deepLine(d)],
    ['bootc /usr', `overlay: ${said}`],
    ...(d.disagreements ?? []).map((w): [string, string] => ['disagrees', w]),
  ];
}

/** The rows about dpkg's database beyond where it is: a snapshot waiting, a move pending, another image's database. */
export function dpkgRows(db: DpkgDbReport | null, imageHost: boolean): [string, string][] {
  if (db === null || !imageHost) return [];
  const rows: [string, string][] = [];
  const snap = db.snapshot;
  if (db.bootUnitNote) rows.push(['dpkg snapshot', db.bootUnitNote]);
  if (snap && !snap.valid)
    rows.push([
      'dpkg snapshot',
      `not whole (${snap.problem}): never put back; dpkg's database may list packages whose files are gone`,
    ]);
  else if (snap && !snap.atBoot)
    rows.push([
      'dpkg snapshot',
      `taken at the first change of boot ${snap.bootId}, not by the boot unit at its start: never put back`,
    ]);
  else if (snap?.thisBoot)
    rows.push([
      'dpkg snapshot',
      "taken by the boot unit at this boot's start: what an overlay changes is put back at the next boot",
    ]);
  else if (snap) {
    rows.push([
      'dpkg snapshot',
      `taken at the start of boot ${snap.bootId}: the boot unit (usr-guard-restore-dpkg-db.service, or 'usr-guard restore-dpkg-db') puts back what an overlay changed since`,
    ]);
  }
  if (db.migrationPending)
    rows.push([
      'dpkg db move',
      "this image carries its own database (/usr/lib/sysimage/dpkg): the boot unit (or 'usr-guard restore-dpkg-db') keeps the one in /var aside and links to the image's",
    ]);
  if (db.stale)
    rows.push([
      'dpkg db stale',
      `${db.stale}: build the image with dpkg's database in it (not --dpkg-db=var); see usr-guard(8)`,
    ]);
  return rows;
}

/** The effect line where usr-guard is off. */
export const OFF_LINE = 'usr-guard is off (mode = off): package changes proceed unchecked';

/** status --deep's bootc row where bootc is not there. */
export const notInstalled = (path: string) => `${path} is not installed`;

/** status --export where the configuration names no file. */
export const NOTHING_TO_EXPORT =
  'usr-guard: status --export: nothing to write: the configuration has no [export] file (usr-guard(8))';
