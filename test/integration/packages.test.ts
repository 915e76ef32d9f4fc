// The .deb and the .rpm, installed with the real dpkg, apt and rpm.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo, buildRepo } from '../helpers/debs.js';
import { buildPacmanRepo, missingPacmanTool } from '../helpers/pacman-pkgs.js';
import { PACMAN_HEADLINE } from '../helpers/pacman-runs.js';
import { missingRpmTool } from '../helpers/rpms.js';
import { REPO, runInSandbox } from '../helpers/sandbox.js';

const HEADLINE = 'error: read-only /usr detected, refusing to operate. See `man apt-image-based` for more information.';
const { version } = JSON.parse(readFileSync(`${REPO}/package.json`, 'utf8'));
const DEB = `${REPO}/dist/usr-guard_${version}_all.deb`;
const RPM = `${REPO}/dist/usr-guard-${version}-1.noarch.rpm`;
const hasLintian = spawnSync('sh', ['-c', 'command -v lintian']).status === 0;
const rpmMissing = missingRpmTool();
if (!hasLintian) console.log('SKIP lintian check: lintian is not installed');
if (rpmMissing) console.log(`SKIP .rpm tests: ${rpmMissing} is not installed`);

describe('the .deb', () => {
  let repo: string;
  beforeAll(() => {
    execFileSync('node', ['scripts/package-deb.mjs'], { cwd: REPO, stdio: 'ignore' });
    repo = buildRepo(['ughello']);
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('is named by its version, depends on nodejs (>= 18), and has its /etc files as conffiles', () => {
    const f = (field: string) => execFileSync('dpkg-deb', ['-f', DEB, field], { encoding: 'utf8' }).trim();
    expect(f('Depends')).toBe('nodejs (>= 18)');
    const conffiles = execFileSync('sh', ['-c', `dpkg-deb --ctrl-tarfile ${DEB} | tar -xO ./conffiles`], {
      encoding: 'utf8',
    });
    expect(conffiles.split('\n').filter(Boolean).sort()).toEqual([
      '/etc/apt/apt.conf.d/50usr-guard',
      '/etc/dpkg/dpkg.cfg.d/usr-guard',
      '/etc/dpkg/dpkg.cfg.d/usr-guard-dpkg-db',
      '/etc/profile.d/usr-guard.sh',
      '/etc/usr-guard/usr-guard.conf',
    ]);
  });

  it.skipIf(!hasLintian)('lintian reports no errors', () => {
    // lintian leaves temporary files behind: give it a folder of its own.
    const tmp = mkdtempSync(join(tmpdir(), 'ug-lintian-'));
    const r = spawnSync('lintian', [DEB], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    rmSync(tmp, { recursive: true, force: true });
    expect(r.stdout).not.toMatch(/^E: /m);
  });

  it('installed with dpkg -i: a locked host refuses; removed, apt works; purged, nothing is left', () => {
    const lock = 'touch /run/ostree-booted && mkdir -p /tmp/e && mount -t overlay ug-lock -o lowerdir=/usr:/tmp/e /usr';
    const r = runInSandbox({
      usr: 'writable',
      script: `${aptUseRepo(repo)}
dpkg -i ${DEB} >/dev/null && echo "@@installed"
${lock}
apt-get install -y ughello; echo "@@locked-rc=$?"
umount -l /usr && rm /run/ostree-booted
apt-get remove -y usr-guard >/dev/null 2>&1 && test -e /etc/apt/apt.conf.d/50usr-guard.disabled && echo "@@removed"
echo "@@after-remove" >&2
apt-get install -y ughello >/dev/null && ughello && dpkg -r ughello >/dev/null && apt-get install -y ughello >/dev/null
apt-get purge -y usr-guard >/dev/null 2>&1 && echo "@@purged"
echo "@@left:"; find /etc /usr /var/lib/dpkg/info -name '*usr-guard*' -o -name '*usr_guard*' -o -name '*-image-based*'`,
    });
    expect(r.stdout).toContain('@@installed');
    expect(r.stderr).toContain(HEADLINE);
    expect(r.stdout).toMatch(/@@locked-rc=100/);
    expect(r.stdout).toContain('@@removed');
    expect(r.stdout).toContain('ughello 1.0');
    // dpkg's snippet (a conffile) stays until the purge: it says nothing without the shim.
    expect(r.stderr.slice(r.stderr.indexOf('@@after-remove'))).not.toMatch(/cannot open|No such file|usr-guard/);
    expect(r.stdout).toContain('@@purged');
    expect(r.stdout.slice(r.stdout.indexOf('@@left:') + 7).trim()).toBe('');
  });

  it.skipIf(missingPacmanTool() !== null)(
    "carries pacman's hook and boot unit: with pacman on a locked host, pacman -U is refused",
    () => {
      const pkgs = buildPacmanRepo(['ugfoo']);
      try {
        const r = runInSandbox({
          usr: 'writable',
          script: `dpkg -i ${DEB} >/dev/null && dpkg -L usr-guard | grep -e libalpm -e pacman
sed -i 's/^CheckSpace/#CheckSpace/' /etc/pacman.conf
touch /run/ostree-booted && mkdir -p /tmp/e && mount -t overlay ug-lock -o lowerdir=/usr:/tmp/e /usr
pacman -U --noconfirm ${pkgs}/ugfoo-1-1-any.pkg.tar.zst; echo "@@rc=$?"`,
        });
        expect(r.stdout).toMatch(/^\/usr\/share\/libalpm\/hooks\/00-usr-guard\.hook$/m);
        expect(r.stdout).toMatch(
          /^\/usr\/lib\/systemd\/system\/sysinit\.target\.wants\/usr-guard-restore-pacman-db\.service$/m,
        );
        expect(r.stdout).toMatch(/^\/usr\/share\/man\/man7\/pacman-image-based\.7\.gz$/m);
        expect(r.stdout).toContain(PACMAN_HEADLINE);
        expect(r.stdout).toContain('@@rc=1');
      } finally {
        rmSync(pkgs, { recursive: true, force: true });
      }
    },
  );

  it("purged, it keeps /var/lib/usr-guard while a snapshot of dpkg's database waits for the next boot, and says which", () => {
    const r = runInSandbox({
      usr: 'writable',
      script: `dpkg -i ${DEB} >/dev/null
mkdir -p /var/lib/usr-guard/dpkg-snapshot/db && dpkg --purge usr-guard; test -d /var/lib/usr-guard && echo "@@kept"
rm -r /var/lib/usr-guard/dpkg-snapshot && mkdir /var/lib/usr-guard/dpkg-of-earlier-image-x && dpkg -i ${DEB} >/dev/null && dpkg --purge usr-guard
rm -r /var/lib/usr-guard/dpkg-of-earlier-image-x && dpkg -i ${DEB} >/dev/null && dpkg --purge usr-guard; test -d /var/lib/usr-guard || echo "@@gone"`,
    });
    expect(r.stdout).toContain(
      "usr-guard: kept /var/lib/usr-guard: its snapshot of dpkg's database waits for the next boot to be put back",
    );
    expect(r.stdout).toContain('@@kept');
    expect(r.stdout).toContain(
      'usr-guard: kept /var/lib/usr-guard: it holds the dpkg database of an earlier image (dpkg-of-earlier-image-*)',
    );
    expect(r.stdout).toContain('usr-guard: removed /var/lib/usr-guard');
    expect(r.stdout).toContain('@@gone');
  });
});

describe.skipIf(rpmMissing !== null)('the .rpm', () => {
  let built: ReturnType<typeof spawnSync>;
  beforeAll(() => {
    built = spawnSync('node', ['scripts/package-rpm.mjs'], { cwd: REPO, encoding: 'utf8' });
  });

  it('builds without a warning from rpmbuild', () => {
    expect(built.status).toBe(0);
    expect(built.stderr).toBe('');
  });

  it('requires nodejs >= 18, marks its configs noreplace, and has no scripts', () => {
    const q = (...args: string[]) => execFileSync('rpm', ['-qp', ...args, RPM], { encoding: 'utf8' });
    expect(q('--requires')).toMatch(/^nodejs >= 18$/m);
    expect(q('--configfiles').split('\n').filter(Boolean).sort()).toEqual([
      '/etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions',
      '/etc/dnf/plugins/usr_guard.conf',
      '/etc/profile.d/usr-guard.sh',
      '/etc/usr-guard/usr-guard.conf',
    ]);
    expect(q('--qf', '[%{FILEFLAGS:fflags} %{FILENAMES}\n]')).toMatch(/^cn \/etc\/usr-guard\/usr-guard.conf$/m);
    expect(q('--scripts')).toBe('');
  });

  it('installed with rpm -i --nodeps into a scratch root, its files are where dnf looks for them', () => {
    const pluginPath = execFileSync('/usr/bin/python3', ['-c', 'import dnf.const; print(dnf.const.PLUGINPATH)'], {
      encoding: 'utf8',
    }).trim();
    const r = runInSandbox({
      usr: 'writable',
      script: `mkdir -p /tmp/scratch && rpm --root /tmp/scratch --initdb && rpm -i --nodeps --force-debian --root /tmp/scratch ${RPM} && echo "@@installed"
for f in ${pluginPath}/usr_guard.py /etc/dnf/plugins/usr_guard.conf /etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions /usr/bin/usr-guard /usr/libexec/usr-guard/hook /usr/share/libalpm/hooks/00-usr-guard.hook; do
  test -f "/tmp/scratch$f" && echo "@@has $f"
done`,
    });
    expect(r.stdout).toContain('@@installed');
    for (const f of [
      `${pluginPath}/usr_guard.py`,
      '/etc/dnf/plugins/usr_guard.conf',
      '/etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions',
      '/usr/bin/usr-guard',
      '/usr/libexec/usr-guard/hook',
      '/usr/share/libalpm/hooks/00-usr-guard.hook',
    ]) {
      expect(r.stdout).toContain(`@@has ${f}`);
    }
  });
});
