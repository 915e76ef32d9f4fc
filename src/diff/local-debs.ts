// Packages installed from a package file in no repository (dpkg -i
// ./mytool_2.0_all.deb, apt-get install ./mytool_2.0_all.deb): a build cannot
// `apt-get install -y mytool`, it needs the file. apt knows where each
// installed version can be had: `apt-cache policy` lists, under the installed
// version (***), its sources; one that only dpkg's status file holds came
// from no repository. markApt puts that, and apt's marks (./marks.ts), on the
// packages diff lists.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DB } from '../dpkg-db/paths.js';
import type { PackageChange } from './compute.js';
import { autoInstalled } from './marks.js';
import { storedCopy } from './package-store.js';
import { dpkgPackages } from './packages.js';

/** The packages whose installed version no source but dpkg's status has, from `apt-cache policy NAME...` (LC_ALL=C). Pure. */
export function localVersions(policy: string): Set<string> {
  const out = new Set<string>();
  let name: string | null = null;
  let sources: string[] | null = null;
  const close = () => {
    if (name !== null && sources !== null && sources.length > 0 && sources.every((s) => s === '/var/lib/dpkg/status'))
      out.add(name);
    sources = null;
  };
  for (const line of policy.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    const version = /^ (\*\*\*| {3}) \S+ -?\d+$/.exec(line);
    const source = /^ {8}-?\d+ (.+)$/.exec(line);
    if (head) {
      close();
      name = head[1]!;
    } else if (version) {
      close();
      if (version[1] === '***') sources = [];
    } else if (source && sources !== null) {
      sources.push(source[1]!.trim());
    }
  }
  close();
  return out;
}

/** The file name dpkg-deb and apt give package `key` as installed: name_version_arch.deb (the version without its epoch). Pure. */
export function packageFileName(status: string, key: string): string | null {
  const p = dpkgPackages(status).get(key);
  return p ? `${p.name}_${p.version.replace(/^\d+:/, '')}_${p.arch}.deb` : null;
}

/** apt's packages that came with another (its marks), and those from a package file in no repository. */
export function markApt(packages: PackageChange[]): void {
  const auto = autoInstalled();
  const coming = packages.filter((p) => p.manager === 'apt' && p.change !== 'removed');
  for (const p of coming) if (auto.has(p.name)) p.autoInstalled = true;
  const asked = coming.filter((p) => !p.autoInstalled);
  if (asked.length === 0) return;
  const r = spawnSync('apt-cache', ['policy', ...asked.map((p) => p.name)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 30_000,
    env: { ...process.env, LC_ALL: 'C' },
  });
  if (r.error || r.status !== 0) return; // not known: named as from a repository, as before
  const local = localVersions(r.stdout);
  let status = '';
  try {
    status = readFileSync(`${DB}/status`, 'utf8');
  } catch {
    return;
  }
  for (const p of asked) {
    const file = local.has(p.name) ? packageFileName(status, p.name) : null;
    if (file === null) continue;
    p.packageFile = file;
    const copy = storedCopy(file);
    if (copy !== null) p.packageFileCopy = copy === 'let-go' ? 'let go' : copy;
  }
}
