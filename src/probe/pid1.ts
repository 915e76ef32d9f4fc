// What PID 1 says about this process's world, read where systemd-detect-virt
// reads it: is this process in another root than PID 1 (a chroot), and is
// PID 1 a container's? Not the caller's environment: a `container=` or a
// chroot of root's shell describes nothing but that shell.

import { readFileSync, type Stats, statSync } from 'node:fs';

/**
 * Is / not PID 1's root (systemd's running_in_chroot(), `systemd-detect-virt
 * --chroot`)? true: another root, such as a build chroot on an image host
 * with the host's /run bound in, whose markers describe the host, not it.
 * Without /proc at all (a build chroot without /proc) it is another root, as
 * systemd assumes. null: cannot tell (PID 1 is not ours to look at: another
 * user, another user namespace, hidepid), which counts as not another root.
 * SYSTEMD_IGNORE_CHROOT is not read: no variable of the caller's decides this.
 */
export function inOtherRoot(): boolean | null {
  let slash: Stats;
  try {
    slash = statSync('/');
  } catch {
    return null;
  }
  try {
    // stat follows the magic link to PID 1's root folder.
    const pid1 = statSync('/proc/1/root');
    return pid1.dev !== slash.dev || pid1.ino !== slash.ino;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    // No /proc/1: either no /proc (a chroot: PID 1 mounts it on every host
    // and in every container) or a /proc that hides PID 1.
    if (process.pid === 1) return false;
    return statSync('/proc/self', { throwIfNoEntry: false }) === undefined ? true : null;
  }
}

/** PID 1's `container=` (what a container manager gives it), '' when it has none, null when it cannot be read. */
export function pid1Container(): string | null {
  let environ: string;
  try {
    environ = readFileSync('/proc/1/environ', 'latin1');
  } catch {
    return null;
  }
  for (const entry of environ.split('\0')) if (entry.startsWith('container=')) return entry.slice('container='.length);
  return '';
}
