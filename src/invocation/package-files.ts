// Package files named on a command line (`apt-get install ./x.deb`, `dpkg -i
// x.deb`, `dnf install ./x.rpm`): the package inside is read from the file
// (its control data), never guessed from its name. Relative names are the
// front end's: resolved in its folder. Run only where usr-guard speaks (an
// image host), by absolute path.

import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const READERS: Record<'deb' | 'rpm', (path: string) => [string, string[]]> = {
  deb: (path) => ['/usr/bin/dpkg-deb', ['--field', path, 'Package']],
  rpm: (path) => ['/usr/bin/rpm', ['-qp', '--nosignature', '--nodigest', '--qf', '%{NAME}\\n', path]],
};

/** The package a file holds, or null when it cannot be read (then it is still named as a file). */
export function packageInFile(path: string): string | null {
  const [cmd, args] = READERS[path.endsWith('.rpm') ? 'rpm' : 'deb'](path);
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
  });
  const name = r.status === 0 ? r.stdout.trim().split('\n')[0] : '';
  return name && /^[A-Za-z0-9][A-Za-z0-9+._-]*$/.test(name) ? name : null;
}

export function cwdOf(pid: number | null): string {
  try {
    return pid === null ? process.cwd() : readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return '/';
  }
}

/** The files as named and as absolute paths, and the packages in them (for the words: the file is what a Containerfile copies). */
export function localPackages(
  files: string[],
  pid: number | null,
): { files: string[]; paths: string[]; names: string[] } {
  if (files.length === 0) return { files, paths: [], names: [] };
  const cwd = cwdOf(pid);
  const paths = files.map((f) => (isAbsolute(f) ? f : join(cwd, f)));
  const names = paths.map(packageInFile).filter((n): n is string => n !== null);
  return { files, paths, names };
}
