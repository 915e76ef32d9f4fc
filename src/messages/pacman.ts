// pacman's words (src/messages.ts says everyone else's and calls these), and
// those of its snapshot (src/pacman-db/).
// Pure: (state, invocation) → text. The Containerfile lines name what the
// transaction adds or removes (the hook's targets); a package file given to
// `pacman -U` must come from the build context, so it is copied first.

import type { Invocation, SystemState } from '../types.js';

/** A package file given by path (not by URL: pacman -U fetches those itself). */
const isLocalFile = (t: string) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(t);
const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The Containerfile lines that make this pacman run last in the image, or null without package names. */
export function pacmanContainerfileLines(inv: Invocation): string[] | null {
  if (inv.operation === 'remove')
    return inv.packages.length > 0 ? [`RUN pacman -R --noconfirm ${inv.packages.join(' ')}`] : null;
  const files = inv.packageFiles ?? [];
  if (files.length > 0) {
    const local = files.filter(isLocalFile).map(baseName);
    const copy = local.length > 0 ? [`COPY ${local.join(' ')} /tmp/`] : [];
    return [
      ...copy,
      `RUN pacman -U --noconfirm ${files.map((f) => (isLocalFile(f) ? `/tmp/${baseName(f)}` : f)).join(' ')}`,
    ];
  }
  return inv.packages.length > 0 ? [`RUN pacman -S --noconfirm ${inv.packages.join(' ')}`] : null;
}

/** What becomes of a database that usr-guard saves at a boot's first change. */
export function savedLine(whose: string, path: string | null, taken: boolean | undefined): string {
  return taken
    ? `${whose} database (${path}) was saved at this boot's first change and is put back at the next boot`
    : `${whose} database (${path}) is saved now and put back at the next boot`;
}

/** What becomes of pacman's database when the overlay goes. */
export function pacmanPersistLine(s: SystemState): string {
  const db = s.pacmanDatabase;
  if (!db) return '  /etc and /var persist.';
  if (s.pacmanProtection === 'relocated')
    return `  /etc and /var persist; pacman's database (${db.realPath}) is in the image and goes with it.`;
  if (s.pacmanProtection === 'snapshot' && s.state === 'image-overlay')
    return `  /etc and /var persist; ${savedLine("pacman's", db.realPath, s.pacmanSnapshotTaken)}.`;
  return `  /etc and /var persist, and so does pacman's database in ${db.realPath}: afterwards pacman will list packages whose files are gone.`;
}

/** The boot unit usr-guard-restore-pacman-db.service, where it has nothing to do. */
export const PACMAN_IN_IMAGE = "usr-guard: pacman's database lives in the image: nothing to restore.";

export const PACMAN_NOT_INSTALLED =
  'usr-guard: pacman is not installed here (no /etc/pacman.conf, or its DBPath is missing): nothing to restore.';

/** pacman's snapshot (src/pacman-db/snapshot.ts): why it is not taken or put back, and what was put back. */
export const notKeepingPacmanThere = (bad: string) => `${bad} is not root's alone: not keeping pacman's database there`;

export const pacmanNotAFolder = (snapshot: string) => `${snapshot} is not a folder (a link?): not putting it back`;

export const pacmanOthersCouldChange = (bad: string) =>
  `${bad} is not root's alone: a snapshot others could have changed is never put back`;

export const pacmanIncomplete = (snapshot: string) =>
  `the snapshot in ${snapshot} is incomplete (no manifest, boot_id or local): not putting it back`;

export const pacmanManifestDiffers = (snapshot: string) =>
  `the snapshot in ${snapshot} does not match its manifest: not putting it back`;

export const otherDbPath = (dbPath: string) =>
  `the snapshot is of another DBPath than pacman.conf's ${dbPath} now: not putting it back`;

export const NO_PACMAN_SNAPSHOT = "no snapshot of pacman's database: nothing to restore";

export const PACMAN_SNAPSHOT_THIS_BOOT =
  'the snapshot is from this boot: the overlay is still there, nothing to restore';

export const PACMAN_STILL_OVERLAY = "/usr still has an overlay (a hotfix?): keeping pacman's database and the snapshot";

export const pacmanLocked = (dbPath: string) =>
  `pacman holds its database locked (${dbPath}/db.lck): not restoring now`;

export const pacmanCopyFailed = (why: string) => `${why}; pacman's database is as it was`;

export const pacmanRestored = (bootId: string) =>
  `restored pacman's database from the snapshot taken before the transient overlay (boot ${bootId})`;

/** pacman's hook could not save the database (src/pacman-db/keep.ts). */
export const couldNotSavePacman = (why: string) => `usr-guard: warning: could not save pacman's database: ${why}`;
