// `status --deep`: where bootc's own word on /usr's overlay (status.usrOverlay,
// bootc 1.14 and later, which bootc takes from ostree's unlock state) and
// usr-guard's probe (the mounts) disagree. Pure.

import { accessDiffers, bootcSeesNone, bootcSeesUnmounted, persistenceDiffers } from '../messages/probe.js';
import type { SystemState } from '../types.js';
import type { BootcStatus } from './bootc.js';

type Overlay = { accessMode: string; persistence: string } | null;

/** The overlay as usr-guard's probe sees it, in bootc's words. */
export function probedOverlay(s: SystemState): Overlay {
  if (s.usr?.overlay !== 'unlock') return null;
  return {
    accessMode: s.usr.readOnly ? 'readOnly' : 'readWrite',
    persistence: s.state === 'image-hotfix' ? 'persistent' : 'transient',
  };
}

/** One sentence per disagreement; none where they agree, or where bootc does not say (before 1.14). */
export function overlayDisagreements(probed: SystemState, bootc: BootcStatus): string[] {
  if (!bootc.usrOverlayKnown || !probed.host.imageBased || probed.container.detected) return [];
  const mine = probedOverlay(probed);
  const theirs = bootc.usrOverlay;
  if (mine === null && theirs === null) return [];
  if (mine === null) return [bootcSeesUnmounted(theirs!)];
  if (theirs === null) return [bootcSeesNone(mine, probed.usr?.upperdir)];
  const out: string[] = [];
  if (mine.accessMode !== theirs.accessMode) out.push(accessDiffers(theirs, mine));
  if (mine.persistence !== theirs.persistence) out.push(persistenceDiffers(theirs, mine, probed.why));
  return out;
}
