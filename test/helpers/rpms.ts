// A tiny noarch rpm and a local repository, built with the real rpmbuild and createrepo_c.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The tools the dnf tests need, or the one that is missing. */
export function missingRpmTool(): string | null {
  for (const tool of ['dnf', 'rpm', 'rpmbuild', 'createrepo_c']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return tool;
  }
  return null;
}

function buildRpm(outDir: string, name: string, version: string): void {
  const top = mkdtempSync(join(tmpdir(), 'ug-rpmbuild-'));
  const spec = join(top, `${name}.spec`);
  // No automatic requirements: Debian's rpm database is empty, so even /bin/sh is "missing".
  writeFileSync(
    spec,
    `Name: ${name}
Version: ${version}
Release: 1
Summary: usr-guard test package
License: MIT
BuildArch: noarch
AutoReqProv: no
%description
usr-guard test package
%install
mkdir -p %{buildroot}/usr/bin
printf '#!/bin/sh\\necho ${name} ${version}\\n' > %{buildroot}/usr/bin/${name}
chmod 755 %{buildroot}/usr/bin/${name}
%files
/usr/bin/${name}
`,
  );
  try {
    execFileSync('rpmbuild', ['--quiet', '--define', `_topdir ${top}`, '--nodeps', '-bb', spec], { stdio: 'ignore' });
    const rpmDir = join(top, 'RPMS/noarch');
    for (const f of readdirSync(rpmDir)) renameSync(join(rpmDir, f), join(outDir, f));
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

/** A repository folder with the given packages (name or name-version) and its repodata. */
export function buildRpmRepo(packages: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ug-rpmrepo-'));
  mkdirSync(dir, { recursive: true });
  for (const p of packages) {
    const [name, version = '1.0'] = p.split('-');
    buildRpm(dir, name!, version);
  }
  execFileSync('createrepo_c', ['-q', dir], { stdio: 'ignore' });
  return dir;
}

/** Shell that points dnf at the local repository only (Debian's dnf has no release package: set releasever). */
export function dnfUseRepo(repo: string): string {
  return [
    'mkdir -p /etc/yum.repos.d /etc/dnf/vars',
    'rm -f /etc/yum.repos.d/*',
    `printf '[ugtest]\\nname=ugtest\\nbaseurl=file://${repo}\\ngpgcheck=0\\n' > /etc/yum.repos.d/ugtest.repo`,
    'echo 1 > /etc/dnf/vars/releasever',
  ].join('\n');
}
