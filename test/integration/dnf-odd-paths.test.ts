// The odd paths of dnf: option values the shim must not take for the command,
// / by another name, the shim's own "already decided" walked around.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, runAndCompare, type SandboxSpec } from '../helpers/sandbox.js';

const HEADLINE = 'error: read-only /usr detected, refusing to operate. See `man dnf-image-based` for more information.';
const missing = missingRpmTool();
const LOCKED = { usr: 'image', ostreeBooted: true } as const;
let image: string;
let repo: string;
beforeAll(() => {
  if (missing) return;
  image = buildImage();
  repo = buildRpmRepo(['ugrpm-1.0']);
});
afterAll(() => {
  for (const d of [image, repo]) if (d) rmSync(d, { recursive: true, force: true });
});

function dnf(spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string) {
  const snap = 'rpm -qa | sort | sha256sum; ls -la --time-style=full-iso /usr/bin | sha256sum';
  return runAndCompare({ ...spec, image }, dnfUseRepo(repo), snap, cmd);
}

describe.skipIf(missing !== null)(
  'dnf --noplugins on a locked host: the shim reads the command line as dnf does',
  () => {
    it.each([
      ['--disableexcludes all', 'dnf --noplugins --disableexcludes all install -y ugrpm'],
      ['-R 0', 'dnf --noplugins -R 0 install -y ugrpm'],
      ['-x other', 'dnf --noplugins -x other install -y ugrpm'],
      ['--setopt with a value', 'dnf --noplugins --setopt keepcache=0 install -y ugrpm'],
      ['an abbreviated option with a value', 'dnf --noplugins --disableexcludep all install -y ugrpm'],
      ['--installroot=/. (/ by another name)', 'dnf --noplugins --installroot=/. install -y ugrpm'],
      ['USR_GUARD_DECIDED set by hand', 'USR_GUARD_DECIDED=1 dnf --noplugins install -y ugrpm'],
    ])('%s is refused before the download', (_what, cmd) => {
      const r = dnf(LOCKED, cmd);
      expect(r.stderr).toContain(HEADLINE);
      expect(r.rc).toBe(1);
      expect(r.unchanged).toBe(true);
      expect(r.stdout).not.toMatch(/Downloading Packages/);
    });

    it('a mutable host installs with the same options', () => {
      const r = dnf(
        { usr: 'writable' },
        'dnf --noplugins --disableexcludes all -x other --setopt keepcache=0 install -y ugrpm && rpm -q ugrpm',
      );
      expect(r.rc).toBe(0);
      expect(r.stderr).not.toContain('usr-guard');
    });
  },
);

describe.skipIf(missing !== null)("another root named in dnf's -c FILE goes on, as without usr-guard", () => {
  const conf = 'mkdir -p /var/tmp/tgt && { cat /etc/dnf/dnf.conf; echo installroot=/var/tmp/tgt; } > /tmp/tgt.conf';
  it.each([
    ['dnf -y -c FILE install', 'dnf -y -c /tmp/tgt.conf --releasever=1 install ugrpm'],
    [
      'the shim alone (--noplugins, --config=FILE)',
      'dnf --noplugins -y --config=/tmp/tgt.conf --releasever=1 install ugrpm',
    ],
  ])('%s', (_name, cmd) => {
    const r = dnf(
      LOCKED,
      `${conf}\n${cmd} >/dev/null 2>&1; rc=$?; rpm --root /var/tmp/tgt -q ugrpm >/dev/null && echo @@there; (exit $rc)`,
    );
    expect(r.stderr).not.toContain(HEADLINE);
    expect(r.stdout).toContain('@@there');
    expect(r.rc).toBe(0);
    expect(r.unchanged).toBe(true); // the host's rpm database and /usr
  });
});
