// What dnf will really do, not what was typed: the dnf shim leaves the
// decision to the plugin (dnf 4) or the action (dnf5) wherever it surely runs,
// and those decide on the transaction dnf resolved. With the real dnf 4 here,
// and dnf5 5.4 in the sid root .ci/run makes.
import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, runAndCompare, type SandboxSpec } from '../helpers/sandbox.js';

const HEADLINE = 'error: read-only /usr detected, refusing to operate. See `man dnf-image-based` for more information.';
const missing = missingRpmTool();
const LOCKED = { usr: 'image', ostreeBooted: true } as const;
// dnf 4.21 and later run their own bootc check where /run/ostree-booted is: a composefs host, as in dnf.test.ts.
const OVERLAY = { usr: 'image+overlay', composefs: true } as const;
const DNF5 = process.env.USR_GUARD_DNF5_ROOT ?? '';
const noDnf5 = !DNF5 || !existsSync(`${DNF5}/usr/bin/dnf5`) ? 'no dnf5 root (USR_GUARD_DNF5_ROOT)' : missing;

let repo: string;
beforeAll(() => {
  if (!missing) repo = buildRpmRepo(['ugrpm-1.0', 'ugother-1.0']);
});
afterAll(() => repo && rmSync(repo, { recursive: true, force: true }));

// ugrpm 1.0 recorded as installed (in rpm's database only: /usr stays read-only).
const INSTALLED = () => `rpm -i --force-debian --justdb --nodeps --ignoresize ${repo}/ugrpm-1.0-1.noarch.rpm`;

describe.skipIf(missing !== null)('dnf 4', () => {
  let image: string;
  beforeAll(() => {
    image = buildImage();
  });
  afterAll(() => rmSync(image, { recursive: true, force: true }));

  const dnf = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = INSTALLED()) =>
    runAndCompare(
      { ...spec, image },
      `${dnfUseRepo(repo)}\n${setup}`,
      'rpm -qa | sort | sha256sum; ls -la --time-style=full-iso /usr/bin | sha256sum',
      cmd,
    );

  it('a locked host, an install of what is installed: "Nothing to do", in silence (the plugin decides)', () => {
    const r = dnf(LOCKED, 'dnf -y install ugrpm');
    expect(r.rc).toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stdout + r.stderr).toMatch(/Nothing to do/);
    expect(r.stderr).not.toContain('usr-guard');
  });

  it("a locked host, a command dnf does not know: dnf's own answer", () => {
    const r = dnf(LOCKED, 'dnf frobnicate');
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toMatch(/No such command: frobnicate/);
    expect(r.stderr).not.toContain(HEADLINE);
  });

  it('a locked host, -c FILE naming another installroot: dnf installs there', () => {
    const conf = `mkdir -p /tmp/ir && { cat /etc/dnf/dnf.conf; echo installroot=/tmp/ir; } > /tmp/ir.conf`;
    const r = dnf(
      LOCKED,
      'dnf -c /tmp/ir.conf -y --releasever=1 install ugother && test -x /tmp/ir/usr/bin/ugother && echo @@there',
      conf,
    );
    expect(r.stdout).toContain('@@there');
    expect(r.stderr).not.toContain('usr-guard');
  });

  it('a locked host, the words name only what the transaction adds', () => {
    const r = dnf(LOCKED, 'dnf -y install ugrpm ugother');
    expect(r.stderr).toContain(HEADLINE);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).toContain("add 'RUN dnf install -y ugother' to the image's Containerfile");
  });

  it('a locked host, a local .rpm: copied into the build, installed from there', () => {
    const r = dnf(
      LOCKED,
      `cp ${repo}/ugother-1.0-1.noarch.rpm /tmp/ && cd /tmp && dnf -y install ./ugother-1.0-1.noarch.rpm`,
    );
    expect(r.stderr).toContain(HEADLINE);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).toContain(
      "add 'COPY ugother-1.0-1.noarch.rpm /tmp/' and 'RUN dnf install -y /tmp/ugother-1.0-1.noarch.rpm' to the image's Containerfile",
    );
  });

  it.each([
    ['--noplugins', 'dnf --noplugins -y install ugother'],
    ['--disableplugin=usr_guard', 'dnf --disableplugin=usr_guard -y install ugother'],
    ['--disableplugin=* (a glob)', "dnf '--disableplugin=*' -y install ugother"],
    [
      'the plugin off in its configuration',
      "sed -i 's/^enabled=1/enabled=0/' /etc/dnf/plugins/usr_guard.conf && dnf -y install ugother",
    ],
    ['plugins=0 in dnf.conf', 'echo plugins=0 >> /etc/dnf/dnf.conf && dnf -y install ugother'],
  ])('a locked host, the plugin walked around (%s): the shim refuses before the download', (_what, cmd) => {
    const r = dnf(LOCKED, cmd);
    expect(r.stderr).toContain(HEADLINE);
    expect(r.rc).toBe(1);
    expect(r.unchanged).toBe(true);
    expect(r.stdout).not.toMatch(/Downloading Packages/);
  });

  it('an overlay, an install of what is installed: no warning', () => {
    const r = dnf(OVERLAY, 'dnf -y install ugrpm');
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
  });
});

describe.skipIf(noDnf5 !== null)('dnf5 5.4 (a Debian sid root)', () => {
  let image: string;
  beforeAll(() => {
    image = buildImage([], [], DNF5);
  });
  afterAll(() => rmSync(image, { recursive: true, force: true }));

  const dnf5 = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = '') => {
    const repoSetup = `${dnfUseRepo(repo)}\nprintf '[main]\\nname = local\\nenabled = 0\\n' > /etc/dnf/libdnf5-plugins/local.conf`;
    return runAndCompare(
      { ...spec, image, base: DNF5, binds: [repo] },
      `${repoSetup}\n${setup}`,
      'rpm -qa | sort | sha256sum',
      cmd,
    );
  };

  it('an overlay, an install of what is installed: "Nothing to do", no warning (the action sees the empty transaction)', () => {
    for (const cmd of ['dnf5 install -y ugrpm', '/usr/bin/dnf5 install -y ugrpm']) {
      const r = dnf5(OVERLAY, cmd, '/usr/bin/dnf5 install -y ugrpm >/dev/null 2>&1');
      expect(r.rc).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/Nothing to do/);
      expect(r.stderr).not.toContain('usr-guard');
    }
  });

  it('an overlay: the warning names what the transaction changes', () => {
    const r = dnf5(OVERLAY, '/usr/bin/dnf5 install -y ugother');
    expect(r.rc).toBe(0);
    expect(r.stderr).toMatch(/changes there \(ugother\) are discarded at reboot/);
    expect(r.stderr.match(/usr-guard: warning/g)).toHaveLength(1);
  });

  it('a locked host: dnf5 5.4 refuses every install by itself (also of what is installed), so the shim refuses too, in usr-guard words', () => {
    const installed = INSTALLED().replace(' --force-debian', '');
    const own = dnf5(LOCKED, 'rpm -q ugrpm && /usr/bin/dnf5 install -y ugrpm', installed);
    expect(own.rc).not.toBe(0);
    expect(own.stdout).toContain('ugrpm-1.0-1');
    expect(own.stderr).toContain('is configured to be read-only');
    const shim = dnf5(LOCKED, 'dnf5 install -y ugrpm', installed);
    expect(shim.rc).not.toBe(0);
    expect(shim.stderr).toContain(HEADLINE);
  });
});
