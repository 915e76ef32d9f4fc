// Name the host state from the probed facts. Pure, and the only place that
// knows how facts map to a state name; the probe just gathers, decide() just reads.

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
  if (usr === null) return { state: 'unknown', why: 'the mount that holds /usr could not be read' };

  // Containers first, as bootc does: a host /run may be bind-mounted into one.
  if (f.container.detected) {
    if (!usr.readOnly)
      return { state: 'container', why: `a container (${f.container.signs.join(', ')}) with a writable /usr` };
    return { state: 'readonly-usr', why: 'a container whose root is read-only' };
  }

  if (host.imageBased) {
    if (usr.overlay === 'unlock') {
      if (usr.readOnly)
        return { state: 'image-overlay-readonly', why: 'a transient overlay on /usr, mounted read-only' };
      // ostree writes a runstate marker for development/transient unlocks only;
      // a writable overlay without one is a hotfix unlock, which survives reboots.
      if (host.ostreeBooted && !host.composefs && host.unlocked === null) {
        return { state: 'image-hotfix', why: 'a hotfix overlay on /usr, kept until the next deployment' };
      }
      return { state: 'image-overlay', why: 'a writable transient overlay on /usr, discarded at reboot' };
    }
    if (usr.readOnly) {
      // ostree mounts its overlay in a namespace of its own and relies on shared
      // propagation: an unlock made from a private one leaves its marker, not its overlay, here.
      if (host.unlocked !== null) {
        return {
          state: 'image-locked',
          why: `ostree unlocked this deployment (${host.unlocked}), but its overlay is not on /usr in this mount namespace (it was mounted in another one): /usr is read-only here`,
        };
      }
      const what = usr.overlay === 'image' ? 'image content (an overlay of lower layers only)' : 'mounted read-only';
      return { state: 'image-locked', why: `an image-based host; /usr is ${what}, with no overlay` };
    }
    return { state: 'unknown', why: 'an image-based host whose /usr is writable without an overlay' };
  }

  // Not image-based: an overlay with an upper layer is just how /usr happens to be mounted.
  const where = host.otherRoot ? "another root (a chroot: / is not PID 1's root), whose /usr is " : '';
  if (usr.readOnly)
    return {
      state: 'readonly-usr',
      why: where ? `${where}read-only` : 'not image-based, but /usr is mounted read-only',
    };
  return {
    state: 'mutable-host',
    why: where ? `${where}writable; the markers in /run are the host's` : '/usr is writable',
  };
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
  if (ov.accessMode === 'readOnly')
    return { ...s, host, state: 'image-overlay-readonly', why: 'bootc: a read-only transient overlay on /usr' };
  if (ov.persistence === 'persistent')
    return { ...s, host, state: 'image-hotfix', why: 'bootc: a persistent (hotfix) overlay on /usr' };
  return { ...s, host, state: 'image-overlay', why: 'bootc: a writable transient overlay on /usr' };
}
