// The words of `usr-guard keep` (src/commands/run-keep.ts, src/keep/steps.ts):
// why it does nothing, what it built and switched to, which step failed. The
// builder's progress lines are src/keep/build.ts's (they are parsed there).

/** A reason of keep's to stop: a usage error (exit 2) or a failure (exit 1). */
export const keepError = (what: string) => `keep: ${what}`;

/** A line keep says on stderr. */
export const keepLine = (what: string) => `usr-guard keep: ${what}`;

export const keepInContainer = (state: string) => `this is a container (${state}): build the image instead`;

export const keepNotImageBased = (state: string) =>
  `this host is not image-based (${state}): its changes to /usr last already`;

export const keepNoBootc = (bootc: string) => `keep builds and switches images with bootc, and ${bootc} is not here`;

export const KEEP_NEEDS_ROOT = 'keep builds and switches images: run it as root';

export const contextNotOurs = (dir: string) =>
  `--context ${dir}: the folder holds files that are not a recipe of keep; name an empty or new one`;

export const NOTHING_TO_UNDO = 'nothing to undo: usr-guard keep has not switched this host';

export const keepNoOverlay = (state: string) => `nothing to keep: /usr has no overlay (${state})`;

export const NO_BOOTED_DIGEST = 'bootc status names no booted image with a digest';

export const NO_KEPT_RECIPE = 'nothing to rebase: /etc/usr-guard/keep/ holds no recipe';

export const NO_VENDOR_RECORD = "nothing to rebase on: keep has no record of the vendor's image (keep.json)";

export const NOTHING_TO_KEEP = 'nothing to keep: the overlay holds no changes';

export const bootcStatusFailed = (last: string) => `bootc status failed: ${last}`;

export const contextCopyFailed = (why: unknown) => `copying into the build context failed: ${why}`;

export const keepNote = (note: string) => keepLine(`note: ${note}`);

export const recipeWritten = (dir: string) =>
  keepLine(`the recipe is in ${dir}/ (Containerfile and its files); nothing was built.`);

export const DRY_RUN_HEAD = '# usr-guard keep --dry-run: the recipe above, then these commands (none was run):';

export const UNDO_DRY_RUN_HEAD = '# usr-guard keep --undo --dry-run: this command (not run):';

export const REBASE_DRY_RUN_HEAD = '# usr-guard keep --rebase --dry-run: these commands (none was run):';

export const OTHER_BASE = 'the recipe names another base';

export const NO_BUILDER =
  'no podman and no buildah here: install podman (apt-get install podman, dnf install podman, pacman -S podman) into the image, then try again';

/** A step (a command keep runs) failed: its name, its command line, its last line of output. */
export const stepFailed = (name: string, command: string, last: string) => `${name} failed (${command}): ${last}`;

export const switchedBack = (image: string) => [
  keepLine(`the next boot boots ${image} again (bootc switch); reboot to use it.`),
  'What keep kept stays in /etc/usr-guard/keep/ (usr-guard keep --rebase builds it again).',
];

export const nothingToRebase = (image: string, digest: string) =>
  keepLine(`nothing to rebase: the kept image is built on ${image}'s newest (${digest}).`);

export const recipeForAnother = (want: string | null, now: string | null | undefined) =>
  `the recipe is for the image ${want ?? '(none)'}, and this host booted ${now ?? 'none'}: usr-guard keep --rebase builds it on another image`;

export const noRoomToBuild = (graphRoot: string, free: string, need: string) =>
  `no room to build: containers-storage (${graphRoot}) has ${free} free, and the build needs ${need} (the base image's size and the context's)`;

/** Where the build failed: the Containerfile's line (or a step) and why, or the builder's exit. */
export function buildFailedAt(
  f: { line: number; instruction: string; why: string } | null,
  context: string,
  builder: string,
  code: number,
  last: string,
): string {
  return f
    ? `${f.line > 0 ? `line ${f.line} of ${context}/Containerfile` : 'a step'} (${f.instruction}) failed: ${f.why}`
    : `${builder} exited with ${code}: ${last}`;
}

export const buildFailed = (where: string, log: string) => `the build failed: ${where}; the builder's log: ${log}`;

export const VENDOR_IMAGE = "the vendor's image";

export const builtAndSwitched = (tag: string, vendor: string, log: string) => [
  keepLine(
    `built ${tag}; the next boot boots it (bootc switch --transport containers-storage ${tag}). Reboot to use it.`,
  ),
  `From now on bootc upgrade follows ${tag}, not ${vendor}: usr-guard keep --rebase builds the kept recipe (/etc/usr-guard/keep/) on ${vendor}'s newest and switches to it.`,
  `To go back: usr-guard keep --undo (bootc switch to ${vendor}). The builder's log: ${log}`,
];
