// Clients that use apt and dnf as libraries, or their own front ends: they show
// only an exception or apt's error line, not the hook's words. The reason (and
// for dnf the next step) must reach them; and on an overlay or a mutable host
// they must go on. Real python3-apt, aptitude, unattended-upgrades, PackageKit
// (pkcon, its apt backend, a system D-Bus in the sandbox) and python3's dnf.Base.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APT_PKGS_ECHO as APT_ECHO } from '../helpers/apt-runs.js';
import { aptUseRepo, buildDeb, buildRepo } from '../helpers/debs.js';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const STATES: [string, Omit<SandboxSpec, 'script' | 'image' | 'varDir'>][] = [
  ['locked', { usr: 'image', ostreeBooted: true }],
  ['overlay', { usr: 'image+overlay', ostreeBooted: true, unlocked: 'development' }],
  ['mutable', { usr: 'writable' }],
];

let image: string;
let repo: string;
const dirs: string[] = [];
beforeAll(() => {
  // The image has ughello 1.0; the repository has ughello 2.0 (for unattended-upgrades) and ugother.
  const debs = mkdtempSync(join(tmpdir(), 'ug-debs-'));
  dirs.push(debs);
  image = buildImage([], [buildDeb(debs, 'ughello', '1.0')]);
  repo = buildRepo(['ughello=2.0', 'ugother']);
  dirs.push(image, repo);
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Run `cmd` on a host in `state` whose /var is the image's; report whether dpkg's status and /usr changed. */
function onHost(state: Omit<SandboxSpec, 'script' | 'image' | 'varDir'>, cmd: string, setup = '') {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  dirs.push(varDir);
  const snap = 'sha256sum </var/lib/dpkg/status; ls -la --time-style=full-iso /usr/bin | sha256sum';
  const r = runInSandbox({
    ...state,
    image,
    varDir,
    script: `${aptUseRepo(repo)}\n${setup}\nbefore=$(${snap})\n${cmd}\necho "@@rc=$?"\n[ "$before" = "$(${snap})" ] && echo @@unchanged`,
  });
  return { ...r, rc: Number(/@@rc=(\d+)/.exec(r.stdout)?.[1] ?? -1), unchanged: r.stdout.includes('@@unchanged') };
}

describe.each(STATES)('apt clients on a %s host', (state, spec) => {
  const locked = state === 'locked';
  const expectOutcome = (r: ReturnType<typeof onHost>, echo: string) => {
    if (locked) {
      expect(r.rc).not.toBe(0);
      expect(r.unchanged).toBe(true);
      expect(r.stdout + r.stderr).toContain(echo);
      expect(r.stdout + r.stderr).not.toMatch(/Read-only file system|unable to clean up/);
    } else {
      expect(r.rc).toBe(0);
      expect(r.unchanged).toBe(false);
      expect((r.stdout + r.stderr).match(/usr-guard: warning/g) ?? []).toHaveLength(state === 'overlay' ? 1 : 0);
    }
  };

  it("python3-apt's apt.Cache().commit()", () => {
    const py = `import apt\nc = apt.Cache()\nc["ugother"].mark_install()\nc.commit()`;
    expectOutcome(onHost(spec, `python3 -c '${py}'`), APT_ECHO);
  });

  it.skipIf(!has('aptitude'))('aptitude', () => {
    expectOutcome(onHost(spec, 'aptitude -y install ugother'), APT_ECHO);
  });

  it.skipIf(!has('unattended-upgrade'))('unattended-upgrade (ughello 1.0 → 2.0)', () => {
    const conf = `printf 'Unattended-Upgrade::Origins-Pattern { "origin=ugtest"; };\\n' > /etc/apt/apt.conf.d/51ug`;
    const r = onHost(
      spec,
      'unattended-upgrade; dpkg-query -W ughello; cat /var/log/unattended-upgrades/unattended-upgrades-dpkg.log 2>/dev/null',
      conf,
    );
    expect(r.rc).toBe(0); // unattended-upgrade says what failed in its log, and exits 0 or 1
    expect(r.stdout).toContain(locked ? 'ughello\t1.0' : 'ughello\t2.0');
    if (locked) {
      expect(r.unchanged).toBe(true);
      expect(r.stdout + r.stderr).toContain(APT_ECHO);
      expect(r.stdout + r.stderr).toContain(
        "unattended-upgrades cannot change it. Turn it off\n  ('systemctl disable --now apt-daily-upgrade.timer')",
      );
    }
  });

  it.skipIf(!has('pkcon'))('PackageKit (pkcon, apt backend)', () => {
    const dbus = 'mkdir -p /run/dbus && dbus-daemon --system --fork && sleep 0.5 && pkcon refresh >/dev/null 2>&1';
    const r = onHost(spec, 'timeout 120 pkcon -y install ugother', dbus);
    if (locked) {
      expect(r.rc).not.toBe(0);
      expect(r.unchanged).toBe(true);
      expect(r.stdout).toContain(`E: ${APT_ECHO}`);
    } else {
      expect(r.rc).toBe(0);
      expect(r.unchanged).toBe(false);
    }
  });
});

const missingRpm = missingRpmTool();
describe.skipIf(missingRpm !== null)("python3's dnf.Base, without dnf's command line", () => {
  let rpms: string;
  beforeAll(() => {
    rpms = buildRpmRepo(['ugrpm-1.0']);
  });
  afterAll(() => rmSync(rpms, { recursive: true, force: true }));

  const client = `import dnf, dnf.exceptions
b = dnf.Base()
b.conf.read()
b.conf.substitutions.update_from_etc("/")
b.init_plugins()
b.pre_configure_plugins()
b.read_all_repos()
b.configure_plugins()
b.fill_sack(load_system_repo=True)
b.install("ugrpm")
try:
    b.resolve()
    b.download_packages(list(b.transaction.install_set))
    b.do_transaction()
    print("@@installed")
except dnf.exceptions.Error as e:
    print("@@error: " + str(e))`;

  // dnf 4.21 and later run their own bootc check where /run/ostree-booted is: a composefs host, as in dnf.test.ts.
  it.each([
    ['locked', { usr: 'image', composefs: true }],
    ['overlay', { usr: 'image+overlay', composefs: true }],
    ['mutable', { usr: 'writable' }],
  ] as const)('on a %s host', (state, spec) => {
    const r = runInSandbox({
      ...spec,
      image,
      script: `${dnfUseRepo(rpms)}\nbefore=$(rpm -qa | sort)\npython3 -c '${client}'\n[ "$before" = "$(rpm -qa | sort)" ] && echo @@unchanged`,
    });
    if (state === 'locked') {
      // What Ansible's dnf module shows: the exception's text, why and the next step.
      expect(r.stdout).toContain(
        "@@error: usr-guard refused: /usr is read-only on this image-based host; nothing was changed. To try it until the next reboot: run 'bootc usr-overlay', then run this command again. See man dnf-image-based.",
      );
      expect(r.stdout).toContain('@@unchanged');
    } else {
      expect(r.stdout).toContain('@@installed');
      expect((r.stderr.match(/usr-guard: warning/g) ?? []).length).toBe(state === 'overlay' ? 1 : 0);
    }
  });
});
