// npm run package:rpm: dist/usr-guard-<version>-1.noarch.rpm, built with rpmbuild
// from packaging/rpm/usr-guard.spec. The files come from usr-guard's own
// installer, staged with the dnf parts that belong in a dnf host's package.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const top = resolve('dist/rpmbuild');
const root = `${top}/SOURCES/root`;
rmSync(top, { recursive: true, force: true });
mkdirSync(root, { recursive: true });

// Only the parts a dnf host needs (rpm's database is in the image: no dpkg
// snapshot there); the dnf config files are staged by hand
// because install writes the dnf parts only where dnf is in the root.
execFileSync(
  'dist/usr-guard',
  ['install', '--root', root, '--without', 'apt,dpkg,dpkg-db,dpkg-snapshot,dnf-plugin,dnf5-actions,dnf-shim'],
  { stdio: 'ignore' },
);
rmSync(`${root}/usr/share/man/man7/apt-image-based.7`);
mkdirSync(`${root}/etc/dnf/plugins`, { recursive: true });
mkdirSync(`${root}/etc/dnf/libdnf5-plugins/actions.d`, { recursive: true });
copyFileSync('dnf-plugin/usr_guard.conf', `${root}/etc/dnf/plugins/usr_guard.conf`);
copyFileSync('dnf-plugin/usr-guard.actions', `${root}/etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions`);
copyFileSync('dnf-plugin/usr_guard.py', `${top}/SOURCES/usr_guard.py`);
// The libalpm hook, for a host that has pacman too (install writes it only where pacman is in the root).
mkdirSync(`${root}/usr/share/libalpm/hooks`, { recursive: true });
copyFileSync('hooks/pacman.hook', `${root}/usr/share/libalpm/hooks/00-usr-guard.hook`);

execFileSync(
  'rpmbuild',
  // No distribution post-install scripts (brp-*): they differ between distributions
  // (Debian's are not even POSIX sh), and nothing here needs them.
  [
    '--quiet',
    '--define',
    `_topdir ${top}`,
    '--define',
    `ug_version ${version}`,
    '--define',
    '__os_install_post %{nil}',
    '--nodeps',
    '-bb',
    'packaging/rpm/usr-guard.spec',
  ],
  { stdio: ['ignore', 'inherit', 'inherit'] },
);
const name = `usr-guard-${version}-1.noarch.rpm`;
renameSync(`${top}/RPMS/noarch/${readdirSync(`${top}/RPMS/noarch`).find((f) => f === name) ?? name}`, `dist/${name}`);
rmSync(top, { recursive: true, force: true });
console.log(`dist/${name}`);
