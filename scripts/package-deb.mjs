// npm run package:deb: dist/usr-guard_<version>_all.deb, built with dpkg-deb.
// The file list is usr-guard's own installer (`install --root`), so the
// package and `usr-guard install` can never disagree about what goes where.
// The dnf parts stay out: a Debian host runs apt. The pacman parts go in
// (Debian has pacman too), staged by hand: install writes them only where
// pacman is in the root.

import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const { version, description } = JSON.parse(readFileSync('package.json', 'utf8'));
// USR_GUARD_DEB_DIR: where the package (and its staging folder) go, for tests that build their own at once.
const outDir = process.env.USR_GUARD_DEB_DIR ?? 'dist';
const stage = join(outDir, 'deb-root');
const doc = join(stage, 'usr/share/doc/usr-guard');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'DEBIAN'), { recursive: true });

execFileSync('dist/usr-guard', ['install', '--root', stage, '--without', 'dnf-plugin,dnf5-actions,dnf-shim'], {
  stdio: 'ignore',
});
const systemd = join(stage, 'usr/lib/systemd/system');
mkdirSync(join(stage, 'usr/share/libalpm/hooks'), { recursive: true });
copyFileSync('hooks/pacman.hook', join(stage, 'usr/share/libalpm/hooks/00-usr-guard.hook'));
copyFileSync('systemd/usr-guard-restore-pacman-db.service', join(systemd, 'usr-guard-restore-pacman-db.service'));
symlinkSync(
  '../usr-guard-restore-pacman-db.service',
  join(systemd, 'sysinit.target.wants/usr-guard-restore-pacman-db.service'),
);

// Debian policy: compressed man pages and changelog (gzip -9n: no name, no time), a copyright file.
const gzip = (file) => {
  writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
  rmSync(file);
};
for (const section of ['man7', 'man8']) {
  const dir = join(stage, 'usr/share/man', section);
  for (const page of readdirSync(dir)) gzip(join(dir, page));
}
mkdirSync(doc, { recursive: true });
copyFileSync('packaging/deb/copyright', join(doc, 'copyright'));
const date = new Date(Number(process.env.SOURCE_DATE_EPOCH ?? 1795564800) * 1000).toUTCString().replace('GMT', '+0000');
// A native package (no Debian revision): the changelog is changelog.gz.
writeFileSync(
  join(doc, 'changelog'),
  `usr-guard (${version}) unstable; urgency=medium\n\n  * Release ${version}.\n\n -- usr-guard maintainers <usr-guard@example.invalid>  ${date}\n`,
);
gzip(join(doc, 'changelog'));

const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (p !== join(stage, 'DEBIAN')) walk(p);
    } else if (e.isFile()) files.push(p); // links have no md5sum
  }
};
walk(stage);
const rel = (p) => relative(stage, p);
const conffiles = files.filter((p) => rel(p).startsWith('etc/')).map((p) => `/${rel(p)}`);
const size = Math.ceil(files.reduce((n, p) => n + statSync(p).size, 0) / 1024);

writeFileSync(
  join(stage, 'DEBIAN/control'),
  `Package: usr-guard
Version: ${version}
Architecture: all
Maintainer: usr-guard maintainers <usr-guard@example.invalid>
Installed-Size: ${size}
Depends: nodejs (>= 18)
Section: admin
Priority: optional
Homepage: https://example.invalid/usr-guard
Description: ${description.replace(/ \(.*$/, '').replace(/^G/, 'g')}
 usr-guard hooks into apt and dpkg (and pacman, where it is installed) on
 image-based hosts (bootc, ostree, composefs), where /usr is a read-only image. On a locked host it refuses
 package changes before anything is downloaded, with a clear message and the
 next steps, and on a terminal it offers a transient overlay; on a transient
 overlay it warns that the changes are discarded at reboot. On mutable hosts
 and in container image builds it stays silent.
`,
);
writeFileSync(join(stage, 'DEBIAN/conffiles'), `${conffiles.join('\n')}\n`);
writeFileSync(
  join(stage, 'DEBIAN/md5sums'),
  `${files.map((p) => `${createHash('md5').update(readFileSync(p)).digest('hex')}  ${rel(p)}`).join('\n')}\n`,
);
for (const script of ['postinst', 'postrm']) {
  copyFileSync(`packaging/deb/${script}`, join(stage, 'DEBIAN', script));
  chmodSync(join(stage, 'DEBIAN', script), 0o755);
}

const out = join(outDir, `usr-guard_${version}_all.deb`);
execFileSync('dpkg-deb', ['--root-owner-group', '-Zxz', '--build', stage, out], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
rmSync(stage, { recursive: true, force: true });
console.log(out);
