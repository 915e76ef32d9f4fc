// Where dpkg's database belongs. In the build of an image for an image-based
// host it goes into the image (/usr/lib/sysimage/dpkg), unless the builder
// says --dpkg-db=var; everywhere else it stays in /var. An image is for an
// image-based host when its root has bootc or ostree's boot files.

import { existsSync } from 'node:fs';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { containerFacts } from '../probe/container.js';

export const DPKG_DB_CHOICES = ['var', 'image'] as const;
export type DpkgDbChoice = (typeof DPKG_DB_CHOICES)[number];

const SIGNS = ['/usr/bin/bootc', '/usr/lib/bootc', '/usr/lib/ostree-boot', '/usr/lib/ostree'];

/** The first sign in `root` that it is an image for an image-based host, or null. */
export function imageSign(root: string): string | null {
  return SIGNS.find((p) => existsSync(resolveInRoot(root, p))) ?? null;
}

/**
 * Is this the build of an image for an image-based host? Another root with
 * the signs is; this machine's own root only inside a container (a
 * Containerfile's RUN line): a booted host, or a workstation that merely has
 * bootc installed, is not being built.
 */
export function imageBuild(root: string, env: NodeJS.ProcessEnv): string | null {
  const sign = imageSign(root);
  if (sign === null) return null;
  if (root !== '/') return sign;
  // A booted deployment's evidence wins over the caller's container= (issue 21).
  const c = containerFacts(env, existsSync('/run/ostree-booted'));
  return c.detected ? `${sign}, in a container (${c.signs.join(', ')})` : null;
}
