// Tiny .deb packages and a local apt repository, built with the real tools.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Build NAME_VERSION_all.deb holding /usr/bin/NAME (and depending on `depends`, if given); returns its path. */
export function buildDeb(outDir: string, name: string, version = '1.0', depends?: string): string {
  const root = mkdtempSync(join(tmpdir(), `ug-deb-${name}-`));
  mkdirSync(join(root, 'DEBIAN'));
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  writeFileSync(
    join(root, 'DEBIAN/control'),
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: usr-guard tests <tests@example.invalid>\n${depends ? `Depends: ${depends}\n` : ''}Description: usr-guard test package\n`,
  );
  writeFileSync(join(root, 'usr/bin', name), `#!/bin/sh\necho ${name} ${version}\n`);
  chmodSync(join(root, 'usr/bin', name), 0o755);
  const deb = join(outDir, `${name}_${version}_all.deb`);
  try {
    execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, deb], { stdio: 'ignore' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return deb;
}

/**
 * A flat repository (deb [trusted=yes] copy:DIR ./) holding the given packages
 * ("name", "name=version", or "name>dep" for one that depends on dep), with a
 * Release file of origin ugtest (which unattended-upgrades needs to pick a repository).
 */
export function buildRepo(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ug-repo-'));
  for (const n of names) {
    const [spec, depends] = n.split('>');
    const [name, version] = spec!.split('=');
    buildDeb(dir, name!, version, depends);
  }
  return indexRepo(dir);
}

/** Make the folder of .deb files `dir` a flat repository (Packages, Release); returns it. */
export function indexRepo(dir: string): string {
  const packages = execFileSync('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  writeFileSync(join(dir, 'Packages'), packages);
  const sha = createHash('sha256').update(packages).digest('hex');
  writeFileSync(
    join(dir, 'Release'),
    `Origin: ugtest\nLabel: ugtest\nSuite: ugtest\nCodename: ugtest\nDate: ${new Date().toUTCString()}\nSHA256:\n ${sha} ${Buffer.byteLength(packages)} Packages\n`,
  );
  return dir;
}

/**
 * Shell that points apt at the local repository only, and refreshes its lists.
 * `copy:` (not `file:`) makes apt fetch the .deb, so its "Get:" lines show.
 */
export function aptUseRepo(repo: string): string {
  return [
    'rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*',
    `echo "deb [trusted=yes] copy:${repo} ./" > /etc/apt/sources.list.d/ug-test.list`,
    'apt-get -qq -o Acquire::Languages=none update >/dev/null 2>&1 || echo "apt-get update failed" >&2',
  ].join('\n');
}
