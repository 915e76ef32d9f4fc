// pacman's database across a reboot, where DBPath is in /var (Debian's and
// Arch's default): before the first change a transient overlay gets in a
// boot, copy DBPath/local aside on persistent storage, marked with the boot
// ID and ended by a manifest; early in the next boot, when the overlay is
// gone, put it back (usr-guard-restore-pacman-db.service). The copy is taken
// inside pacman's own transaction lock (the hook runs while pacman holds
// db.lck), so one writer at a time; it is put back only while no pacman
// holds that lock, whole (the manifest matches), synced before each rename,
// and only when root owns it all the way down: it becomes root's database.
// See docs/pacman.md for why this, and not moving the database into the image.

import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { bootId } from '../probe/boot-id.js';
import { makeDirs, syncDir, writeError } from '../fs/atomic-write.js';
import { step } from '../fs/test-stop.js';
import { COPY, moveAside, syncTree, tempName } from '../fs/trees.js';
import {
  NO_PACMAN_SNAPSHOT,
  notKeepingPacmanThere,
  otherDbPath,
  PACMAN_SNAPSHOT_THIS_BOOT,
  PACMAN_STILL_OVERLAY,
  pacmanCopyFailed,
  pacmanIncomplete,
  pacmanLocked,
  pacmanManifestDiffers,
  pacmanNotAFolder,
  pacmanOthersCouldChange,
  pacmanRestored,
} from '../messages/pacman.js';
import { notRootsAbove, notRootsWithin } from '../trust.js';
import { PACMAN_SNAPSHOT } from './paths.js';

/** "size path" per file, sorted: what the snapshot must hold to be whole. */
export function manifestOf(dir: string, under = ''): string[] {
  const lines: string[] = [];
  for (const e of readdirSync(join(dir, under), { withFileTypes: true })) {
    const rel = under ? `${under}/${e.name}` : e.name;
    if (e.isDirectory()) lines.push(...manifestOf(dir, rel));
    else lines.push(`${lstatSync(join(dir, rel)).size} ${rel}`);
  }
  return lines.sort();
}

/**
 * What runs killed half-way left (`pacman-snapshot.new-*`, `.old-*`), and a
 * snapshot without its manifest (usr-guard 0.1's restore deleted in place):
 * never put back, and no reason to skip taking a whole one. Called where
 * pacman holds its transaction lock (its hook): one writer.
 */
function removeLeftovers(dir: string): void {
  for (const name of readdirSync(dir))
    if (name.startsWith('pacman-snapshot.new-') || name.startsWith('pacman-snapshot.old-'))
      rmSync(`${dir}/${name}`, { recursive: true, force: true });
  if (existsSync(PACMAN_SNAPSHOT) && !existsSync(`${PACMAN_SNAPSHOT}/manifest`)) {
    const aside = tempName(PACMAN_SNAPSHOT, 'old');
    renameSync(PACMAN_SNAPSHOT, aside);
    rmSync(aside, { recursive: true, force: true });
  }
}

/** Take the snapshot of `dbPath`/local unless there is one: the oldest one is closest to what the image holds. */
export function takePacmanSnapshot(dbPath: string): 'taken' | 'kept' {
  if (existsSync(`${PACMAN_SNAPSHOT}/manifest`)) return 'kept';
  const dir = dirname(PACMAN_SNAPSHOT);
  makeDirs(dir, 0o755);
  const bad = notRootsAbove(dir);
  if (bad !== null) throw new Error(notKeepingPacmanThere(bad));
  removeLeftovers(dir);
  const fresh = tempName(PACMAN_SNAPSHOT, 'new');
  try {
    mkdirSync(fresh, 0o700);
    // Before pacman's first transaction there is no local database: the snapshot is an empty one.
    if (existsSync(`${dbPath}/local`)) cpSync(`${dbPath}/local`, `${fresh}/local`, COPY);
    else mkdirSync(`${fresh}/local`, 0o755);
    writeFileSync(`${fresh}/dbpath`, `${dbPath}\n`, { mode: 0o644 });
    writeFileSync(`${fresh}/boot_id`, `${bootId()}\n`, { mode: 0o644 });
    // Written last: a snapshot without it (a stop half-way) is never put back.
    writeFileSync(`${fresh}/manifest`, `${manifestOf(`${fresh}/local`).join('\n')}\n`, { mode: 0o644 });
    syncTree(fresh);
    chmodSync(fresh, 0o755);
    renameSync(fresh, PACMAN_SNAPSHOT);
    syncDir(dir);
  } catch (e) {
    // A full disk leaves no half snapshot: the next run tries again.
    rmSync(fresh, { recursive: true, force: true });
    throw writeError('write', fresh, e);
  }
  return 'taken';
}

export type RestoreResult = { done: boolean; message: string; failed?: boolean };

/** Why the snapshot must not be put back into `dbPath`, or null. */
function untrusted(dbPath: string): string | null {
  if (!lstatSync(PACMAN_SNAPSHOT).isDirectory()) return pacmanNotAFolder(PACMAN_SNAPSHOT);
  const bad = notRootsAbove(dirname(PACMAN_SNAPSHOT)) ?? notRootsWithin(PACMAN_SNAPSHOT);
  if (bad !== null) return pacmanOthersCouldChange(bad);
  const read = (name: string) => {
    try {
      return readFileSync(`${PACMAN_SNAPSHOT}/${name}`, 'utf8');
    } catch {
      return null;
    }
  };
  const manifest = read('manifest');
  if (
    manifest === null ||
    read('boot_id') === null ||
    !lstatSync(`${PACMAN_SNAPSHOT}/local`, { throwIfNoEntry: false })?.isDirectory()
  ) {
    return pacmanIncomplete(PACMAN_SNAPSHOT);
  }
  if (`${manifestOf(`${PACMAN_SNAPSHOT}/local`).join('\n')}\n` !== manifest)
    return pacmanManifestDiffers(PACMAN_SNAPSHOT);
  if (read('dbpath')?.trim() !== dbPath) return otherDbPath(dbPath);
  return null;
}

/** Put the snapshot back into `dbPath`/local when the boot it was taken in is over and /usr no longer has its overlay. */
export function restorePacmanSnapshot(dbPath: string, overlayGone: boolean, dropping = false): RestoreResult {
  if (!existsSync(PACMAN_SNAPSHOT)) return { done: false, message: NO_PACMAN_SNAPSHOT };
  const distrust = untrusted(dbPath);
  if (distrust !== null) return { done: false, failed: true, message: distrust };
  const taken = readFileSync(`${PACMAN_SNAPSHOT}/boot_id`, 'utf8').trim();
  // `dropping`: usr-guard overlay --drop is about to unmount this boot's overlay.
  if (taken === bootId() && !dropping) return { done: false, message: PACMAN_SNAPSHOT_THIS_BOOT };
  if (!overlayGone) return { done: false, message: PACMAN_STILL_OVERLAY };
  // pacman makes db.lck while it runs (and leaves it after a crash, as pacman itself then says).
  if (existsSync(`${dbPath}/db.lck`)) return { done: false, failed: true, message: pacmanLocked(dbPath) };
  const local = `${dbPath}/local`;
  const fresh = `${local}.usr-guard-new`;
  const old = `${local}.usr-guard-old`;
  rmSync(fresh, { recursive: true, force: true });
  try {
    cpSync(`${PACMAN_SNAPSHOT}/local`, fresh, COPY);
    syncTree(fresh);
  } catch (e) {
    // A full disk: pacman's database stays as it is, and so does the snapshot, for the next boot.
    rmSync(fresh, { recursive: true, force: true });
    return {
      done: false,
      failed: true,
      message: pacmanCopyFailed(writeError('copy the snapshot to', fresh, e).message),
    };
  }
  moveAside(local, old);
  renameSync(fresh, local);
  syncDir(dbPath);
  step('pacman-restore-renamed');
  // As dpkg's: the snapshot gets a name of its own before it is removed, so a removal cut short leaves no half snapshot.
  const done = tempName(PACMAN_SNAPSHOT, 'old');
  renameSync(PACMAN_SNAPSHOT, done);
  syncDir(dirname(PACMAN_SNAPSHOT));
  step('pacman-restore-done');
  rmSync(old, { recursive: true, force: true });
  rmSync(done, { recursive: true, force: true });
  return { done: true, message: pacmanRestored(taken) };
}
