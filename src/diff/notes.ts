// What diff says it could not compare, in a user's words. Pure.

import type { PackageManager } from '../types.js';

const TOOL: Record<PackageManager, string> = { apt: 'apt or dpkg', dnf: 'dnf or rpm', pacman: 'pacman' };

/**
 * No baseline for `manager`: usr-guard kept no list of the image's packages
 * (it saw no change of this boot before this one, or was not installed yet).
 * Nothing to say where the database has not been written since the boot:
 * then that manager changed nothing. `writtenMs`: the database's last write
 * (null: not known); `bootMs`: when this boot began.
 */
export function noBaselineNote(
  manager: PackageManager,
  writtenMs: number | null,
  bootMs: number | null,
): string | null {
  if (writtenMs !== null && bootMs !== null && writtenMs < bootMs) return null;
  return `packages changed with ${TOOL[manager]} are not listed: usr-guard did not keep the list of the image's packages before this boot's first change (it was not installed or not watching then), so there is nothing to compare with`;
}

/** The upper layer cannot be read: what that leaves out. `composefs`: a composefs host, whose overlay need not have a path. */
export function filesNotListedNote(why: string, composefs: boolean): string {
  return composefs
    ? `files changed by hand cannot be listed: on this composefs host the overlay's upper layer is not reachable by a path (${why}); only the packages are compared`
    : `files not compared: ${why}`;
}

/** When this boot began, from /proc/stat's btime (seconds since the epoch): ms, or null. Pure. */
export function bootTimeMs(procStat: string): number | null {
  const m = /^btime (\d+)$/m.exec(procStat);
  return m ? Number(m[1]) * 1000 : null;
}
