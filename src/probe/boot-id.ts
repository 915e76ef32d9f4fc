// This boot's ID, as the kernel says it: what ties usr-guard's records (dpkg's
// snapshot, the baseline, the last-boot record) to one boot. A module of its
// own, as the per-change record needs it without what snapshot.ts loads.

import { readFileSync } from 'node:fs';

export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
