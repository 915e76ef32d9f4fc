// Every shell script usr-guard ships or runs passes shellcheck, and every hook
// line apt and dpkg run is one that a client showing only apt's error can read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/sandbox.js';

const hasShellcheck = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;
if (!hasShellcheck) console.log('SKIP shellcheck: shellcheck is not installed');

describe.skipIf(!hasShellcheck)('shellcheck', () => {
  it.each(['hooks/usr-guard-hook', 'hooks/dnf-shim', 'hooks/profile.sh', 'packaging/deb/postinst', 'packaging/deb/postrm', '.ci/run', 'test/helpers/ostree-base.sh'])('%s', (file) => {
    const r = spawnSync('shellcheck', [file], { cwd: REPO, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('hook lines', () => {
  const apt = [...readFileSync(join(REPO, 'apt-conf.d/50usr-guard'), 'utf8').matchAll(/^[\w:]+(?:-[\w:]+)* \{ "(.*)"; \};$/gm)].map((m) => m[1]!);
  const dpkg = [...readFileSync(join(REPO, 'hooks/dpkg.cfg'), 'utf8').matchAll(/^pre-invoke=(.*)$/gm)].map((m) => m[1]!);

  it('apt has its four (two JSON hooks, APT::Install::Pre-Invoke, Pre-Install-Pkgs) and dpkg its one', () => {
    expect(apt).toHaveLength(4);
    expect(dpkg).toHaveLength(1);
  });

  // apt repeats a failing hook's command in its error: all that PackageKit and python-apt show.
  // A sourced shim ends the line's shell with its own exit code; only a shim that cannot be read
  // (gone) gets to the `||`, and goes on. A shim run as a program: only its 10 stops.
  it.each([...apt, ...dpkg])('%s: at most 100 characters, silent when the shim is gone, only exit 10 stops, and it says why', (line) => {
    expect(line.length).toBeLessThanOrEqual(100);
    expect(line).toMatch(/(^c=[a-z-]+;command \. |^)\/usr\/libexec\/usr-guard\/hook( apt-pkgs)? 9>&2 2>&-\|\|(:|\[ \$\? != 10 \]) # read-only \/usr: apt-image-based\(7\)$/);
    expect(line.startsWith('c=') ? line.includes('||: #') : line.includes('||[ $? != 10 ] #')).toBe(true);
  });

  it.each([...apt, ...dpkg])('%s: says nothing and passes when the shim is gone (dash and bash)', (line) => {
    for (const shell of ['dash', 'bash']) {
      const r = spawnSync(shell, ['-c', line.replaceAll('/usr/libexec/usr-guard/hook', '/nonexistent/usr-guard/hook')], { encoding: 'utf8' });
      expect({ shell, status: r.status, stderr: r.stderr }).toEqual({ shell, status: 0, stderr: '' });
    }
  });
});

describe('the README and the manual pages', () => {
  const text = (file: string) => readFileSync(join(REPO, file), 'utf8');

  it('name one placeholder for a Debian bootc image', () => {
    const images = ['README.md', 'man/apt-image-based.7', 'man/dnf-image-based.7', 'man/usr-guard.8'].flatMap((f) => [...text(f).matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!));
    expect(new Set(images.filter((i) => /debian/.test(i)))).toEqual(new Set(['quay.io/example/debian-bootc:13']));
  });

  it('apt-image-based(7): removals and upgrades are with what to do instead, not under EXIT STATUS', () => {
    const sections = text('man/apt-image-based.7').split(/^\.SH /m);
    const section = (name: string) => sections.find((s) => s.startsWith(name)) ?? '';
    expect(section('WHAT TO DO INSTEAD')).toContain('.SS Removals and upgrades');
    expect(section('EXIT STATUS')).not.toMatch(/^\.SS /m);
  });
});
