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
