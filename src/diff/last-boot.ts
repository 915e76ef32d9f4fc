// What a boot's overlay on /usr held, kept in /var so that the next boot can
// say what the reboot took (`usr-guard diff --last-boot`). The overlay's
// upper layer lives in RAM or goes with the deployment; this record is all
// that is left of it. Bounded: names, versions, the packages' conffiles and
// units (what they may leave behind in /etc), the list of hand-changed paths,
// the system users there were before. Pure: encode, parse, merge.

import {
  ONLY_PACKAGES_KNOWN,
  RECORD_NO_BOOT,
  RECORD_NOT_JSON,
  RECORD_NOT_OURS,
  RECORD_TOO_LARGE,
} from '../messages/last-boot.js';
import type { PackageManager } from '../types.js';
import type { FileChange, PackageChange } from './compute.js';

/** The newest record (written at this boot's changes, or the last boot's until this boot changes something). */
export const OVERLAY_RECORD = '/var/lib/usr-guard/overlay-record.json';
/** The record of an earlier boot, moved here when a later boot writes its first. */
export const LAST_BOOT = '/var/lib/usr-guard/last-boot.json';

/** How many of each a record keeps: a record is read at every boot, and must stay small. */
export const LIMITS = { packages: 2000, files: 2000, perPackage: 64, users: 2000, text: 1024, bytes: 2 * 1024 * 1024 };

export interface RecordedPackage extends PackageChange {
  /** Its conffiles under /etc (dpkg's .conffiles, pacman's backup files), as the database said at the change. */
  conffiles: string[];
  /** The systemd units it shipped (names such as "foo.service"). */
  units: string[];
}

export interface LastBoot {
  version: 1;
  /** The boot whose overlay this was. */
  bootId: string;
  /** The state then: image-overlay, or image-hotfix. */
  state: string;
  /** When it was last written, ISO 8601. */
  updated: string;
  /**
   * Who wrote it last: 'change' (before a package change node saw, during that boot),
   * 'boot' (the next boot, from the databases the overlay left in /var), 'drop' (usr-guard overlay --drop).
   */
  how: 'change' | 'boot' | 'drop';
  packages: RecordedPackage[];
  files: FileChange[];
  /** Hand-changed paths not kept (over LIMITS.files). */
  filesCut: number;
  /** The system users (uid below 1000) at the boot's first change, to tell the users its packages added. */
  usersBefore: string[] | null;
  notes: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A string as it may be printed later: no control characters, bounded. */
const clean = (s: string) => s.replace(/[\x00-\x1f\x7f]/g, '?').slice(0, LIMITS.text);
const str = (v: unknown): string | null => (typeof v === 'string' ? clean(v) : null);
const strs = (v: unknown, max: number): string[] =>
  Array.isArray(v)
    ? v
        .filter((x): x is string => typeof x === 'string')
        .slice(0, max)
        .map(clean)
    : [];

const MANAGERS: readonly PackageManager[] = ['apt', 'dnf', 'pacman'];
const CHANGES: readonly PackageChange['change'][] = ['added', 'removed', 'upgraded'];
const FILE_CHANGES: readonly FileChange['change'][] = ['added', 'changed', 'deleted'];

function parsePackage(v: unknown): RecordedPackage | null {
  if (!isObject(v)) return null;
  const name = str(v.name);
  if (
    !name ||
    !MANAGERS.includes(v.manager as PackageManager) ||
    !CHANGES.includes(v.change as PackageChange['change'])
  )
    return null;
  return {
    manager: v.manager as PackageManager,
    name,
    change: v.change as PackageChange['change'],
    version: str(v.version),
    fromVersion: str(v.fromVersion),
    conffiles: strs(v.conffiles, LIMITS.perPackage).filter((p) => p.startsWith('/')),
    units: strs(v.units, LIMITS.perPackage).filter((u) => /^[^/]+$/.test(u)),
  };
}

/** A record from its text; anything else is an error in a few words (never a throw). */
export function parseLastBoot(text: string): LastBoot | { error: string } {
  if (text.length > LIMITS.bytes) return { error: RECORD_TOO_LARGE };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { error: RECORD_NOT_JSON };
  }
  if (!isObject(doc) || doc.version !== 1) return { error: RECORD_NOT_OURS };
  const bootId = str(doc.bootId);
  if (!bootId) return { error: RECORD_NO_BOOT };
  const how = (['change', 'boot', 'drop'] as const).find((h) => h === doc.how) ?? 'change';
  const files = (Array.isArray(doc.files) ? doc.files : []).slice(0, LIMITS.files).flatMap((f): FileChange[] => {
    const path = isObject(f) ? str(f.path) : null;
    const change = isObject(f) ? (f.change as FileChange['change']) : null;
    return path?.startsWith('/usr/') && change && FILE_CHANGES.includes(change) ? [{ path, change }] : [];
  });
  return {
    version: 1,
    bootId,
    state: str(doc.state) ?? 'unknown',
    updated: str(doc.updated) ?? '',
    how,
    packages: (Array.isArray(doc.packages) ? doc.packages : [])
      .slice(0, LIMITS.packages)
      .flatMap((p) => parsePackage(p) ?? []),
    files,
    filesCut: typeof doc.filesCut === 'number' && doc.filesCut >= 0 ? Math.floor(doc.filesCut) : 0,
    usersBefore: doc.usersBefore === null ? null : strs(doc.usersBefore, LIMITS.users),
    notes: strs(doc.notes, 16),
  };
}

/** A record as its file holds it, cut to LIMITS. */
export function encodeLastBoot(r: LastBoot): string {
  const files = r.files.slice(0, LIMITS.files);
  const bounded: LastBoot = {
    ...r,
    packages: r.packages.slice(0, LIMITS.packages).map((p) => ({
      ...p,
      conffiles: p.conffiles.slice(0, LIMITS.perPackage),
      units: p.units.slice(0, LIMITS.perPackage),
    })),
    files,
    filesCut: r.filesCut + (r.files.length - files.length),
    usersBefore: r.usersBefore?.slice(0, LIMITS.users) ?? null,
  };
  return `${JSON.stringify(bounded)}\n`;
}

/**
 * What the next boot learns from the databases the overlay left in /var (the
 * packages of `manager`, exact to its last run) put over what the last change
 * of that boot knew (its hand-changed files, the users before). Pure.
 */
export function mergeFromDatabase(
  known: LastBoot | null,
  bootId: string,
  manager: PackageManager,
  packages: RecordedPackage[],
  now: string,
): LastBoot {
  const base: LastBoot =
    known !== null && known.bootId === bootId
      ? known
      : {
          version: 1,
          bootId,
          state: 'image-overlay',
          updated: now,
          how: 'boot',
          packages: [],
          files: [],
          filesCut: 0,
          usersBefore: null,
          notes: [ONLY_PACKAGES_KNOWN],
        };
  return {
    ...base,
    how: 'boot',
    updated: now,
    packages: [...base.packages.filter((p) => p.manager !== manager), ...packages],
  };
}

/** System users by name from /etc/passwd's text: uid 1 to 999 (0 is root, 65534 nobody). Pure. */
export function systemUsers(passwd: string): Map<string, { uid: number; home: string }> {
  const out = new Map<string, { uid: number; home: string }>();
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    const uid = Number(f[2]);
    if (f.length >= 7 && f[0] && Number.isInteger(uid) && uid >= 1 && uid < 1000) out.set(f[0], { uid, home: f[5]! });
  }
  return out;
}
