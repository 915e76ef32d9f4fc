// Where an unlock's upper layer is, seen from this process. mountinfo gives
// the upperdir option as the mount was given it, and ostree gives two forms
// that only meant something to the process that mounted:
// - `.usr-ovl-upper`: `ostree admin unlock --hotfix` and ostree-prepare-root
//   mount from inside the deployment (fchdir), so it is relative to that folder;
// - `/proc/self/fd/N/upper` (ostree 2025.3 and later, development and
//   transient): N was ostree's descriptor of the deployment's backing folder,
//   /sysroot/ostree/deploy/<os>/backing/<csum>.<serial>/usr-transient.
// Both are resolved against the booted deployment, found as ostree finds it:
// the deployment folder that is / (the same device and inode). Never against
// this process's own folder or descriptors.

import { type BigIntStats, readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';

export interface Deployment {
  os: string;
  /** "<csum>.<serial>" */
  name: string;
  /** /sysroot/ostree/deploy/<os>/deploy/<csum>.<serial> */
  dir: string;
}

const DEPLOY = '/sysroot/ostree/deploy';
const FD_FORM = /^\/proc\/self\/fd\/\d+\/(.+)$/;

/** Is this upperdir a path that holds only where it was mounted? */
export const upperdirNeedsDeployment = (upperdir: string) => !upperdir.startsWith('/') || FD_FORM.test(upperdir);

/** The upper layer's path from anywhere, or null when it needs the booted deployment and there is none. Pure. */
export function resolveUpperdir(upperdir: string, booted: Deployment | null): string | null {
  if (!upperdirNeedsDeployment(upperdir)) return upperdir;
  if (booted === null) return null;
  const fd = FD_FORM.exec(upperdir);
  if (fd) return posix.join(DEPLOY, booted.os, 'backing', booted.name, 'usr-transient', fd[1]!);
  return posix.join(booted.dir, upperdir);
}

const list = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

/** The booted deployment: the folder under /sysroot/ostree/deploy/<os>/deploy/ that is /. */
export function bootedDeployment(): Deployment | null {
  let root: BigIntStats;
  try {
    root = statSync('/', { bigint: true });
  } catch {
    return null;
  }
  for (const os of list(DEPLOY)) {
    for (const name of list(`${DEPLOY}/${os}/deploy`)) {
      if (!/^[0-9a-f]{64}\.\d+$/.test(name)) continue; // not <name>.origin
      const dir = `${DEPLOY}/${os}/deploy/${name}`;
      try {
        const st = statSync(dir, { bigint: true });
        if (st.dev === root.dev && st.ino === root.ino) return { os, name, dir };
      } catch {
        // gone or unreadable: not this one
      }
    }
  }
  return null;
}

/** The upperdir as this process can open it; as mountinfo gave it when the booted deployment cannot be found. */
export function upperdirHere(upperdir: string): string {
  return upperdirNeedsDeployment(upperdir) ? (resolveUpperdir(upperdir, bootedDeployment()) ?? upperdir) : upperdir;
}
