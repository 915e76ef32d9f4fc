// The comments of `usr-guard diff --containerfile` (diff/compute.ts
// containerfileLines), and why usr-guard kept no copy of a package file those
// lines name (diff/package-store.ts). Apart from diff.ts: compute.ts reads
// these, and diff.ts reads the diff's shape from compute.ts. Pure.

/** The Containerfile lines' comments (diff/compute.ts containerfileLines). */
export const CONTAINERFILE_HEAD =
  "# What this boot's transient overlay on /usr holds, as Containerfile lines (usr-guard diff).";

export const withThemLine = (names: string[]) => `# With them, as apt installed them then: ${names.join(' ')}`;

export const HAND_FILES_NOTE =
  '# Files changed by hand: their content must come from the build context (copy them out of /usr before the reboot).';

export const NOTHING_TO_KEEP = '# Nothing to keep: the overlay holds no changes.';

/** Where a build gets a package file from no repository: usr-guard's copy (or "let go"), or the person's. */
export function whereFrom(copy: string | undefined): string {
  if (copy === 'let go')
    return "from no repository; usr-guard's copy was let go for room (it keeps 256 MiB at most): put the file in the build context.";
  return copy
    ? `from no repository; usr-guard kept a copy: put ${copy} in the build context.`
    : 'from no repository; put it in the build context.';
}

/** Why a package file given to dpkg was not kept (diff/package-store.ts), said as a warning. */
export const NOT_A_DEB = 'it is not a package file dpkg-deb can read';
export const tooLargeToKeep = (limitMiB: number) => `it is larger than the ${limitMiB} MiB usr-guard keeps`;
export const couldNotKeepCopy = (file: string, why: string) =>
  `could not keep a copy of ${file} for usr-guard diff: ${why}`;
