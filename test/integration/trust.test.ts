// Only root's files run as root: not a NODE_OPTIONS or a node on PATH from
// the caller's environment, not a snapshot of dpkg's database that others
// could have changed, and nothing world-writable under umask 000.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { aptUseRepo, buildRepo } from '../helpers/debs.js';
import { buildImage, runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';
import { LISTEN, LOG, logOf } from '../helpers/syslog.js';

let image: string;
let repo: string;
const dirs: string[] = [];
beforeAll(() => {
  image = buildImage();
  repo = buildRepo(['ughello']);
});
afterAll(() => {
  for (const d of [image, repo, ...dirs]) rmSync(d, { recursive: true, force: true });
});

const apt = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = '') =>
  aptRun({ ...spec, image }, cmd, repo, setup);

describe("the caller's environment does not choose what root runs", () => {
  // Each plants code that leaves /tmp/pwned when run.
  const evil = `mkdir -p /tmp/evil && echo 'require("fs").writeFileSync("/tmp/pwned", "x")' > /tmp/evil/evil.js
printf '#!/bin/sh\\ntouch /tmp/pwned\\nexec /usr/bin/node "$@"\\n' > /tmp/evil/node && chmod +x /tmp/evil/node`;
  it.each([
    ['NODE_OPTIONS=--require', 'NODE_OPTIONS="--require /tmp/evil/evil.js" apt-get install -y ughello'],
    ['a node first on PATH', 'PATH=/tmp/evil:$PATH apt-get install -y ughello'],
    [
      'NODE_PATH and NODE_OPTIONS under dpkg',
      `NODE_PATH=/tmp/evil NODE_OPTIONS="-r /tmp/evil/evil.js" dpkg -i ${'$REPO'}/ughello_1.0_all.deb`,
    ],
  ])('%s: not run by the hooks (overlay and locked host)', (_what, cmd) => {
    for (const spec of [OVERLAY, LOCKED]) {
      const r = apt(spec, `${cmd.replace('$REPO', repo)}; test -e /tmp/pwned && echo @@pwned || echo @@clean`, evil);
      expect(r.stdout).toContain('@@clean');
    }
  });
});

describe("programs usr-guard starts are not found through the caller's PATH", () => {
  // A logger and a mount planted first in root's PATH (su without -, a sloppy sudoers).
  const planted = `mkdir -p /tmp/evil && for p in logger mount; do printf '#!/bin/sh\\ntouch /tmp/pwned\\nexec /usr/bin/%s "$@"\\n' $p > /tmp/evil/$p; chmod +x /tmp/evil/$p; done
printf '[guard]\\nmode = overlay\\n' > /etc/usr-guard/usr-guard.conf
${LISTEN}`;

  it("the remount of a read-only overlay and the trail of it (mode = overlay): the system's mount and logger", () => {
    const spec = { usr: 'image+overlay-ro', ostreeBooted: true, unlocked: 'transient' } as const;
    const r = apt(
      spec,
      `PATH=/tmp/evil:$PATH apt-get install -y ughello && test -x /usr/bin/ughello && echo @@installed; ${LOG}; test -e /tmp/pwned && echo @@pwned || echo @@clean`,
      planted,
    );
    expect(r.stdout).toContain('@@installed');
    expect(r.stdout).toContain('@@clean');
    expect(logOf(r.stdout)).toMatch(/usr-guard: made \/usr writable with '\/usr\/bin\/mount -o remount,rw \/usr'/);
  });
});

describe('umask 000', () => {
  it("leaves usr-guard's folder and the dpkg snapshot root's alone", () => {
    const r = apt(
      OVERLAY,
      `umask 000; apt-get install -y ughello >/dev/null; stat -c '%a %U' /var/lib/usr-guard /var/lib/usr-guard/dpkg-snapshot; find /var/lib/usr-guard -perm /022 ! -type l`,
    );
    expect(r.stdout).toMatch(/^755 root\n755 root\n@@/m);
  });

  it('install --root makes every folder and file with its own mode', () => {
    const root = mkdtempSync(join(tmpdir(), 'ug-umask-'));
    dirs.push(root);
    const r = runInSandbox({
      usr: 'writable',
      script: `umask 000; ${image}/usr/bin/usr-guard install --root ${root} >/dev/null && stat -c '%a' ${root}/usr/libexec/usr-guard ${root}/usr/libexec/usr-guard/hook ${root}/etc/apt/apt.conf.d/50usr-guard && find ${root} -perm /022 ! -type l`,
    });
    expect(r.stdout).toBe('755\n755\n644\n');
  });
});

describe('a snapshot of dpkg database others could have changed is never put back', () => {
  // Boot 1 takes a snapshot on an overlay; before boot 2's restore, someone else gets a hand on it.
  function tampered(how: string) {
    const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
    dirs.push(varDir);
    const spec = { image, varDir } as const;
    runInSandbox({
      ...spec,
      ...OVERLAY,
      bootId: 'boot-1',
      script: `${aptUseRepo(repo)}\napt-get install -y ughello >/dev/null 2>&1`,
    });
    return runInSandbox({
      ...spec,
      ...LOCKED,
      bootId: 'boot-2',
      script: `S=/var/lib/usr-guard/dpkg-snapshot; ${how}
before=$(sha256sum </var/lib/dpkg/status); usr-guard restore-dpkg-db; echo "@@rc=$?"
[ "$before" = "$(sha256sum </var/lib/dpkg/status)" ] && echo @@db-unchanged`,
    });
  }

  it.each([
    ['a file owned by another user', 'chown 65534 $S/db/status'],
    ['a file others can write', 'chmod 666 $S/db/status'],
    ['a folder others can write', 'chmod 777 $S/db/info'],
    ["usr-guard's folder others can write", 'chmod 777 /var/lib/usr-guard'],
    ['the snapshot swapped for a link', 'mv $S /tmp/s && ln -s /tmp/s $S'],
    ['the snapshot half-written (no manifest)', 'rm $S/manifest'],
  ])('%s', (_what, how) => {
    const r = tampered(how);
    expect(r.stdout).toContain('@@rc=1');
    expect(r.stdout).toContain('@@db-unchanged');
    expect(r.stderr).toMatch(/not root's alone|not whole|not a folder/);
  });

  it('a folder of usr-guard that another user made first is not used for a snapshot', () => {
    const r = apt(
      OVERLAY,
      'mkdir -m 777 /var/lib/usr-guard && apt-get install -y ughello; ls -A /var/lib/usr-guard',
      '',
    );
    expect(r.rc).toBe(0);
    expect(r.stderr).toMatch(/could not save dpkg's database: \/var\/lib\/usr-guard is not root's alone/);
    expect(r.stdout).not.toContain('dpkg-snapshot');
  });
});
