// Where python3 keeps a package (dnf's, for instance) in a root: beside it
// dnf 4 looks for plugins, and in it dnf keeps its version.

import { existsSync, readdirSync } from 'node:fs';
import { resolveInRoot } from '../fs/resolve-in-root.js';

/** The site folders (root-relative) that hold python package `name`: Debian's dist-packages, Fedora's site-packages. */
export function pythonSitesWith(root: string, name: string): string[] {
  const found: string[] = [];
  for (const lib of ['/usr/lib', '/usr/lib64']) {
    let pythons: string[] = [];
    try {
      pythons = readdirSync(resolveInRoot(root, lib)).filter((n) => /^python3(\.\d+)?$/.test(n));
    } catch {
      continue;
    }
    for (const py of pythons) {
      for (const site of ['dist-packages', 'site-packages']) {
        const dir = `${lib}/${py}/${site}`;
        if (existsSync(resolveInRoot(root, `${dir}/${name}`))) found.push(dir);
      }
    }
  }
  return found;
}
