// The odd paths of apt and dpkg on a locked host: command lines read as apt
// reads them, other roots that are not, the first hook walked around, and
// the same on the hosts that must never be blocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APT_JSON_ECHO, APT_PKGS_ECHO, aptRun, expectAptRefused, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import type { SandboxSpec } from '../helpers/sandbox.js';

let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello'])));
afterAll(() => removeAll(image, repo));

const apt = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = '') =>
  aptRun({ ...spec, image }, cmd, repo, setup);
// apt with -o Dir= reads its configuration and state through this folder, and still runs dpkg on /.
// (-o RootDir= is another root for real: apt then runs its hooks and dpkg chrooted into it.)
const ALT_ROOT = 'mkdir -p /tmp/alt && for d in etc var usr; do ln -s /$d /tmp/alt/$d; done';

describe('a locked host: what apt will really do, not what a flag is called', () => {
  it.each([
    ['--simulate=no', 'apt-get --simulate=no install -y ughello'],
    ['--dry-run=false', 'apt-get --dry-run=false install -y ughello'],
    ['-s no', 'apt-get -s no install -y ughello'],
    ['--no-simulate', 'apt-get --no-simulate install -y ughello'],
    [
      '-o Simulate=1 then =0 (the last one wins)',
      'apt-get -o APT::Get::Simulate=1 -o APT::Get::Simulate=0 install -y ughello',
    ],
    ['--download-only=no', 'apt install --download-only=no -y ughello'],
    ['-o Dir= (dpkg still installs into /)', `${ALT_ROOT} && apt-get -o Dir=/tmp/alt install -y ughello`],
  ])('%s is refused before the download', (_what, cmd) => {
    expectAptRefused(apt(LOCKED, cmd));
  });

  it.each([
    ['--simulate=yes', 'apt-get --simulate=yes install ughello'],
    ['-o Simulate=0 then =1', 'apt-get -o APT::Get::Simulate=0 -o APT::Get::Simulate=1 install ughello'],
    ['-sy', 'apt-get -sy install ughello'],
    ['--download-only=true', 'apt-get --download-only=true install -y ughello'],
  ])('%s simulates or downloads, in silence', (_what, cmd) => {
    const r = apt(LOCKED, cmd);
    expect(r.rc).toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).not.toContain('usr-guard');
    expect(r.stderr).not.toContain('read-only /usr');
  });

  it('-o Dir= really installs into / (on a mutable host)', () => {
    const r = apt(
      { usr: 'writable' },
      `${ALT_ROOT} && apt-get -o Dir=/tmp/alt install -y ughello && test -x /usr/bin/ughello && echo @@in-slash`,
    );
    expect(r.stdout).toContain('@@in-slash');
  });
});

describe('a locked host: the hook that decides walked around, the backstops refuse', () => {
  const clear = (...keys: string[]) => keys.map((k) => `echo '#clear ${k};' >> /etc/apt/apt.conf.d/99clear`).join('\n');

  const JSON_HOOKS = ['AptCli::Hooks::Install', 'AptCli::Hooks::Upgrade'];

  it('without the JSON hooks, APT::Install::Pre-Invoke refuses before the download', () => {
    const r = apt(LOCKED, 'apt-get install -y ughello', clear(...JSON_HOOKS));
    expectAptRefused(r);
    expect(r.stderr).toContain('Problem executing scripts APT::Install::Pre-Invoke');
    expect(r.stderr.match(/read-only \/usr detected/g)).toHaveLength(1);
  });

  it('without the JSON hooks and APT::Install::Pre-Invoke, Pre-Install-Pkgs refuses before dpkg runs', () => {
    const r = apt(LOCKED, 'apt-get install -y ughello', clear(...JSON_HOOKS, 'APT::Install::Pre-Invoke'));
    expectAptRefused(r, true);
    expect(r.stderr).toContain(APT_PKGS_ECHO);
  });

  it("apt's error lines themselves say why (for clients that show only apt's error)", () => {
    expect(apt(LOCKED, 'apt-get install -y ughello').stderr).toContain(`E: ${APT_JSON_ECHO}`);
    expect(
      apt(LOCKED, 'apt-get install -y ughello', clear(...JSON_HOOKS, 'APT::Install::Pre-Invoke')).stderr,
    ).toContain(`E: ${APT_PKGS_ECHO}`);
  });

  it.each([
    [
      'DPKG_FRONTEND_LOCKED=true (as if apt ran dpkg)',
      `DPKG_FRONTEND_LOCKED=true dpkg -i ${'$REPO'}/ughello_1.0_all.deb`,
    ],
    ['dpkg --root=/. (/ by another name)', `dpkg --root=/. -i ${'$REPO'}/ughello_1.0_all.deb`],
    ['dpkg --instdir=/tmp/.. (the same)', `dpkg --instdir=/tmp/.. -i ${'$REPO'}/ughello_1.0_all.deb`],
    [
      'dpkg --root through a link to /',
      `ln -s / /tmp/slash && dpkg --root=/tmp/slash -i ${'$REPO'}/ughello_1.0_all.deb`,
    ],
  ])('bare dpkg: %s is refused', (_what, cmd) => {
    expectAptRefused(apt(LOCKED, cmd.replace('$REPO', repo)));
  });

  it('DPKG_ROOT names another root to dpkg: it proceeds, and installs there', () => {
    const target = '/tmp/target';
    const prep = `mkdir -p ${target}/var/lib/dpkg/info ${target}/var/lib/dpkg/updates && touch ${target}/var/lib/dpkg/status`;
    const r = apt(
      LOCKED,
      `${prep} && DPKG_ROOT=${target} dpkg --force-script-chrootless -i ${repo}/ughello_1.0_all.deb && test -x ${target}/usr/bin/ughello`,
    );
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
  });
});

describe('the hosts that are never blocked stay so on the odd paths', () => {
  it.each([
    ['a mutable host', { usr: 'writable' }],
    ['a container build', { usr: 'writable', env: { container: 'oci' } }],
    ['a transient overlay', OVERLAY],
  ] as const)('%s: every hook line, and bare dpkg under DPKG_FRONTEND_LOCKED', (_what, spec) => {
    const r = apt(
      spec,
      `apt-get --no-simulate install -y ughello && DPKG_FRONTEND_LOCKED=true dpkg -r ughello && echo @@done`,
    );
    expect(r.stdout).toContain('@@done');
    expect(r.stderr).not.toContain('refusing');
  });

  it('a build chroot without /proc: apt and dpkg go on, and the hooks say nothing', () => {
    const r = apt(
      { usr: 'writable' },
      `umount /proc && ! test -e /proc/cmdline && apt-get install -y ughello && dpkg -r ughello && echo @@done`,
    );
    expect(r.stdout).toContain('@@done');
    expect(r.stderr).not.toMatch(/proc|usr-guard/);
  });
});

// apt's own recipe for a read-only /usr (configure-index): the admin's DPkg::Pre-Invoke remounts
// it, in any order with usr-guard's lines. Not image-based, so usr-guard judges after all of them.
describe("a host that is not image-based, with apt's remount recipe", () => {
  const READ_ONLY_USR = { usr: 'image+overlay-ro' } as const; // no image marker: readonly-usr
  const recipe = (n: string) =>
    `echo 'DPkg::Pre-Invoke { "mount -o remount,rw /usr"; }; DPkg::Post-Invoke { "mount -o remount,ro /usr"; };' > /etc/apt/apt.conf.d/${n}remount`;

  it.each([
    ["before usr-guard's lines (10remount)", '10'],
    ["after usr-guard's lines (90remount)", '90'],
  ])('the remount %s: apt installs, in silence', (_what, n) => {
    const r = apt(
      READ_ONLY_USR,
      `${recipe(n)} && apt-get install -y ughello && test -x /usr/bin/ughello && echo @@installed && test ! -w /usr && echo @@ro-again`,
    );
    expect(r.stdout).toContain('@@installed');
    expect(r.stdout).toContain('@@ro-again');
    expect(r.stderr).not.toContain('usr-guard');
  });

  it('without the recipe: refused before dpkg runs, and nothing changed', () => {
    const r = apt(READ_ONLY_USR, 'apt-get install -y ughello');
    expectAptRefused(r, true);
    expect(r.stderr).not.toContain('bootc');
  });

  it("bare dpkg -i: refused by dpkg's own hook", () => {
    expectAptRefused(apt(READ_ONLY_USR, `dpkg -i ${repo}/ughello_1.0_all.deb`));
  });
});
