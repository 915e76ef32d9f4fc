// The words of `usr-guard overlay [--read-only]` and `usr-guard overlay --drop`
// (src/commands/run-overlay.ts, run-drop.ts, src/overlay/put-back.ts). The
// journal's lines (the trail) are said where they are written.

import { guardLine } from './check.js';

const writable = (readOnly: boolean) => (readOnly ? 'read-only' : 'writable');

export const overlayNotImageBased = (state: string) =>
  `usr-guard: overlay: this host is not image-based (state ${state}): there is no image overlay to make.`;

export const overlayAlready = (readOnly: boolean, state: string) =>
  `usr-guard: /usr already has a ${writable(readOnly)} transient overlay (${state}).`;

export const overlayMade = (readOnly: boolean, state: string) =>
  `usr-guard: /usr now has a ${writable(readOnly)} transient overlay (${state}); it is discarded at reboot, while /etc and /var persist.`;

/** The tool ran, and /usr is not as asked. */
export const overlayNotAsAsked = (tool: string, state: string) => `'${tool}' ran, but /usr is ${state}`;

export const overlayFailed = (why: string) => `usr-guard: overlay: ${why}.`;

/** Why `overlay --drop` does nothing. */
export const dropRefused = (why: string) => `usr-guard: overlay --drop: ${why}`;

export const dropNotImageBased = (state: string) =>
  `this host is not image-based (${state}): there is no image overlay to drop.`;

export const dropNoOverlay = (state: string) => `/usr has no overlay (${state}): nothing to drop.`;

export const DROP_HOTFIX =
  "/usr has a hotfix overlay (ostree admin unlock --hotfix): it persists across reboots as part of the deployment, and unmounting it here would not drop it. To leave it: 'ostree admin undeploy' of that deployment, or a new one ('bootc upgrade', 'bootc rollback').";

export const DROP_NOT_ROOT = 'only root can unmount /usr and put the package databases back.';

/** The processes that still hold files of the overlay, one line each after the first. */
export function holdersLines(holders: { pid: number; command: string; file: string; files: number }[]): string[] {
  if (holders.length === 0) return [];
  return [
    `${holders.length} process(es) still hold files of the overlay; they keep them (and run the overlay's code) until they end:`,
    ...holders.map((h) => `  ${h.pid} ${h.command}: ${h.file}${h.files > 1 ? ` (and ${h.files - 1} more)` : ''}`),
  ];
}

export const lastBootNotKept = (why: string) =>
  `could not keep what the overlay held for 'usr-guard diff --last-boot': ${why}`;

/** A package manager's database before the overlay goes (src/overlay/put-back.ts). */
export const dbGoesBackWithUsr = (name: string) => `${name}'s database lives in the image: it goes back with /usr`;

export const dbNotKeptTrue = (name: string) =>
  `nothing keeps ${name}'s database true to /usr (no snapshot is taken here): it will list packages whose files go with the overlay`;

/** What was said so far, then why the overlay stays: each a line of usr-guard's. */
export const dropStopped = (said: string[], last: string) => [...said.map(guardLine), dropRefused(last)];

export const notUnmounting = (stop: string) => `not unmounting /usr: ${stop}.`;

export const NO_UMOUNT = 'no umount in /usr/bin or /bin.';

export const umountFailed = (umount: string, why: string | undefined) => `${umount} -l /usr failed: ${why}.`;

export const stillOverlay = (state: string) => `/usr still has an overlay (${state})`;

export const unlockMarkerRemoved = (marker: string) => `removed ostree's unlock marker ${marker}`;

export const unmounted = (umount: string, state: string) =>
  `unmounted the overlay on /usr lazily (${umount} -l /usr): /usr is the image's again (${state})`;
