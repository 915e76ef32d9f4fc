// Where dpkg's database stays in /var (install --dpkg-db=var), a new image
// brings new packages but the host keeps the database of the image it was
// installed from. So the build records what the image's database said (the
// sha256 of its status file and each package's version, in RECORD, in the
// image's /usr), and the boot unit and `usr-guard status` compare /var's
// database with it. parseRecord and staleness are pure (and fuzzed).

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDpkgStatus } from '../diff/packages.js';
import { makeDirs, writeFileAtomic } from '../fs/atomic-write.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { dirname } from 'node:path';
import { DB, RECORD } from './paths.js';
import {
  lacksImagePackage,
  listsNotInImage,
  listsOtherVersion,
  moreDifferences,
  recordedLine,
} from '../messages/dpkg-db.js';

const FORMAT = 'usr-guard dpkg-db record 1';

export interface DpkgRecord {
  statusSha256: string;
  packages: Record<string, string>;
}

const arch = (db: string) => {
  try {
    return readFileSync(`${db}/arch`, 'utf8').split('\n')[0]!.trim();
  } catch {
    return '';
  }
};

/** What the database in the folder `db` says; null when it has no status file. */
export function recordOf(db: string): DpkgRecord | null {
  let status: Buffer;
  try {
    status = readFileSync(`${db}/status`);
  } catch {
    return null;
  }
  const packages = Object.fromEntries(
    [...parseDpkgStatus(status.toString('utf8'), arch(db))].sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return { statusSha256: createHash('sha256').update(status).digest('hex'), packages };
}

/** Record the database of `root` in its image; a line to report, or null when there is no database. */
export function writeRecord(root: string, dryRun = false): string | null {
  const r = recordOf(resolveInRoot(root, DB));
  if (r === null) return null;
  const target = resolveInRoot(root, RECORD);
  if (dryRun) return recordedLine(Object.keys(r.packages).length, target, true);
  makeDirs(dirname(target));
  writeFileAtomic(target, Buffer.from(`${JSON.stringify({ format: FORMAT, ...r })}\n`), 0o644);
  return recordedLine(Object.keys(r.packages).length, target, false);
}

export function parseRecord(text: string): DpkgRecord | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || o.format !== FORMAT) return { error: 'an unknown format' };
  const p = o.packages as Record<string, unknown> | null;
  if (
    typeof o.statusSha256 !== 'string' ||
    typeof p !== 'object' ||
    p === null ||
    Array.isArray(p) ||
    !Object.values(p).every((x) => typeof x === 'string')
  ) {
    return { error: 'a field is missing' };
  }
  return { statusSha256: o.statusSha256, packages: p as Record<string, string> };
}

/** The image's record, or null (none: built without one, or in a way usr-guard did not see). */
export function readRecord(path = RECORD): DpkgRecord | { error: string } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const r = parseRecord(text);
  return 'error' in r ? { error: `${path} is not a record usr-guard can read (${r.error})` } : r;
}

/** How the database `now` differs from what the image recorded, in a few words; null when it is the image's. */
export function staleness(image: DpkgRecord, now: DpkgRecord): string | null {
  if (image.statusSha256 === now.statusSha256) return null;
  const changes: string[] = [];
  for (const [name, v] of Object.entries(now.packages)) {
    const want = Object.hasOwn(image.packages, name) ? image.packages[name] : undefined;
    if (want === undefined) changes.push(listsNotInImage(name, v));
    else if (want !== v) changes.push(listsOtherVersion(name, v, want));
  }
  for (const [name, v] of Object.entries(image.packages))
    if (!Object.hasOwn(now.packages, name)) changes.push(lacksImagePackage(name, v));
  if (changes.length === 0) return null; // the same packages at the same versions: a difference dpkg's plans do not see
  return `${changes[0]}${moreDifferences(changes.length - 1)}`;
}
