// .deb packages of a given size, for the room check (check/room.ts): files of
// random bytes (they do not compress, on disk or in the package), and an
// Installed-Size counted as dpkg-gencontrol counts it (each file rounded up to
// 1 KiB, one for each folder), since dpkg-deb --build writes none itself.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MiB = 1024 * 1024;

/** NAME_VERSION_all.deb with `files` files of `bytes` each in /usr/share/NAME; returns its path. */
export function buildSizedDeb(outDir: string, name: string, version: string, bytes: number, files = 1): string {
  const root = mkdtempSync(join(tmpdir(), `ug-deb-${name}-`));
  const data = join(root, 'usr/share', name);
  mkdirSync(join(root, 'DEBIAN'));
  mkdirSync(data, { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(data, `part${i}`), randomBytes(bytes));
  const installedKiB = files * Math.ceil(bytes / 1024) + 3; // usr, usr/share, usr/share/NAME
  writeFileSync(
    join(root, 'DEBIAN/control'),
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: usr-guard tests <tests@example.invalid>\nInstalled-Size: ${installedKiB}\nDescription: usr-guard test package of ${files} x ${bytes} bytes\n`,
  );
  const deb = join(outDir, `${name}_${version}_all.deb`);
  try {
    execFileSync('dpkg-deb', ['-Znone', '--root-owner-group', '--build', root, deb], { stdio: 'ignore' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return deb;
}

/** A repository (with repodata) of one noarch rpm NAME-VERSION holding /usr/share/NAME/data of `bytes` random bytes. */
export function buildSizedRpmRepo(name: string, version: string, bytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'ug-rpmrepo-'));
  const top = mkdtempSync(join(tmpdir(), 'ug-rpmbuild-'));
  const spec = join(top, `${name}.spec`);
  writeFileSync(
    spec,
    `Name: ${name}\nVersion: ${version}\nRelease: 1\nSummary: usr-guard test package\nLicense: MIT\nBuildArch: noarch\nAutoReqProv: no\n%define _binary_payload w0.ufdio\n%description\nusr-guard test package\n%install\nmkdir -p %{buildroot}/usr/share/${name}\nhead -c ${bytes} /dev/urandom > %{buildroot}/usr/share/${name}/data\n%files\n/usr/share/${name}\n`,
  );
  try {
    execFileSync(
      'rpmbuild',
      ['--quiet', '--define', `_topdir ${top}`, '--define', `_rpmdir ${dir}`, '--nodeps', '-bb', spec],
      {
        stdio: 'ignore',
      },
    );
    execFileSync('createrepo_c', ['-q', dir], { stdio: 'ignore' });
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
  return dir;
}
