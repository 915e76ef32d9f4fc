// When diff says it could not compare a manager's packages (the words are
// in messages/diff.ts). Pure.

import { noBaselineLine } from '../messages/diff.js';
import type { PackageManager } from '../types.js';

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
  return noBaselineLine(manager);
}

/** When this boot began, from /proc/stat's btime (seconds since the epoch): ms, or null. Pure. */
export function bootTimeMs(procStat: string): number | null {
  const m = /^btime (\d+)$/m.exec(procStat);
  return m ? Number(m[1]) * 1000 : null;
}
