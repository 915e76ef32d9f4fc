// Every shell script usr-guard ships or runs passes shellcheck, and every hook
// line apt and dpkg run is one that a client showing only apt's error can read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loginReminderScript } from '../../src/messages/overlay.js';
import { REPO } from '../helpers/sandbox.js';

const hasShellcheck = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;
if (!hasShellcheck) console.log('SKIP shellcheck: shellcheck is not installed');

describe.skipIf(!hasShellcheck)('shellcheck', () => {
  it.each([
    'hooks/usr-guard-hook',
    'hooks/dnf-shim',
    'hooks/profile.sh',
    'packaging/deb/postinst',
    'packaging/deb/postrm',
    '.ci/run',
    'test/helpers/ostree-base.sh',
  ])('%s', (file) => {
    const r = spawnSync('shellcheck', [file], { cwd: REPO, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  // What install writes to /etc/profile.d (the .deb and .rpm ship the same): summaryLine's words put in.
  it('the login reminder as installed', () => {
    const script = loginReminderScript(readFileSync(join(REPO, 'hooks/profile.sh'), 'utf8'));
    const r = spawnSync('shellcheck', ['-'], { input: script, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  // dpkg runs it with sh -c: checked as the script it is.
  it("dpkg's post-invoke (hooks/dpkg-db.cfg)", () => {
    const line = /^post-invoke=(.*)$/m.exec(readFileSync(join(REPO, 'hooks/dpkg-db.cfg'), 'utf8'))?.[1];
    expect(line).toBeDefined();
    const r = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: `#!/bin/sh\n${line}\n`, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('hook lines', () => {
  const apt = [
    ...readFileSync(join(REPO, 'apt-conf.d/50usr-guard'), 'utf8').matchAll(/^[\w:]+(?:-[\w:]+)* \{ "(.*)"; \};$/gm),
  ].map((m) => m[1]!);
  const dpkg = [...readFileSync(join(REPO, 'hooks/dpkg.cfg'), 'utf8').matchAll(/^pre-invoke=(.*)$/gm)].map(
    (m) => m[1]!,
  );

  it('apt has its four (two JSON hooks, APT::Install::Pre-Invoke, Pre-Install-Pkgs) and dpkg its one', () => {
    expect(apt).toHaveLength(4);
    expect(dpkg).toHaveLength(1);
  });

  // apt repeats a failing hook's command in its error: all that PackageKit and python-apt show.
  // A sourced shim ends the line's shell with its own exit code; only a shim that cannot be read
  // (gone) gets to the `||`, and goes on. A shim run as a program: only its 10 stops.
  it.each([...apt, ...dpkg])(
    '%s: at most 100 characters, silent when the shim is gone, only exit 10 stops, and it says why',
    (line) => {
      expect(line.length).toBeLessThanOrEqual(100);
      expect(line).toMatch(
        /(^c=[a-z-]+;command \. |^c=apt-pkgs command \. |^)\/usr\/libexec\/usr-guard\/hook 9>&2 2>&-\|\|(:|\[ \$\? != 10 \]) # read-only \/usr: apt-image-based\(7\)$/,
      );
      expect(line.startsWith('c=') ? line.includes('||: #') : line.includes('||[ $? != 10 ] #')).toBe(true);
    },
  );

  it.each([...apt, ...dpkg])('%s: says nothing and passes when the shim is gone (dash and bash)', (line) => {
    for (const shell of ['dash', 'bash']) {
      const r = spawnSync(
        shell,
        ['-c', line.replaceAll('/usr/libexec/usr-guard/hook', '/nonexistent/usr-guard/hook')],
        { encoding: 'utf8' },
      );
      expect({ shell, status: r.status, stderr: r.stderr }).toEqual({ shell, status: 0, stderr: '' });
    }
  });
});

describe('the README and the manual pages', () => {
  const text = (file: string) => readFileSync(join(REPO, file), 'utf8');

  it('name one placeholder for a Debian bootc image', () => {
    const images = ['README.md', 'man/apt-image-based.7', 'man/dnf-image-based.7', 'man/usr-guard.8'].flatMap((f) =>
      [...text(f).matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!),
    );
    expect(new Set(images.filter((i) => /debian/.test(i)))).toEqual(new Set(['quay.io/example/debian-bootc:13']));
  });

  it('apt-image-based(7): removals and upgrades are with what to do instead, not under EXIT STATUS', () => {
    const sections = text('man/apt-image-based.7').split(/^\.SH /m);
    const section = (name: string) => sections.find((s) => s.startsWith(name)) ?? '';
    expect(section('WHAT TO DO INSTEAD')).toContain('.SS Removals and upgrades');
    expect(section('EXIT STATUS')).not.toMatch(/^\.SS /m);
  });
});

// pacman prints the Description in every transaction, on every host, and
// its hook parser ends each line at a number sign (lib/libalpm/ini.c).
describe("pacman's hook", () => {
  const hook = readFileSync(join(REPO, 'hooks/pacman.hook'), 'utf8');
  const lines = hook.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const value = (key: string) => lines.filter((l) => l.startsWith(`${key} = `)).map((l) => l.slice(key.length + 3));

  it('runs before every transaction that changes packages, can stop it, and gets its packages', () => {
    expect(value('Operation')).toEqual(['Install', 'Upgrade', 'Remove']);
    expect(value('Type')).toEqual(['Package']);
    expect(value('Target')).toEqual(['*']);
    expect(value('When')).toEqual(['PreTransaction']);
    expect(lines).toContain('AbortOnFail');
    expect(lines).toContain('NeedsTargets');
  });

  it('says nothing of usr-guard, read-only /usr or reboots in its Description', () => {
    expect(value('Description')).toHaveLength(1);
    expect(value('Description')[0]).not.toMatch(/usr-guard|read-only|reboot/i);
  });

  it('has no number sign where pacman would cut the line', () => {
    for (const l of lines) expect(l).not.toContain('#');
  });

  it.skipIf(!hasShellcheck)(
    'its Exec is a shell line that shellcheck passes, and that only reads its stdin without the shim',
    () => {
      const exec = value('Exec');
      expect(exec).toHaveLength(1);
      const script = /^\/bin\/sh -c '([^']*)'$/.exec(exec[0]!)?.[1];
      expect(script).toBeDefined();
      expect(script).toContain('if [ -e /usr/libexec/usr-guard/hook ]; then');
      expect(script).toContain('else while read -r _; do :; done; fi');
      // SC2034: c is read by the shim it sources.
      const r = spawnSync('shellcheck', ['-s', 'sh', '-e', 'SC2034', '-'], { input: `${script}\n`, encoding: 'utf8' });
      expect(r.stdout).toBe('');
      expect(r.status).toBe(0);
    },
  );
});
