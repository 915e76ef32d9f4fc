// The words of the record of what an overlay held (src/diff/last-boot*.ts):
// why it cannot be read or kept, and what the boot units say of keeping it.
// What `diff --last-boot` prints of it is in diff.ts. Pure.

/** Why a record is not read (said by `diff --last-boot` as the record being damaged). */
export const RECORD_TOO_LARGE = 'larger than a record can be';
export const RECORD_NOT_JSON = 'not JSON (cut short?)';
export const RECORD_NOT_OURS = 'not a record of this usr-guard (version 1)';
export const RECORD_NO_BOOT = 'it names no boot';
export const cannotReadRecord = (path: string, why: string) => `cannot read ${path}: ${why}`;

export const notKeepingRecordThere = (bad: string) =>
  `${bad} is not root's alone: not keeping the overlay's record there`;

/** The note of a record the next boot made from the database alone. */
export const ONLY_PACKAGES_KNOWN =
  'usr-guard saw no change of that boot: only the packages are known, from the database';

/** A change's warnings (last-boot-change.ts): never fatal to the change. */
export const couldNotKeepOverlay = (why: string) =>
  `could not keep what the overlay holds for 'usr-guard diff --last-boot': ${why}`;

export const couldNotWriteExport = (why: string) => `could not write the files of [export]: ${why}`;

/** The boot units' lines (last-boot-finish.ts); `files`: the files changed by hand, where known (not for pacman). */
export const keptLastBoot = (record: string, packages: number, files?: number) =>
  `kept what the last boot's overlay held (${packages} package change(s)${files === undefined ? '' : `, ${files} file(s) by hand`}) in ${record}, for 'usr-guard diff --last-boot'`;

export const couldNotKeepLastBoot = (why: string) =>
  `warning: could not keep what the last boot's overlay held: ${why}`;
