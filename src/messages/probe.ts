// The words of the probe (src/probe/) that status prints: why the host is in
// its state, what `bootc status` could not say, and where bootc's word on
// /usr's overlay and usr-guard's own differ. Pure.

/** Why the host is in its state (probe/classify.ts). */
export const WHY_USR_UNREAD = 'the mount that holds /usr could not be read';
export const whyContainer = (signs: string[]) => `a container (${signs.join(', ')}) with a writable /usr`;
export const WHY_CONTAINER_READONLY = 'a container whose root is read-only';
export const WHY_OVERLAY_READONLY = 'a transient overlay on /usr, mounted read-only';
export const WHY_HOTFIX = 'a hotfix overlay on /usr, kept until the next deployment';
export const WHY_OVERLAY = 'a writable transient overlay on /usr, discarded at reboot';
export const whyUnlockedElsewhere = (unlocked: string) =>
  `ostree unlocked this deployment (${unlocked}), but its overlay is not on /usr in this mount namespace (it was mounted in another one): /usr is read-only here`;
export const whyLocked = (imageOnly: boolean) =>
  `an image-based host; /usr is ${imageOnly ? 'image content (an overlay of lower layers only)' : 'mounted read-only'}, with no overlay`;
export const WHY_IMAGE_WRITABLE = 'an image-based host whose /usr is writable without an overlay';
const WHY_OTHER_ROOT = "another root (a chroot: / is not PID 1's root), whose /usr is ";
export const whyOtherRoot = (readOnly: boolean) =>
  `${WHY_OTHER_ROOT}${readOnly ? 'read-only' : "writable; the markers in /run are the host's"}`;
export const WHY_READONLY_USR = 'not image-based, but /usr is mounted read-only';
export const WHY_WRITABLE_USR = '/usr is writable';
export const WHY_BOOTC_READONLY = 'bootc: a read-only transient overlay on /usr';
export const WHY_BOOTC_HOTFIX = 'bootc: a persistent (hotfix) overlay on /usr';
export const WHY_BOOTC_OVERLAY = 'bootc: a writable transient overlay on /usr';

/** Why `bootc status` said nothing usable (probe/bootc.ts). */
export const bootcInvalidJson = (why: string) => `bootc status printed invalid JSON: ${why}`;
export const BOOTC_NOT_HOST = 'bootc status printed JSON that is not a BootcHost (missing kind, spec or status)';
export const bootcTimedOut = (ms: number) => `timed out after ${ms / 1000} s`;
export const BOOTC_NOT_INSTALLED = 'not installed';
export const bootcFailed = (bootc: string, why: string | undefined) => `${bootc} status: ${why}`;

type Overlay = { accessMode: string; persistence: string };

const ACCESS: Record<string, string> = { readOnly: 'read-only', readWrite: 'read/write' };
const access = (mode: string) => ACCESS[mode] ?? mode;

/** bootc's human form: "transient, read/write". */
export const overlayWords = (o: Overlay) => `${o.persistence}, ${access(o.accessMode)}`;

/** Where bootc and the probe disagree on /usr's overlay (probe/bootc-overlay.ts); `mine`: the probe's. */
export const bootcSeesUnmounted = (theirs: Overlay) =>
  `bootc says /usr has an overlay (${overlayWords(theirs)}), but none is mounted on /usr: it was unmounted without ostree knowing (its unlock marker in /run/ostree is still there), or it is in another mount namespace`;

export const bootcSeesNone = (mine: Overlay, upperdir: string | null | undefined) =>
  `/usr has an overlay (${overlayWords(mine)}, upper layer ${upperdir ?? 'unknown'}), but bootc says none: it was not made by bootc or ostree (a mount by hand?), and bootc will not count it`;

export const accessDiffers = (theirs: Overlay, mine: Overlay) =>
  `bootc says the overlay is ${access(theirs.accessMode)}, but /usr is mounted ${ACCESS[mine.accessMode]} (remounted since?)`;

export const persistenceDiffers = (theirs: Overlay, mine: Overlay, why: string) =>
  `bootc says the overlay is ${theirs.persistence}, but usr-guard's probe takes it for ${mine.persistence} (${why})`;
