// A package manager's view of its database now: dpkg's in /var/lib/dpkg,
// rpm's through `rpm -qa`, pacman's where pacman.conf puts it. null where it
// cannot be read (or pacman is not here).

import { DB } from '../dpkg-db/paths.js';
import { pacmanDbPath } from '../pacman-db/paths.js';
import type { PackageManager } from '../types.js';
import { dpkgView, type PackageView, rpmView } from './packages.js';
import { pacmanView } from './pacman-view.js';

export function viewNow(manager: PackageManager): PackageView | null {
  if (manager === 'apt') return dpkgView(DB);
  if (manager === 'dnf') return rpmView();
  const db = pacmanDbPath();
  return db === null ? null : pacmanView(`${db}/local`);
}
