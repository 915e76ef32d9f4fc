// `status --deep`: where bootc's own word on /usr's overlay (status.usrOverlay,
// bootc 1.14 and later, which bootc takes from ostree's unlock state) and
// usr-guard's probe (the mounts) disagree. Pure.

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

const ACCESS: Record<string, string> = { readOnly: 'read-only', readWrite: 'read/write' };
/** bootc's human form: "transient, read/write". */
export const overlayWords = (o: NonNullable<Overlay>) => `${o.persistence}, ${ACCESS[o.accessMode] ?? o.accessMode}`;

/** One sentence per disagreement; none where they agree, or where bootc does not say (before 1.14). */
export function overlayDisagreements(probed: SystemState, bootc: BootcStatus): string[] {
  if (!bootc.usrOverlayKnown || !probed.host.imageBased || probed.container.detected) return [];
  const mine = probedOverlay(probed);
  const theirs = bootc.usrOverlay;
  if (mine === null && theirs === null) return [];
  if (mine === null)
    return [
      `bootc says /usr has an overlay (${overlayWords(theirs!)}), but none is mounted on /usr: it was unmounted without ostree knowing (its unlock marker in /run/ostree is still there), or it is in another mount namespace`,
    ];
  if (theirs === null)
    return [
      `/usr has an overlay (${overlayWords(mine)}, upper layer ${probed.usr?.upperdir ?? 'unknown'}), but bootc says none: it was not made by bootc or ostree (a mount by hand?), and bootc will not count it`,
    ];
  const out: string[] = [];
  if (mine.accessMode !== theirs.accessMode)
    out.push(
      `bootc says the overlay is ${ACCESS[theirs.accessMode] ?? theirs.accessMode}, but /usr is mounted ${ACCESS[mine.accessMode]} (remounted since?)`,
    );
  if (mine.persistence !== theirs.persistence)
    out.push(
      `bootc says the overlay is ${theirs.persistence}, but usr-guard's probe takes it for ${mine.persistence} (${probed.why})`,
    );
  return out;
}
