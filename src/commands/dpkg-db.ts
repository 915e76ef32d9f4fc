// Where dpkg's database goes when usr-guard is put into an image, as `install`
// and the build hook (`dpkg-db build-hook`, dpkg's post-invoke) apply it:
// into the image with the files that go with it (the tmpfiles.d entry, apt's
// marks setting, the boot unit), or kept in /var with a record of it.

import { existsSync, lstatSync, rmSync } from 'node:fs';
import tmpfiles from '../../systemd/usr-guard-dpkg.tmpfiles?raw';
import marksConf from '../../apt-conf.d/40usr-guard-dpkg-db?raw';
import { DB, RECORD } from '../dpkg-db/paths.js';
import { writeRecord } from '../dpkg-db/record.js';
import { relocateDpkgDb } from '../dpkg-db/relocate.js';
import { imageBuild, type DpkgDbChoice } from '../dpkg-db/where.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { commandUsage } from '../exit-codes.js';
import { parts, type InstallFile } from './install-parts.js';
import { dpkgDbChoiceInvalid, intoImageWhy, RELOCATE_AND_VAR, recordRemoved } from '../messages/dpkg-db.js';

export const TMPFILES = '/usr/lib/tmpfiles.d/usr-guard-dpkg.conf';
export const MARKS_CONF = '/etc/apt/apt.conf.d/40usr-guard-dpkg-db';

/** What goes into an image with its database: the link for older /var's, apt's marks, and the boot unit that migrates. */
export function relocatedFiles(root: string): InstallFile[] {
  const text = (s: string) => () => Buffer.from(s);
  return [
    { path: TMPFILES, mode: 0o644, content: text(tmpfiles) },
    { path: MARKS_CONF, mode: 0o644, content: text(marksConf) },
    ...parts('', root)['dpkg-snapshot']!,
  ];
}

/** --dpkg-db and its alias --relocate-dpkg-db, as one choice (undefined: as the root is). */
export function askedChoice(command: string, value: string | undefined, relocate: boolean): DpkgDbChoice | undefined {
  if (value !== undefined && value !== 'var' && value !== 'image')
    throw commandUsage(command, dpkgDbChoiceInvalid(value));
  if (relocate && value === 'var') throw commandUsage(command, RELOCATE_AND_VAR);
  return relocate ? 'image' : value;
}

export interface Plan {
  lines: string[];
  files: InstallFile[];
}

/**
 * Apply the choice to `root`. Asked for: done, or an error saying why not.
 * Not asked: into the image where `root` is an image build for an image-based
 * host and has a database; else nothing.
 */
export function placeDpkgDb(
  root: string,
  asked: DpkgDbChoice | undefined,
  env: NodeJS.ProcessEnv,
  dryRun: boolean,
  underPackageManager = false,
): Plan {
  const build = imageBuild(root, env);
  const db = lstatSync(resolveInRoot(root, DB, false), { throwIfNoEntry: false });
  const choice = asked ?? (build !== null && db !== undefined ? 'image' : null);
  if (choice === null) return { lines: [], files: [] };
  if (choice === 'var') {
    const recorded = build !== null || asked === 'var' ? writeRecord(root, dryRun) : null;
    return { lines: recorded ? [recorded] : [], files: [] };
  }
  const why = asked === undefined ? [intoImageWhy(build)] : [];
  const lines = [...why, ...relocateDpkgDb(root, { dryRun, underPackageManager })];
  const record = resolveInRoot(root, RECORD);
  if (existsSync(record)) {
    if (!dryRun) rmSync(record, { force: true });
    lines.push(recordRemoved(record, dryRun));
  }
  return { lines, files: relocatedFiles(root) };
}
