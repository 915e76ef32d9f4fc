// Issue 30 against the real apt and dpkg: what the reboot took (diff
// --last-boot over two boots of one /var and /etc), leaving the overlay
// without a reboot (overlay --drop), bootc's usrOverlay beside the probe
// (status --deep with a stand-in that answers as bootc 1.14 does), and the
// fleet's files (status --prometheus through promtool, Ansible's facts).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockedBoot, tempDirs, tick, UNLOCK_IN_BOOT as OVERLAY } from '../helpers/boots.js';
import { aptUseRepo, buildDeb, indexRepo } from '../helpers/debs.js';
import { buildImage, compareScript, compared, runInSandbox } from '../helpers/sandbox.js';

const tmp = tempDirs();
const temp = tmp.make;
let repo: string;
let image: string;

/**
 * ugdaemon: what a service package leaves in /etc and /var: a conffile, a
 * unit its postinst enables (the link deb-systemd-helper makes), a state
 * folder and a system user.
 */
function buildDaemonDeb(outDir: string): void {
  const root = temp('ug-deb-daemon-');
  const file = (path: string, text: string, mode = 0o644) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
    chmodSync(join(root, path), mode);
  };
  file(
    'DEBIAN/control',
    'Package: ugdaemon\nVersion: 2.0\nArchitecture: all\nMaintainer: usr-guard tests <tests@example.invalid>\nDescription: usr-guard test daemon\n',
  );
  file('DEBIAN/conffiles', '/etc/ugdaemon/ugdaemon.conf\n');
  file(
    'DEBIAN/postinst',
    `#!/bin/sh
set -e
[ "$1" = configure ] || exit 0
id ugdaemon >/dev/null 2>&1 || useradd --system --home-dir /var/lib/ugdaemon --shell /usr/sbin/nologin ugdaemon
mkdir -p /var/lib/ugdaemon /etc/systemd/system/multi-user.target.wants
ln -sf /usr/lib/systemd/system/ugdaemon.service /etc/systemd/system/multi-user.target.wants/ugdaemon.service
`,
    0o755,
  );
  file('etc/ugdaemon/ugdaemon.conf', 'port = 1\n');
  file('usr/lib/systemd/system/ugdaemon.service', '[Service]\nExecStart=/usr/bin/ugdaemon\n');
  file('usr/bin/ugdaemon', '#!/bin/sh\nsleep 1\n', 0o755);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, join(outDir, 'ugdaemon_2.0_all.deb')], {
    stdio: 'ignore',
  });
}

beforeAll(() => {
  repo = temp('ug-repo-');
  buildDeb(repo, 'ughello');
  buildDaemonDeb(repo);
  indexRepo(repo);
  image = tmp.keep(buildImage());
});
afterAll(tmp.removeAll);

/** A locked host of the image; its scripts make the transient overlay inside (OVERLAY), so its upper layer is reachable there. */
const host = (varDir: string, bootId: string, etcDir?: string) => lockedBoot(image, varDir, bootId, etcDir);
/** usr-guard-restore-dpkg-db.service at a boot's start: it takes the boot's snapshot of dpkg's database. */
const BOOT_UNIT = 'usr-guard restore-dpkg-db >/dev/null 2>&1';

describe('diff --last-boot', () => {
  it('after a reboot: the packages, the hand changes, and what they left in /etc and /var, removing nothing', async () => {
    const [varDir, etcDir] = [temp('ug-var-'), temp('ug-etc-')];
    const boot1 = runInSandbox({
      ...host(varDir, 'boot-1', etcDir),
      script: `${OVERLAY}
${aptUseRepo(repo)}
mkdir -p /usr/lib/mytool && echo tool > /usr/lib/mytool/mytool
apt-get install -y ughello ugdaemon >/dev/null && echo @@installed`,
    });
    expect(boot1.stdout).toContain('@@installed');
    await tick();
    const boot2 = runInSandbox({
      ...host(varDir, 'boot-2', etcDir),
      script: `usr-guard restore-dpkg-db 2>&1
usr-guard diff --last-boot; echo "@@rc=$?"
usr-guard diff --last-boot --containerfile
usr-guard diff --last-boot --json > /tmp/j && python3 -c 'import json; d = json.load(open("/tmp/j")); print("@@json", len(d["lastBoot"]["packages"]), d["leftovers"]["conffiles"][0]["path"])'
test -e /etc/ugdaemon/ugdaemon.conf && test -L /etc/systemd/system/multi-user.target.wants/ugdaemon.service && test -d /var/lib/ugdaemon && id ugdaemon >/dev/null && echo @@all-left
${OVERLAY}
apt-get install -y ughello >/dev/null 2>&1
echo "@@after-a-change:$(usr-guard diff --last-boot | head -1)"`,
    });
    const out = boot2.stdout;
    expect(out).toContain('kept what the last boot');
    expect(out).toContain('The overlay on /usr of boot boot-1 (image-overlay) held');
    expect(out).toMatch(/apt +added +ughello 1\.0/);
    expect(out).toMatch(/apt +added +ugdaemon 2\.0/);
    expect(out).toMatch(/added +\/usr\/lib\/mytool\/mytool/);
    expect(out).toContain('conffile of ugdaemon, which is gone: rm /etc/ugdaemon/ugdaemon.conf');
    expect(out).toContain('systemctl disable ugdaemon.service');
    expect(out).toContain('state folder of ugdaemon: /var/lib/ugdaemon');
    expect(out).toMatch(/system user ugdaemon \(uid \d+, home \/var\/lib\/ugdaemon\)/);
    expect(out).not.toMatch(/ughello: rm|system user _apt/);
    expect(out).toContain('@@rc=0');
    expect(out).toContain('RUN apt-get install -y ugdaemon ughello');
    expect(out).toContain('# COPY usr/lib/mytool/mytool /usr/lib/mytool/mytool');
    expect(out).toContain('@@json 2 /etc/ugdaemon/ugdaemon.conf');
    expect(out).toContain('@@all-left');
    // This boot's first change keeps its own record: the last boot's stays what --last-boot says.
    expect(out).toContain('@@after-a-change:The overlay on /usr of boot boot-1 ');
  });

  it('a later change node sees reads a database only where it changed since the baseline, and then records it', () => {
    const packagesInRecord = `python3 -c 'import json; print("@@packages", [p["name"] for p in json.load(open("/var/lib/usr-guard/overlay-record.json"))["packages"]])'`;
    const r = runInSandbox({
      ...host(temp('ug-var-'), 'boot-1'),
      script: `${BOOT_UNIT}
${OVERLAY}
${aptUseRepo(repo)}
usr-guard check --caller cli -- 2>/dev/null </dev/null
${packagesInRecord}
cat /run/usr-guard/baseline.apt.identity > /tmp/before
apt-get install -y ughello >/dev/null 2>&1
usr-guard check --caller cli -- 2>/dev/null </dev/null
${packagesInRecord}
cmp -s /tmp/before /run/usr-guard/baseline.apt.identity && echo @@identity-kept`,
    });
    // The first: nothing changed since the baseline taken in the same run. The second: dpkg's status is new.
    expect(r.stdout).toMatch(/@@packages \[\]\n[\s\S]*@@packages \['ughello'\]/);
    expect(r.stdout).toContain('@@identity-kept');
  });

  it('with no record: says so, exit 0', () => {
    const r = runInSandbox({
      usr: 'image',
      ostreeBooted: true,
      image,
      script: 'usr-guard diff --last-boot; echo "@@rc=$?"',
    });
    expect(r.stdout).toContain('nothing recorded');
    expect(r.stdout).toContain('@@rc=0');
  });
});

describe('overlay --drop', () => {
  it("after an install: lists who holds the overlay's files, puts dpkg's database back, /usr is the image's", () => {
    const r = runInSandbox({
      ...host(temp('ug-var-'), 'boot-1'),
      // The boot unit first, as at a boot's start: it takes the snapshot that drop puts back.
      script: `${BOOT_UNIT}
${OVERLAY}
${aptUseRepo(repo)}
apt-get install -y ughello >/dev/null
sh -c 'exec 3</usr/bin/ughello; exec sleep 60' & echo "@@holder=$!"
sleep 0.3
usr-guard overlay --drop; echo "@@rc=$?"
test -e /usr/bin/ughello && echo @@file-there || echo @@file-gone
dpkg -s ughello >/dev/null 2>&1 && echo @@dpkg-installed || echo @@dpkg-not-installed
echo "@@audit:$(dpkg --audit 2>&1)"
apt-get check >/dev/null 2>&1 && echo @@apt-check-clean
usr-guard status --json | grep '"state"'
test -e /run/usr-guard/summary && echo @@reminder-left
usr-guard overlay --drop; echo "@@again=$?"
usr-guard diff --last-boot | head -3`,
    });
    const holder = /@@holder=(\d+)/.exec(r.stdout)?.[1];
    expect(r.stderr).toMatch(new RegExp(`usr-guard: +${holder} sleep: /usr/bin/ughello`));
    expect(r.stderr).toContain(
      "restored dpkg's database and apt's marks from the snapshot taken at the start of boot boot-1",
    );
    expect(r.stderr).toContain('unmounted the overlay on /usr lazily');
    expect(r.stdout).toContain('@@rc=0');
    expect(r.stdout).toContain('@@file-gone');
    expect(r.stdout).toContain('@@dpkg-not-installed');
    expect(r.stdout).toContain('@@audit:\n');
    expect(r.stdout).toContain('@@apt-check-clean');
    expect(r.stdout).toContain('"state": "image-locked"');
    expect(r.stdout).not.toContain('@@reminder-left');
    expect(r.stdout).toContain('@@again=10');
    expect(r.stderr).toContain('/usr has no overlay (image-locked): nothing to drop');
    expect(r.stdout).toMatch(/apt +added +ughello 1\.0/);
  });

  it("stops where dpkg's database cannot be put back (dpkg holds its lock): /usr and the database as they were", () => {
    const r = compared(
      runInSandbox({
        ...host(temp('ug-var-'), 'boot-1'),
        script: compareScript(
          `${BOOT_UNIT}\n${OVERLAY}\n${aptUseRepo(repo)}
apt-get install -y ughello >/dev/null 2>&1
python3 -c 'import fcntl,time; f=open("/var/lib/dpkg/lock","a"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(20)' & sleep 0.5`,
          'dpkg -l | md5sum; findmnt -n -o FSTYPE,SOURCE /usr; ls /usr/bin | md5sum; ls /var/lib/usr-guard/dpkg-snapshot',
          'usr-guard overlay --drop',
        ),
      }),
    );
    expect(r.rc).toBe(1);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).toContain('not unmounting /usr: dpkg: dpkg holds its database locked: not restoring now');
  });

  it('refuses a hotfix unlock, and leaves dpkg and /usr as they were', () => {
    const r = compared(
      runInSandbox({
        usr: 'image+overlay',
        ostreeBooted: true,
        image,
        varDir: temp('ug-var-'),
        script: compareScript(
          'touch /usr/bin/hotfixed',
          'dpkg -l | md5sum; findmnt -n -o FSTYPE,SOURCE /usr; ls /usr/bin | md5sum',
          'usr-guard overlay --drop',
        ),
      }),
    );
    expect(r.rc).toBe(10);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).toContain('hotfix overlay');
    expect(r.stderr).toContain('persists across reboots');
  });
});

/** A bootc stand-in that answers `status --format=json` as bootc 1.14 does, with `overlay` as status.usrOverlay. */
const fakeBootc = (overlay: string) => `cat > /run/fake-bootc <<'EOF'
#!/bin/sh
[ "$1 $2" = "status --format=json" ] || exit 2
echo '{"apiVersion":"org.containers.bootc/v1","kind":"BootcHost","metadata":{"name":"host"},"spec":{"image":{"image":"quay.io/example/os:latest","transport":"registry"},"bootOrder":"default"},"status":{"staged":null,"booted":{"image":null,"cachedUpdate":null,"incompatible":false,"pinned":false,"store":null,"ostree":null},"rollback":null,"rollbackQueued":false,"type":"bootcHost","usrOverlay":${overlay}}}'
EOF
chmod 755 /run/fake-bootc && printf '[paths]\\nbootc = /run/fake-bootc\\n' > /etc/usr-guard/usr-guard.conf`;

describe("status --deep: bootc's usrOverlay", () => {
  it('shows it, silent where it agrees with the probe, and says where it does not', () => {
    const rw = '{"accessMode":"readWrite","persistence":"transient"}';
    const agree = runInSandbox({
      ...host(temp('ug-var-'), 'b'),
      script: `${OVERLAY}\n${fakeBootc(rw)}\nusr-guard status --deep`,
    });
    expect(agree.stdout).toMatch(/bootc \/usr +overlay: transient, read\/write/);
    expect(agree.stdout).not.toContain('disagrees');
    const locked = runInSandbox({
      usr: 'image',
      ostreeBooted: true,
      image,
      script: `${fakeBootc(rw)}\nusr-guard status --deep; usr-guard status --deep --json | grep -c 'none is mounted'`,
    });
    expect(locked.stdout).toMatch(
      /disagrees +bootc says \/usr has an overlay \(transient, read\/write\), but none is mounted/,
    );
    expect(locked.stdout).toMatch(/\n1\n$/);
    const ro = runInSandbox({
      ...host(temp('ug-var-'), 'b'),
      script: `${OVERLAY}\n${fakeBootc('{"accessMode":"readOnly","persistence":"transient"}')}\nusr-guard status --deep`,
    });
    expect(ro.stdout).toContain('bootc says the overlay is read-only, but /usr is mounted read/write');
  });
});

describe("the fleet's files", () => {
  it('status --prometheus passes promtool; [export] writes the textfile and the facts at a change, only where asked', () => {
    const r = runInSandbox({
      ...host(temp('ug-var-'), 'b'),
      script: `${OVERLAY}
${aptUseRepo(repo)}
apt-get install -y ughello >/dev/null
usr-guard status --prometheus > /tmp/m && promtool check metrics < /tmp/m && echo @@promtool-ok
grep -E '^usr_guard_(overlay_packages\\{manager="apt"\\}|overlay_changes|state\\{state="image-overlay"\\}) ' /tmp/m
test -e /etc/ansible/facts.d/usr_guard.fact || echo @@no-facts-unasked
usr-guard status --export; echo "@@export-rc=$?"
printf '[export]\\nprometheus = /var/lib/node-exporter/usr_guard.prom\\nansible_facts = /etc/ansible/facts.d/usr_guard.fact\\n' >> /etc/usr-guard/usr-guard.conf
apt-get install -y ugdaemon >/dev/null
promtool check metrics < /var/lib/node-exporter/usr_guard.prom && echo @@change-textfile-ok
python3 -m json.tool /etc/ansible/facts.d/usr_guard.fact >/dev/null && echo @@facts-json
usr-guard status --export; echo "@@export-rc=$?"
grep '^usr_guard_overlay_packages{manager="apt"}' /var/lib/node-exporter/usr_guard.prom
python3 -c 'import json; print("@@facts", json.load(open("/etc/ansible/facts.d/usr_guard.fact"))["overlay"]["packages"]["apt"])'
USR_GUARD_CONFIG=/tmp/bad.conf; printf '[export]\\nprometheus = /proc/nowhere/x.prom\\n' > /tmp/bad.conf
USR_GUARD_CONFIG=/tmp/bad.conf usr-guard status --export; echo "@@bad-export-rc=$?"
ls -A /var/lib/node-exporter; ls -A /etc/ansible/facts.d`,
    });
    expect(r.stdout).toContain('@@promtool-ok');
    expect(r.stdout).toContain('usr_guard_overlay_packages{manager="apt"} 1');
    expect(r.stdout).toContain('usr_guard_overlay_changes 1');
    expect(r.stdout).toContain('usr_guard_state{state="image-overlay"} 1');
    expect(r.stdout).toContain('@@no-facts-unasked');
    expect(r.stderr).toContain('nothing to write: the configuration has no [export] file');
    expect(r.stdout).toContain('@@change-textfile-ok');
    expect(r.stdout).toContain('@@facts-json');
    expect(r.stdout).not.toContain('@@export-rc=1');
    expect(r.stdout).toContain('usr_guard_overlay_packages{manager="apt"} 2');
    expect(r.stdout).toContain('@@facts 2');
    expect(r.stdout).toContain('@@bad-export-rc=1');
    expect(r.stderr).toMatch(
      /^usr-guard: could not write the node_exporter textfile: cannot [^\n]*\/proc\/nowhere[^\n]*$/m,
    );
    // Whole files only: no temporary name left beside them.
    expect(r.stdout).toMatch(/usr_guard\.prom\nusr_guard\.fact\n$/);
  });
});
