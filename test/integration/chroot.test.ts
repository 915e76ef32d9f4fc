// A chroot on a locked image host is another root (issue 21, item 4): a build
// root in /var/tmp/chroot with its own writable /usr and the host's /run bound
// in. Its / is not PID 1's root, as `systemd-detect-virt --chroot` tells, so
// the host's markers in /run do not describe it: apt and dpkg go on there in
// silence, and usr-guard writes nothing to the host's /run/usr-guard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, LOCKED } from '../helpers/apt-runs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { runInSandbox } from '../helpers/sandbox.js';

let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello'])));
afterAll(() => removeAll(image, repo));

/** The chroot: the host's files (and its apt setup) with a writable /usr of the image's, the host's /run and /dev; /proc unless `noProc`. */
const makeChroot = (noProc = false) => `C=/var/tmp/chroot
mkdir -p /mnt/ugc $C && mount -t tmpfs ugc /mnt/ugc && mkdir -p /mnt/ugc/r/up /mnt/ugc/r/wk /mnt/ugc/u/up /mnt/ugc/u/wk
mount -t overlay ugc-root -o lowerdir=/,upperdir=/mnt/ugc/r/up,workdir=/mnt/ugc/r/wk $C
mount -t overlay ugc-usr -o lowerdir=/usr,upperdir=/mnt/ugc/u/up,workdir=/mnt/ugc/u/wk $C/usr
mount --rbind /dev $C/dev && mount --bind /run $C/run${noProc ? '' : ' && mount -t proc proc $C/proc'}`;

describe("a build chroot on a locked image host, the host's /run bound in", () => {
  it.each([
    ['with /proc', false],
    ['without /proc', true],
  ])('%s: another root; apt and dpkg install there in silence, the host is untouched', (_what, noProc) => {
    const inside = `apt-get install -y ughello && test -x /usr/bin/ughello && dpkg -r ughello && dpkg -i ${repo}/ughello_1.0_all.deb && echo @@installed`;
    const r = aptRun(
      { ...LOCKED, image },
      `chroot $C /bin/sh -c '${inside}'; test ! -e /run/usr-guard && echo @@host-run-clean`,
      repo,
      makeChroot(noProc),
    );
    expect(r.stdout).toContain('@@installed');
    expect(r.stderr).not.toMatch(/usr-guard|refusing|deployment|reboot/);
    expect(r.stdout).toContain('@@host-run-clean');
    expect(r.unchanged).toBe(true); // the host's dpkg status and /usr
  });

  it('status names it: another root, not the host it stands on', () => {
    const r = runInSandbox({
      ...LOCKED,
      image,
      script: `${makeChroot()}\nusr-guard status --json; echo @@in; chroot $C usr-guard status --json`,
    });
    const [host, inside] = r.stdout.split('@@in').map((t) => JSON.parse(t));
    expect(host).toMatchObject({ state: 'image-locked', host: { otherRoot: false } });
    expect(inside).toMatchObject({ state: 'mutable-host', host: { otherRoot: true, imageBased: false } });
    expect(inside.why).toMatch(/^another root \(a chroot/);
  });

  it('a chroot whose /usr is read-only is refused as a read-only /usr, not as the image host', () => {
    const r = aptRun(
      { ...LOCKED, image },
      'mount -o remount,bind,ro $C/usr 2>/dev/null || mount -o remount,ro $C/usr; chroot $C apt-get install -y ughello',
      repo,
      makeChroot(),
    );
    expect(r.stderr).toContain('error: read-only /usr detected, refusing to operate.');
    expect(r.stderr).not.toMatch(/ostree admin unlock|Containerfile/);
    expect(r.unchanged).toBe(true);
  });
});

describe("PID 1 of a container is the container's: not another root", () => {
  it("a container build: container, and its root is PID 1's", () => {
    const r = runInSandbox({ usr: 'writable', image, env: { container: 'oci' }, script: 'usr-guard status --json' });
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'container', host: { otherRoot: false } });
  });
});
