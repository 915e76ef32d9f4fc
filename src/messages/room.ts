// The words of the room check (check/room.ts): the overlay is too small for
// what dpkg is about to unpack, and what the offer says of a new overlay.

import { MARGIN, MiB, type RoomVerdict, sizeText } from '../check/room.js';
import type { Invocation, SystemState } from '../types.js';
import { lastingRoute } from './index.js';

type Short = Extract<RoomVerdict, { fits: false }>;

/** What the transaction needs and what is free, in one phrase. */
function needText(v: Short): string {
  const parts: string[] = [];
  if (v.short !== 'inodes') parts.push(`about ${sizeText(v.need.bytes)}, ${sizeText(v.freeBytes ?? 0)} is free`);
  if (v.short !== 'space') parts.push(`about ${v.need.inodes} files, room for ${v.freeInodes ?? 0} more`);
  return parts.join('; ');
}

export function roomRefusalLines(s: SystemState, inv: Invocation, v: Short): string[] {
  const margin = `${Math.round(MARGIN.fraction * 100)}% and ${MARGIN.bytes / MiB} MiB`;
  const unknown =
    v.need.unknown.length > 0 ? [`  Not counted (their size could not be read): ${v.need.unknown.join(', ')}.`] : [];
  return [
    `error: not enough room in /usr's overlay: this change needs ${needText(v)}. See \`man ${inv.manager}-image-based\` for more information.`,
    '  Nothing was changed: dpkg would run out of room half-way and leave packages half-installed.',
    `  Counted: each new package's Installed-Size, an upgrade's old and new files (dpkg keeps both while it unpacks), and ${margin} more.`,
    ...unknown,
    "  To make room: remove what the overlay holds that you no longer need ('usr-guard diff' lists it), or reboot to an empty overlay.",
    lastingRoute(s, inv),
  ];
}

/** The one line for clients that show only one (PackageKit, python-apt programs). */
export function roomRefusalSummary(inv: Invocation, v: Short): string {
  return `usr-guard refused: not enough room in /usr's overlay (needs ${needText(v)}); nothing was changed. See man ${inv.manager}-image-based.`;
}

/** Said when usr-guard has just made the overlay: how much it holds. null bytes: no limit set. */
export function overlayRoomLine(freeBytes: number | null): string {
  return freeBytes === null
    ? '  The overlay sets no limit on its size (it takes memory as it fills).'
    : `  The overlay has ${sizeText(freeBytes)} free; a change that needs more is stopped before it starts.`;
}
