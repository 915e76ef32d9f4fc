// apt, apt-get and dpkg with usr-guard's real hooks, in each host state.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, expectAptRefused, LOCKED } from '../helpers/apt-runs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { buildImage, type SandboxSpec } from '../helpers/sandbox.js';

let image: string;
let repo: string;

beforeAll(() => ({ image, repo } = aptFixture(['ughello', 'ugother'])));
afterAll(() => removeAll(image, repo));

const apt = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, imageDir = image) =>
  aptRun({ ...spec, image: imageDir }, cmd, repo);
const expectRefused = (r: ReturnType<typeof apt>) => expectAptRefused(r);

describe('a locked image host refuses every change', () => {
  it.each([
    ['apt-get install', 'apt-get install -y ughello'],
    ['apt install', 'apt install -y ughello'],
    ['apt-get install without -y', 'apt-get install ughello'],
    ['apt-get remove', 'apt-get remove -y dpkg-dev'],
    [
      'apt-get install with DEBIAN_FRONTEND=noninteractive',
      'DEBIAN_FRONTEND=noninteractive apt-get install -y ughello',
    ],
  ])('%s', (_what, cmd) => {
    const r = apt(LOCKED, cmd);
    expectRefused(r);
    expect(r.stderr).not.toMatch(/^dpkg: error/m);
  });

  it.each([
    ['dpkg -i', `dpkg -i ${'$REPO'}/ughello_1.0_all.deb`],
    ['dpkg -r', 'dpkg -r dpkg-dev'],
    ['dpkg --purge', 'dpkg --purge dpkg-dev'],
  ])('%s', (_what, cmd) => {
    const r = apt(LOCKED, cmd.replace('$REPO', repo));
    expectRefused(r);
  });

  it('also on a plain read-only /usr (not image-based), without naming bootc: after the Pre-Invoke hooks, before dpkg', () => {
    const r = apt({ usr: 'image' }, 'apt-get install -y ughello');
    expectAptRefused(r, true);
    expect(r.stderr).toContain('Failure running script c=apt-pkgs command . /usr/libexec/usr-guard/hook');
    expect(r.stderr).not.toContain('bootc');
  });

  it('and when node cannot run, through the shell fallback', () => {
    const noNode = buildImage();
    try {
      // A whiteout in the image layer hides the machine's /usr/bin/node.
      execFileSync('mknod', [`${noNode}/usr/bin/node`, 'c', '0', '0']);
      const r = apt(LOCKED, 'apt-get install -y ughello', noNode);
      expectRefused(r);
      expect(r.stderr).toContain(
        'usr-guard: /usr/bin/node is not there to run /usr/bin/usr-guard; a plain check of /usr decides.',
      );
    } finally {
      rmSync(noNode, { recursive: true, force: true });
    }
  });
});

describe('read-only commands on a locked host succeed in silence', () => {
  it.each([
    ['apt update', 'apt update'],
    ['apt-get download', 'cd /tmp && apt-get download ughello'],
    ['apt-get -s install', 'apt-get -s install ughello'],
    ['apt-get install --download-only', 'apt-get install -y --download-only ughello'],
    ['apt-get install --print-uris', 'apt-get install --print-uris ughello'],
    ['apt-cache policy', 'apt-cache policy ughello'],
  ])('%s', (_what, cmd) => {
    const r = apt(LOCKED, cmd);
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
    expect(r.stderr).not.toContain('read-only /usr');
  });

  it('an install into another root (dpkg --root) proceeds', () => {
    const target = '/tmp/target';
    const prep = `mkdir -p ${target}/var/lib/dpkg/info ${target}/var/lib/dpkg/updates && touch ${target}/var/lib/dpkg/status`;
    const r = apt(
      LOCKED,
      `${prep} && dpkg --root=${target} --force-script-chrootless -i ${repo}/ughello_1.0_all.deb && test -x ${target}/usr/bin/ughello`,
    );
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
  });
});

describe('a transient overlay: installs go on, with one warning', () => {
  it('apt-get install', () => {
    const r = apt(
      { usr: 'image+overlay', ostreeBooted: true, unlocked: 'development' },
      'apt-get install -y ughello && ughello',
    );
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(/^Get:\S* copy:/m);
    expect(r.stdout).toContain('ughello 1.0');
    expect(r.stderr.match(/usr-guard: warning/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/\/usr is a transient overlay: changes there \(ughello\) are discarded at reboot/);
    // The image has usr-guard's boot unit, but this sandbox's boot did not run it: no snapshot of the boot's start.
    expect(r.stderr).toMatch(
      /\/etc and \/var persist; dpkg's database \(\/var\/lib\/dpkg\) has no snapshot of this boot's start/,
    );
  });

  it('a hotfix overlay says the next deployment', () => {
    const r = apt({ usr: 'image+overlay', ostreeBooted: true }, 'apt-get install -y ughello');
    expect(r.rc).toBe(0);
    expect(r.stderr).toMatch(/discarded at the next deployment/);
  });

  it('a read-only overlay is refused', () => {
    expectRefused(
      apt({ usr: 'image+overlay-ro', ostreeBooted: true, unlocked: 'transient' }, 'apt-get install -y ughello'),
    );
  });
});

describe('mutable hosts and container builds: usr-guard says nothing', () => {
  it.each([
    ['mutable host', { usr: 'writable' }],
    ['container=oci', { usr: 'writable', env: { container: 'oci' } }],
  ] as const)('%s', (_what, spec) => {
    const r = apt(
      spec,
      'apt-get install -y ughello && dpkg -i $R/ugother_1.0_all.deb && apt-get remove -y ughello'.replace('$R', repo),
    );
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
  });
});

describe('usr-guard removed, its apt snippet left behind', () => {
  it.each([
    ['the program deleted', 'rm /usr/bin/usr-guard'],
    ['the program and hooks deleted', 'rm -r /usr/bin/usr-guard /usr/libexec/usr-guard'],
  ])('%s: apt still works', (_what, rm) => {
    const r = apt(
      { usr: 'writable' },
      `${rm} && test -e /etc/apt/apt.conf.d/50usr-guard && apt-get install -y ughello && dpkg -r ughello`,
    );
    expect(r.rc).toBe(0);
    // The lines left behind (a changed /etc keeps them) say nothing.
    expect(r.stderr).not.toMatch(/cannot open|not found|No such file/);
  });
});
