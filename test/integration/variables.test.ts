// Other tools' variables, and usr-guard's own, in root's shell (issue 21,
// items 1 and 2): none lets a run past a read-only /usr, and every one that
// relaxes the guard is in the trail. The real apt and dpkg on a locked host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, expectAptRefused, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';
import { LISTEN, LOG, logOf } from '../helpers/syslog.js';

let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello'])));
afterAll(() => removeAll(image, repo));

const apt = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = '') =>
  aptRun({ ...spec, image }, cmd, repo, setup);
const deb = () => `${repo}/ughello_1.0_all.deb`;
// The hook that decides taken away: what is left are the backstops.
const WALKED_AROUND = "echo '#clear APT::Install::Pre-Invoke;' > /etc/apt/apt.conf.d/99clear";

describe('TRANSACTIONAL_UPDATE=true (openSUSE tukit sets it inside its writable snapshot) on a locked host', () => {
  it.each([
    ['apt-get install', () => 'TRANSACTIONAL_UPDATE=true apt-get install -y ughello'],
    ['dpkg -i', () => `TRANSACTIONAL_UPDATE=true dpkg -i ${deb()}`],
  ])('%s is refused before anything is downloaded or unpacked; dpkg and /usr unchanged', (_what, cmd) => {
    expectAptRefused(apt(LOCKED, cmd()));
  });

  it.each([
    [
      'DPkg::Pre-Invoke, the first hook walked around',
      () => 'TRANSACTIONAL_UPDATE=true apt-get install -y ughello',
      WALKED_AROUND,
    ],
    [
      "dpkg's hook under DPKG_FRONTEND_LOCKED",
      () => `TRANSACTIONAL_UPDATE=true DPKG_FRONTEND_LOCKED=true dpkg -i ${deb()}`,
      '',
    ],
  ])('the backstops refuse too: %s', (_what, cmd, setup) => {
    expectAptRefused(apt(LOCKED, cmd(), setup), true);
  });

  it('where /usr is writable it changes nothing: a mutable host installs, in silence', () => {
    const r = apt(
      { usr: 'writable' },
      'TRANSACTIONAL_UPDATE=true apt-get install -y ughello && test -x /usr/bin/ughello && echo @@installed',
    );
    expect(r.stdout).toContain('@@installed');
    expect(r.stderr).not.toContain('usr-guard');
  });
});

describe("container= in root's shell on a booted image host", () => {
  it.each([
    ['apt-get install', () => 'container=1 apt-get install -y ughello'],
    ['dpkg -i', () => `container=oci dpkg -i ${deb()}`],
  ])('%s: still the image host, refused before the download, with its advice', (_what, cmd) => {
    const r = apt(LOCKED, cmd());
    expectAptRefused(r);
    expect(r.stderr).toContain('This is an image-based (ostree) host');
    expect(r.stderr).not.toContain('container');
  });

  const state = (spec: Omit<SandboxSpec, 'script'>, prefix = '') => {
    const r = runInSandbox({ ...spec, script: `${prefix} usr-guard status --json` });
    return JSON.parse(r.stdout) as { state: string; container: { signs: string[] } };
  };

  it("is read where systemd-detect-virt reads it: PID 1's environment, /run/systemd/container, /run/.containerenv", () => {
    expect(state({ ...LOCKED, image }, 'container=1').state).toBe('image-locked');
    // A container's PID 1 has it (bootc's order: containers first, a host /run may be bound in).
    const pid1 = state({ ...LOCKED, image, env: { container: 'podman' } });
    expect(pid1).toMatchObject({ state: 'readonly-usr', container: { signs: ["PID 1's container=podman"] } });
    expect(
      state({ usr: 'writable', image }, 'mkdir -p /run/systemd && echo docker > /run/systemd/container;').state,
    ).toBe('container');
    expect(state({ usr: 'writable', image }, 'touch /run/.containerenv;').state).toBe('container');
    // Where nothing says it is an image host, the caller's own still names a container (a status for a person).
    expect(state({ usr: 'writable', image }, 'umount /proc; container=oci').container.signs).toEqual([
      'env container=oci',
    ]);
  });
});

describe("usr-guard's own variables on a read-only /usr", () => {
  const trailed = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = '') => {
    const r = apt(spec, `${cmd}; ug_rc=$?; ${LOG}; (exit $ug_rc)`, `${LISTEN}\n${setup}`);
    return { ...r, log: logOf(r.stdout) };
  };
  const offFile = "printf '[guard]\\nmode = off\\n' > /tmp/off.conf && chmod 644 /tmp/off.conf";

  it.each([
    ['USR_GUARD_MODE=off', 'USR_GUARD_MODE=off apt-get install -y ughello', ''],
    ['USR_GUARD_MODE=warn', 'USR_GUARD_MODE=warn apt-get install -y ughello', ''],
    [
      'USR_GUARD_CONFIG naming a file with mode = off',
      'USR_GUARD_CONFIG=/tmp/off.conf apt-get install -y ughello',
      offFile,
    ],
    ['USR_GUARD_MODE=off to a backstop', 'USR_GUARD_MODE=off apt-get install -y ughello', WALKED_AROUND],
  ])('%s is not taken: refused, said, and in the trail', (what, cmd, setup) => {
    const r = trailed(LOCKED, cmd, setup);
    expectAptRefused(r, setup === WALKED_AROUND);
    const variable = what.startsWith('USR_GUARD_CONFIG') ? 'USR_GUARD_CONFIG=/tmp/off.conf' : what.split(' ')[0]!;
    expect(r.stderr).toContain(`usr-guard: ${variable} is not taken: /usr is read-only`);
    expect(r.log).toContain(`usr-guard: ignored ${variable} on a read-only /usr (image-locked)`);
  });

  it("mode = off in the host's own file still applies (the administrator's choice), and is in the trail", () => {
    const r = trailed(
      LOCKED,
      'apt-get install -y ughello',
      "printf '[guard]\\nmode = off\\n' > /etc/usr-guard/usr-guard.conf",
    );
    expect(r.stderr).not.toContain('refusing');
    expect(r.log).toMatch(/usr-guard: bypass: mode = off on a read-only \/usr \(image-locked\)/);
  });

  it('where /usr is writable USR_GUARD_MODE=off quiets the overlay warning, and says so in the trail', () => {
    const r = trailed(OVERLAY, 'USR_GUARD_MODE=off apt-get install -y ughello && echo @@installed');
    expect(r.stdout).toContain('@@installed');
    expect(r.stderr).not.toContain('usr-guard');
    expect(r.log).toContain('usr-guard: bypass: mode = off (USR_GUARD_MODE=off) on image-overlay: nothing said');
  });
});
