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
  it.each(['hooks/usr-guard-hook', 'hooks/dnf-shim', 'hooks/profile.sh', 'packaging/deb/postinst', 'packaging/deb/postrm', '.ci/run'])('%s', (file) => {
    const r = spawnSync('shellcheck', [file], { cwd: REPO, encoding: 'utf8' });
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
  const apt = [...readFileSync(join(REPO, 'apt-conf.d/50usr-guard'), 'utf8').matchAll(/^[\w:]+(?:-[\w:]+)* \{ "(.*)"; \};$/gm)].map((m) => m[1]!);
  const dpkg = [...readFileSync(join(REPO, 'hooks/dpkg.cfg'), 'utf8').matchAll(/^pre-invoke=(.*)$/gm)].map((m) => m[1]!);

  it('apt has its three and dpkg its one', () => {
    expect(apt).toHaveLength(3);
    expect(dpkg).toHaveLength(1);
  });

  // apt repeats a failing hook's command in its error: all that PackageKit and python-apt show.
  it.each([...apt, ...dpkg])('%s: at most 100 characters, only exit 10 stops, and it says why', (line) => {
    expect(line.length).toBeLessThanOrEqual(100);
    expect(line).toContain('/usr/libexec/usr-guard/hook');
    expect(line).toMatch(/\|\|\s*\[ \$\? != 10 \] # read-only \/usr: apt-image-based\(7\)$/);
  });
});
