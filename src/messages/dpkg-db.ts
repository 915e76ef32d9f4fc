// The words about where dpkg's database lives (src/dpkg-db/ and the commands
// that place it): its move into the image, the record of a database kept in
// /var and how another image's differs, the boot's move of an old one aside,
// and apt's and dpkg's lock files. The snapshot's are in dpkg-snapshot.ts.

import { warningLine } from './check.js';

/** `usr-guard dpkg-db`'s command line. */
export const dpkgDbActions = (asked: string | undefined) =>
  `the actions are move and record${asked ? `, not '${asked}'` : ''}`;

/** --dpkg-db and its alias --relocate-dpkg-db. */
export const dpkgDbChoiceInvalid = (value: string) => `--dpkg-db must be var or image, not '${value}'`;

export const RELOCATE_AND_VAR = '--relocate-dpkg-db (--dpkg-db=image) and --dpkg-db=var do not go together';

/** Why the database goes into the image when nobody asked: `build`, the sign of an image build. */
export const intoImageWhy = (build: string | null) =>
  `dpkg's database goes into the image: an image build for an image-based host (${build}); --dpkg-db=var keeps it in /var`;

export const recordRemoved = (record: string, dryRun: boolean) =>
  `${dryRun ? 'would remove' : 'removed'} ${record}: a database in the image needs no record`;

/** dpkg's post-invoke in an image build could not move the database. */
export const staysInVarLine = (why: string) => warningLine(`dpkg's database stays in /var: ${why}`);

/** Why the move into the image (--dpkg-db=image) stops: a usage error. */
export const moveRefused = (why: string) => `--dpkg-db=image: ${why}`;

export const linkedElsewhere = (db: string, to: string) =>
  `${db} is already a link elsewhere (-> ${to}); not moving it`;

export const noDatabaseAt = (db: string) => `there is no dpkg database at ${db}`;

export const notAFolder = (db: string) => `${db} is not a folder`;

export const targetExists = (target: string) => `${target} exists already; not mixing two databases`;

export const DB_IN_USE = "dpkg's database is in use (a dpkg or apt run holds its lock); try again when it is done";

export const neverComplete = (db: string, target: string) =>
  `${db} is gone and ${target} was never complete; restore the database from a backup`;

export const changedSinceCopy = (db: string, target: string) =>
  `${db} changed since it was copied to ${target}; move one of them away and run again`;

export const wouldMove = (db: string, target: string, resuming: boolean) =>
  resuming ? `would finish moving ${db} to ${target} and link it` : `would move ${db} to ${target} and link it`;

export const finishingMove = (db: string) => `finishing the move of ${db} that an earlier run began`;

/** The boot's move of an earlier image's database aside (src/dpkg-db/migrate.ts). */
export const neitherFolderNorLink = (db: string) => `${db} is neither a folder nor a link: not touching it`;

export const LOCKED_NOT_MOVING = 'dpkg holds its database locked: not moving it now';

export const migrated = (db: string, sysimage: string, keptIn: string | undefined) =>
  `dpkg's database is the image's now: ${db} links to ${sysimage}${keptIn === undefined ? '' : `; the database of the earlier image is kept in ${keptIn}/dpkg`}`;

/** The record of a database kept in /var (src/dpkg-db/record.ts). */
export const recordedLine = (packages: number, target: string, dryRun: boolean) =>
  `${dryRun ? 'would record' : 'recorded'} dpkg's database (${packages} packages) in ${target}`;

/** How a database differs from the image's record: one difference, and how many more. */
export const listsNotInImage = (name: string, version: string) =>
  `it lists ${name} ${version}, which this image does not have`;

export const listsOtherVersion = (name: string, version: string, image: string) =>
  `it lists ${name} ${version} where this image has ${image}`;

export const lacksImagePackage = (name: string, version: string) => `it lacks ${name} ${version}, which this image has`;

export const moreDifferences = (n: number) => (n > 0 ? ` (and ${n} more difference${n > 1 ? 's' : ''})` : '');

/** The one sentence status, the boot unit and the overlay warning say. */
export const staleSentence = (how: string) => `dpkg's database describes another image: ${how}`;

/** The lock files (src/dpkg-db/lock-binds.ts). */
export const locksNeedNothing = (sysimage: string) =>
  `dpkg's database is not in the image (${sysimage}): its locks need nothing`;

export const lockFileMissing = (path: string) =>
  `${path} is missing from the image: apt takes no lock there (build the image with this usr-guard)`;

export const couldNotBind = (from: string, path: string, why: string) => `could not bind ${from} over ${path}: ${why}`;

export const NO_MOUNT_PROGRAM = 'no mount(8)';

export const boundLine = (from: string, path: string) => `bound ${from} over ${path}`;

export const lockedBeforeBind = (pids: number[], path: string) =>
  `process ${pids.join(', ')} locked the overlay's own ${path} before usr-guard bound it: it is not kept out`;
