// Name the host state from the probed facts. Pure, and the only place that
// knows how facts map to a state name; the probe just gathers, decide() just reads.

import {
  WHY_BOOTC_HOTFIX,
  WHY_BOOTC_OVERLAY,
  WHY_BOOTC_READONLY,
  WHY_CONTAINER_READONLY,
  WHY_HOTFIX,
  WHY_IMAGE_WRITABLE,
  WHY_OVERLAY,
  WHY_OVERLAY_READONLY,
  WHY_READONLY_USR,
  WHY_USR_UNREAD,
  WHY_WRITABLE_USR,
  whyContainer,
  whyLocked,
  whyOtherRoot,
  whyUnlockedElsewhere,
} from '../messages/probe.js';
import type { ContainerFacts, HostFacts, StateName, SystemState, UsrFacts } from '../types.js';

export interface Facts {
  usr: UsrFacts | null;
  host: HostFacts;
  container: ContainerFacts;
  transactionalUpdate: boolean;
}

export function classify(f: Facts): { state: StateName; why: string } {
  const { usr, host } = f;
  // TRANSACTIONAL_UPDATE=true is a claim, not evidence: tukit sets it inside a
  // writable snapshot (another root, whose /usr is writable), and there the
  // evidence alone gives a silent proceed. On a read-only /usr it changes nothing.
  if (usr === null) return { state: 'unknown', why: WHY_USR_UNREAD };

  // Containers first, as bootc does: a host /run may be bind-mounted into one.
  if (f.container.detected) {
    if (!usr.readOnly) return { state: 'container', why: whyContainer(f.container.signs) };
    return { state: 'readonly-usr', why: WHY_CONTAINER_READONLY };
  }

  if (host.imageBased) {
    if (usr.overlay === 'unlock') {
      if (usr.readOnly) return { state: 'image-overlay-readonly', why: WHY_OVERLAY_READONLY };
      // ostree writes a runstate marker for development/transient unlocks only;
      // a writable overlay without one is a hotfix unlock, which survives reboots.
      if (host.ostreeBooted && !host.composefs && host.unlocked === null) {
        return { state: 'image-hotfix', why: WHY_HOTFIX };
      }
      return { state: 'image-overlay', why: WHY_OVERLAY };
    }
    if (usr.readOnly) {
      // ostree mounts its overlay in a namespace of its own and relies on shared
      // propagation: an unlock made from a private one leaves its marker, not its overlay, here.
      if (host.unlocked !== null) {
        return { state: 'image-locked', why: whyUnlockedElsewhere(host.unlocked) };
      }
      return { state: 'image-locked', why: whyLocked(usr.overlay === 'image') };
    }
    return { state: 'unknown', why: WHY_IMAGE_WRITABLE };
  }

  // Not image-based: an overlay with an upper layer is just how /usr happens to be mounted.
  if (usr.readOnly) return { state: 'readonly-usr', why: host.otherRoot ? whyOtherRoot(true) : WHY_READONLY_USR };
  return { state: 'mutable-host', why: host.otherRoot ? whyOtherRoot(false) : WHY_WRITABLE_USR };
}

/** What `bootc status` says about /usr: the parts of it that can change the state name. */
export interface BootcView {
  tracked: boolean;
  usrOverlay: { accessMode: string; persistence: string } | null;
}

/**
 * `status --deep`: bootc is authoritative where it speaks. Its usrOverlay tells
 * a hotfix (persistent) from a transient unlock, and read-only from writable,
 * better than the runstate files do.
 */
export function refineWithBootc(s: SystemState, bootc: BootcView): SystemState {
  if (!bootc.tracked || s.container.detected) return s;
  const host = { ...s.host, kind: 'bootc' as const };
  const ov = bootc.usrOverlay;
  if (ov === null) return { ...s, host };
  if (ov.accessMode === 'readOnly') return { ...s, host, state: 'image-overlay-readonly', why: WHY_BOOTC_READONLY };
  if (ov.persistence === 'persistent') return { ...s, host, state: 'image-hotfix', why: WHY_BOOTC_HOTFIX };
  return { ...s, host, state: 'image-overlay', why: WHY_BOOTC_OVERLAY };
}
