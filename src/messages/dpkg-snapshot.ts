// The words of dpkg's snapshot (src/dpkg-db/snapshot.ts, restore.ts,
// manifest.ts) and of the boot unit that puts it back and takes the next
// (src/commands/run-restore.ts): why one is or is not taken, put back, or
// trusted. Most are the boot unit's lines; status repeats some.

/** The snapshot's folder in /var/lib is not root's alone (`bad`: the first path that is not). */
export const notRootsFolder = (bad: string) => `${bad} is not root's alone: not keeping dpkg's database there`;

export const SAVED_WHILE_WAITING = "another run saved dpkg's database while this one waited";

export const SNAPSHOT_LOCK_HELD =
  "another run holds the lock of dpkg's snapshot (/var/lib/usr-guard/dpkg-snapshot.lock): no snapshot now";

export const databaseHeld = (pid: number) =>
  `another run (process ${pid}) holds dpkg's database: not copying it while it changes`;

/** Why a snapshot is not whole: its manifest, or the tree against it. */
export const MANIFEST_CUT = 'its manifest is not whole (cut short, or not JSON)';
export const MANIFEST_UNKNOWN = 'its manifest is of an unknown format';
export const MANIFEST_LACKS_FIELD = 'its manifest lacks a field';
export const MANIFEST_SEAL = "its manifest's seal (sha256) does not match its listing";
export const NO_MANIFEST = 'it has no manifest (cut short, or taken by usr-guard 0.1)';
export const MARKS_DIFFER = "apt's marks in it are not as its manifest says";
export const unreadable = (why: string) => `it cannot be read (${why})`;
export const unlisted = (path: string) => `it holds ${path}, which its manifest does not list`;
export const notAsListed = (path: string, want: string, found: string) =>
  `${path} is not as its manifest says (${want}, found ${found})`;
export const entryMissing = (path: string, missing: number, all: number) =>
  `${path} is missing (${missing} of ${all} entries)`;

/** Why a snapshot is never put back: root does not own it all. */
export const notAFolderLink = (snapshot: string) => `${snapshot} is not a folder (a link?): not putting it back`;

export const othersCouldChange = (bad: string) =>
  `${bad} is not root's alone: a snapshot others could have changed is never put back`;

export const NO_SNAPSHOT =
  "no snapshot of dpkg's database from an earlier boot: nothing to put back (the first boot with usr-guard's unit, or the last boot could not take one: then dpkg may list packages whose files went with its overlay)";

export const AS_AT_BOOT_START = "dpkg's database is as at this boot's start";

export const standsForFailed = (bootId: string, why: string) =>
  `dpkg's database is as the snapshot of boot ${bootId} holds it, which stays; ${why}`;

export const standsFor = (bootId: string) =>
  `dpkg's database is as the snapshot of boot ${bootId} holds it: the snapshot stands for this boot's start too`;

export const notWhole = (snapshot: string, why: string) =>
  `the snapshot in ${snapshot} is not whole: ${why}. It is never put back; dpkg's database stays as it is, and may list packages whose files went with an overlay (see usr-guard(8), DPKG'S DATABASE)`;

export const TAKEN_ALREADY = "this boot's snapshot of dpkg's database is taken already";

export const takenAtFirstChange = (bootId: string) =>
  `the snapshot of boot ${bootId} was taken at its first change, not at its start, and may hold this overlay's changes: it is not put back`;

export const STILL_OVERLAY =
  "/usr still has an overlay (a hotfix?): its packages are the host's, dpkg's database stays";

export const packagesAsAt = (atBoot: boolean, bootId: string) =>
  `dpkg's packages are as at the ${atBoot ? 'start' : 'first change'} of boot ${bootId}`;

export const LOCKED_NOT_RESTORING = 'dpkg holds its database locked: not restoring now';

export const LOCK_HELD_NOT_RESTORING = "another run holds the snapshot's lock: not restoring now";

export const copyNotWhole = (why: string) =>
  `the copy of the snapshot is not whole (${why}); dpkg's database is as it was`;

export const copyFailed = (why: string) => `${why}; dpkg's database is as it was`;

/** Packages by their "package:arch" keys, as a list of names. */
const names = (keys: string[]) => keys.map((k) => k.replace(/:$/, '')).join(', ');

export const restoredFromBoot = (bootId: string, changed: string[]) =>
  `restored dpkg's database and apt's marks from the snapshot taken at the start of boot ${bootId}, before its transient overlay (packages put back: ${names(changed)})`;

export function restoredFromFirstChange(bootId: string, changed: string[], gone: string[]): string {
  const back = changed.length > 0 ? `packages put back: ${names(changed)}` : 'no package changed since';
  const off =
    gone.length > 0 ? `; dpkg listed ${names(gone)} whose files are not in /usr: no longer listed as installed` : '';
  return `put back dpkg's database from the snapshot taken at the first change of boot ${bootId}, not at its start: what that boot changed before it is not known (${back})${off}`;
}

/** The boot unit (src/commands/run-restore.ts). */
export const LIVES_IN_IMAGE = "dpkg's database lives in the image: nothing to restore";

/** This boot's snapshot could not be taken; `kept`: the earlier boot's that stays, when it still holds. */
export const notTaken = (why: string, kept: string | null) =>
  kept !== null
    ? `could not take this boot's snapshot of dpkg's database (${why}): the one of boot ${kept} stays, whose packages are those of this boot's start, and the next boot puts it back`
    : `could not take this boot's snapshot of dpkg's database (${why}): what a transient overlay changes in this boot cannot be put back at the next one, which will say so`;

/** What to do about a database in /var that describes another image. */
export const STALE_ADVICE =
  "apt and dpkg plan against packages this image does not have. Build the image with dpkg's database in it (the default of 'usr-guard install' and the .deb in an image build; not --dpkg-db=var): at the next upgrade the image's database replaces this one, which is kept aside (usr-guard(8), DPKG'S DATABASE)";

export const staleLine = (stale: string) => `${stale}. ${STALE_ADVICE}`;
