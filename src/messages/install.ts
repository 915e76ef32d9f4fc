// The words of `usr-guard install` and `uninstall` (src/commands/install.ts,
// run-install.ts): the report, a line per file, and why nothing was done.
// Also the report lines of the move of dpkg's database (messages/dpkg-db.ts).

import { warningLine } from './check.js';

/** The report's line for a file as it is already; `to`: where a link points. */
export const unchangedLine = (target: string, to?: string) =>
  to === undefined ? `unchanged ${target}` : `unchanged ${target} -> ${to}`;

export const wroteLine = (target: string, dryRun: boolean) => `${dryRun ? 'would write' : 'wrote'} ${target}`;

export const linkedLine = (target: string, to: string, dryRun: boolean) =>
  `${dryRun ? 'would link' : 'linked'} ${target} -> ${to}`;

export const removedLine = (target: string, dryRun: boolean) => `${dryRun ? 'would remove' : 'removed'} ${target}`;

export const movedLine = (from: string, to: string) => `moved ${from} to ${to}`;

/** What to say when / cannot be written: on an image host, usr-guard is part of the image. */
export const IMAGE_PART =
  "usr-guard is part of this image (/usr is read-only): remove it in the image's Containerfile, or turn it off on this host with 'mode = off' in /etc/usr-guard/usr-guard.conf";

/** A write that failed on / because / is an image, and what to do instead. */
export const onImageFailure = (why: string) => `${why}. ${IMAGE_PART}`;

export const ROOT_NEEDS_FOLDER = "option '--root' needs a folder";

export const rootNotFolder = (root: string) => `--root ${root} is not a folder that exists`;

export const unknownPart = (part: string, parts: string[]) =>
  `--without: unknown part '${part}'; the parts are ${parts.join(', ')}`;

export const notBuiltProgram = (path: string) =>
  `install must run from the built program (dist/usr-guard), not ${path}`;

export const programCutShort = (path: string) => `${path} is cut short (no end-of-program line): build it again`;

/** install into a root with no node: the hooks fall back to the shell's check. */
export const noNodeLine = (dir: string) =>
  warningLine(
    `no node in ${dir} (/usr/bin/node): until there is one, the hooks only refuse where /usr is read-only, with no warnings or offers`,
  );

export const nothingInstalled = (dir: string) => `nothing of usr-guard's in ${dir}`;

/** uninstall never moves dpkg's database back out of the image. */
export const dbStaysInImage = (sysimage: string, db: string, files: string[]) =>
  `kept ${sysimage}: dpkg's database stays there (${db} links to it), with ${files.join(' and ')}; uninstall does not move it back`;

export const snapshotWaits = (dir: string, whose: string) =>
  `kept ${dir}/: its snapshot of ${whose}'s database waits for the next boot to be put back`;

export const earlierImageDbKept = (dir: string, prefix: string) =>
  `kept ${dir}/: it holds the dpkg database of an earlier image (${prefix}*)`;
