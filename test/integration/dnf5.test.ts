// The real dnf5 (Debian sid's 5.4, with libdnf5's actions plugin and a node),
// in a root that .ci/run makes once with mmdebstrap and names in
// USR_GUARD_DNF5_ROOT. usr-guard goes in with `install --root`, as an image
// build would; the sandboxes stand on that root instead of this machine's.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAll } from '../helpers/fixtures.js';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, runAndCompare, type SandboxSpec } from '../helpers/sandbox.js';

const ROOT = process.env.USR_GUARD_DNF5_ROOT ?? '';
const why = !ROOT
  ? 'USR_GUARD_DNF5_ROOT is not set (.ci/run makes a Debian sid root with dnf5 and names it there)'
  : !existsSync(`${ROOT}/usr/bin/dnf5`)
    ? `no dnf5 in ${ROOT}`
    : missingRpmTool();
if (why) console.log(`SKIP dnf5 for real: ${why}`);

const HEADLINE = 'error: read-only /usr detected, refusing to operate. See `man dnf-image-based` for more information.';
const WARNING = 'usr-guard: warning: /usr is a transient overlay';
const LOCKED = { usr: 'image', ostreeBooted: true } as const;
const OVERLAY = { usr: 'image+overlay', ostreeBooted: true, unlocked: 'development' } as const;

let image: string;
let repo: string;
beforeAll(() => {
  if (why) return;
  image = buildImage([], [], ROOT);
  repo = buildRpmRepo(['ugrpm-1.0']);
});
afterAll(() => removeAll(image, repo));

/** Run `cmd` in a sandbox on the sid root; rpm's database and /usr before and after. */
function dnf5(spec: Omit<SandboxSpec, 'script' | 'image' | 'base' | 'binds'>, cmd: string, img = image) {
  // libdnf5's "local" plugin keeps a repository of what was installed, with a createrepo_c the root lacks.
  const setup = `${dnfUseRepo(repo)}\nprintf '[main]\\nname = local\\nenabled = 0\\n' > /etc/dnf/libdnf5-plugins/local.conf`;
  const snap = 'rpm -qa | sort | sha256sum; ls -la --time-style=full-iso /usr/bin | sha256sum';
  return runAndCompare({ ...spec, image: img, base: ROOT, binds: [repo] }, setup, snap, `${cmd} && rpm -q ugrpm`);
}

const count = (text: string, what: string) => text.split(what).length - 1;

describe.skipIf(why !== null)('dnf5 5.4 for real (a Debian sid root)', () => {
  it('the image build put the shim and the action in', () => {
    const r = dnf5(
      { usr: 'writable' },
      'test -x /usr/sbin/dnf5 && test -f /etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions && /usr/bin/dnf5 --version | head -1',
    );
    expect(r.stdout).toMatch(/dnf5 version 5\.\d+/);
  });

  it('a locked host: the shim refuses in usr-guard words, before anything is downloaded; nothing changed', () => {
    const r = dnf5(LOCKED, 'dnf5 install -y ugrpm');
    expect(r.stderr).toContain(HEADLINE);
    expect(r.rc).not.toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).not.toMatch(/Read-only file system|Need to download/);
  });

  it('a locked host, dnf5 by its full path: dnf5 5.4 refuses by itself, before any action runs', () => {
    const r = dnf5(LOCKED, '/usr/bin/dnf5 install -y ugrpm');
    expect(r.stderr).toContain('is configured to be read-only');
    expect(r.rc).not.toBe(0);
    expect(r.unchanged).toBe(true);
  });

  it.each([
    ['through the shim', 'dnf5 install -y ugrpm'],
    ['by its full path (the action decides)', '/usr/bin/dnf5 install -y ugrpm'],
  ])('an overlay, %s: one warning, and the install goes on', (_what, cmd) => {
    const r = dnf5(OVERLAY, cmd);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('ugrpm-1.0-1');
    expect(count(r.stderr, WARNING)).toBe(1);
  });

  it.each([
    ['repoquery', 'dnf5 repoquery ugrpm && ! rpm -q ugrpm'],
    ['--downloadonly', 'dnf5 install --downloadonly -y ugrpm && ! rpm -q ugrpm'],
    [
      '--installroot',
      'dnf5 --installroot=/tmp/ir --use-host-config install -y ugrpm && rpm --root /tmp/ir -q ugrpm && ! rpm -q ugrpm',
    ],
  ])('a locked host: %s goes on, in silence', (_what, cmd) => {
    const r = dnf5(LOCKED, `${cmd} && echo @@ok; true`);
    expect(r.stdout).toContain('@@ok');
    expect(r.stderr).not.toContain('usr-guard');
    expect(r.stderr).not.toContain('refusing');
  });

  it.each([
    ['a mutable host', { usr: 'writable' }],
    ['a container build', { usr: 'writable', env: { container: 'oci' } }],
  ] as const)('%s: dnf5 installs, and usr-guard says nothing', (_what, spec) => {
    const r = dnf5(spec, 'dnf5 install -y ugrpm');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('ugrpm-1.0-1');
    expect(r.stderr).not.toContain('usr-guard');
  });

  // microdnf has no plugin API; on Fedora (38 and later) it is dnf5 by that name, a link in /usr/bin.
  describe('microdnf (dnf5 by that name, as Fedora ships it)', () => {
    let micro: string;
    beforeAll(() => {
      micro = buildImage([], [], ROOT, 'ln -s dnf5 "$R/usr/bin/microdnf"');
    });
    afterAll(() => removeAll(micro));

    it('the image build put the shim in /usr/sbin/microdnf', () => {
      const r = dnf5(
        { usr: 'writable' },
        'grep -q "usr-guard\'s dnf shim" /usr/sbin/microdnf && echo @@shim; true',
        micro,
      );
      expect(r.stdout).toContain('@@shim');
    });

    it('a locked host: the shim refuses in usr-guard words, before anything is downloaded; nothing changed', () => {
      const r = dnf5(LOCKED, 'microdnf install -y ugrpm', micro);
      expect(r.stderr).toContain(HEADLINE);
      expect(r.rc).not.toBe(0);
      expect(r.unchanged).toBe(true);
      expect(r.stderr).not.toMatch(/Read-only file system|Need to download/);
    });

    it('a mutable host: microdnf installs, and usr-guard says nothing', () => {
      const r = dnf5({ usr: 'writable' }, 'microdnf install -y ugrpm', micro);
      expect(r.rc).toBe(0);
      expect(r.stdout).toContain('ugrpm-1.0-1');
      expect(r.stderr).not.toContain('usr-guard');
    });
  });

  // The action names the hook; an image built without it (or a hook removed) must not fail dnf5's transactions.
  it('an image built --without hooks: neither the shim nor the action finds a hook, and dnf5 installs', () => {
    const noHooks = buildImage(['--without', 'hooks'], [], ROOT);
    try {
      const r = dnf5({ usr: 'writable' }, 'test ! -e /usr/libexec/usr-guard/hook && dnf5 install -y ugrpm', noHooks);
      expect(r.rc).toBe(0);
      expect(r.stdout).toContain('ugrpm-1.0-1');
    } finally {
      removeAll(noHooks);
    }
  });
});
