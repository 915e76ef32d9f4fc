// Boots of one image host, each a sandbox: a reboot is a new sandbox over the
// same /var (and /etc) folders, with a fresh /usr from the image and a new
// boot ID. A boot that makes its overlay on /usr itself (UNLOCK_IN_BOOT), as
// `bootc usr-overlay` does, has the upper layer that mountinfo names inside
// the sandbox, where diff, the last-boot record and the login reminder read it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAll } from './fixtures.js';

/** Lets vitest's worker answer its RPC between long spawnSync runs (it times out after a minute). */
export const tick = () => new Promise<void>((r) => setImmediate(r));

/** An overlay on /usr made inside the sandbox, with no unlock mark: what an ostree host takes for a hotfix. */
export const HOTFIX_IN_BOOT =
  'mkdir -p /run/ug-ov/up /run/ug-ov/wk && mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ug-ov/up,workdir=/run/ug-ov/wk /usr';
/** The same with ostree's mark of a development unlock: a transient overlay, gone at reboot. */
export const UNLOCK_IN_BOOT = `${HOTFIX_IN_BOOT}
mkdir -p /run/ostree/deployment-state/0a1b2c.0 && touch /run/ostree/deployment-state/0a1b2c.0/unlocked-development`;

/** A locked ostree host of `image` at boot `bootId`; its /var (and /etc) are kept in folders across boots. */
export const lockedBoot = (image: string, varDir: string, bootId?: string, etcDir?: string) =>
  ({ usr: 'image', ostreeBooted: true, image, varDir, etcDir, bootId }) as const;

/** The same host booted unlocked by the sandbox (its overlay's upper layer is outside the sandbox). */
export const unlockedBoot = (image: string, varDir: string, bootId?: string) =>
  ({ usr: 'image+overlay', ostreeBooted: true, unlocked: 'development', image, varDir, bootId }) as const;

/** The folders a test file makes (a host's /var, a repository), removed together after its tests. */
export function tempDirs() {
  const dirs: string[] = [];
  const keep = (dir: string) => {
    dirs.push(dir);
    return dir;
  };
  return {
    /** A new folder in the temporary directory, named from `prefix`. */
    make: (prefix = 'ug-var-') => keep(mkdtempSync(join(tmpdir(), prefix))),
    /** A folder made elsewhere (an image, a repository), to remove with the others. */
    keep,
    removeAll: () => removeAll(...dirs.splice(0)),
  };
}
