// dpkg's database across reboots. A reboot is a new sandbox over the same
// persistent /var (a folder kept between runs), with a fresh /usr from the image
// and a new boot ID.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockedBoot, tempDirs, tick, UNLOCK_IN_BOOT, unlockedBoot } from '../helpers/boots.js';
import { aptUseRepo, buildRepo } from '../helpers/debs.js';
import { buildImage, runInSandbox } from '../helpers/sandbox.js';

let repo: string;
const tmp = tempDirs();
let shared: string | undefined;
/** One image for the tests that do not change it. */
const buildImageOnce = () => {
  shared ??= tmp.keep(buildImage());
  return shared;
};
beforeAll(() => {
  repo = tmp.keep(buildRepo(['ughello']));
});
afterAll(tmp.removeAll);

/** Boot 1: install on a transient overlay. Boot 2: the overlay is gone; run the boot unit's command, look at dpkg, reinstall on a new overlay. */
async function twoBoots(image: string) {
  const varDir = tmp.make();
  const boot1 = runInSandbox({
    ...unlockedBoot(image, varDir, 'boot-1'),
    // The boot unit's command first, as usr-guard-restore-dpkg-db.service runs it early in every boot.
    script: `[ -e /usr/lib/systemd/system/usr-guard-restore-dpkg-db.service ] && usr-guard restore-dpkg-db 2>/dev/null\n${aptUseRepo(repo)}\napt-get install -y ughello >/dev/null && ughello`,
  });
  await tick();
  const boot2 = runInSandbox({
    ...lockedBoot(image, varDir, 'boot-2'),
    // /etc persists on a real host; here the sandbox's does not, so point apt at the repository again.
    script: `${aptUseRepo(repo)}
usr-guard restore-dpkg-db 2>&1; echo "@@restore=$?"
test -x /usr/bin/ughello && echo "@@file-there" || echo "@@file-gone"
dpkg -s ughello >/dev/null 2>&1 && echo "@@dpkg-says-installed" || echo "@@dpkg-says-not-installed"
echo "@@audit:$(dpkg --audit 2>&1)"
apt-get check >/dev/null 2>&1 && echo "@@apt-check-clean"
${UNLOCK_IN_BOOT}
apt-get install -y ughello 2>&1 | grep -q "already the newest version" && echo "@@already-newest"
ughello && echo "@@reinstalled"`,
  });
  return { boot1, boot2 };
}

describe('dpkg agrees with /usr after a reboot', () => {
  it('with the snapshot (the boot unit restores it)', async () => {
    const { boot1, boot2 } = await twoBoots(tmp.keep(buildImage()));
    expect(boot1.stdout).toContain('ughello 1.0');
    expect(boot1.stderr).toContain("was saved at this boot's start and is put back at the next boot");
    expect(boot2.stdout).toContain(
      "restored dpkg's database and apt's marks from the snapshot taken at the start of boot boot-1",
    );
    expect(boot2.stdout).toContain('@@file-gone');
    expect(boot2.stdout).toContain('@@dpkg-says-not-installed');
    expect(boot2.stdout).toContain('@@audit:\n');
    expect(boot2.stdout).toContain('@@apt-check-clean');
    expect(boot2.stdout).not.toContain('@@already-newest');
    expect(boot2.stdout).toContain('@@reinstalled');
  });

  it('with --relocate-dpkg-db (the database goes with the image)', async () => {
    const image = tmp.keep(buildImage(['--relocate-dpkg-db']));
    const { boot1, boot2 } = await twoBoots(image);
    expect(boot1.stdout).toContain('ughello 1.0');
    expect(boot1.stderr).toContain('is in the image and goes with it');
    expect(boot2.stdout).toContain("dpkg's database lives in the image: nothing to restore");
    expect(boot2.stdout).toContain('@@dpkg-says-not-installed');
    expect(boot2.stdout).toContain('@@audit:\n');
    expect(boot2.stdout).toContain('@@apt-check-clean');
    expect(boot2.stdout).toContain('@@reinstalled');
  });

  it('with neither, dpkg drifts (what the others prevent)', async () => {
    const { boot1, boot2 } = await twoBoots(tmp.keep(buildImage(['--without', 'dpkg-snapshot'])));
    expect(boot1.stderr).toContain('afterwards dpkg will list packages whose files are gone');
    expect(boot2.stdout).toContain('@@file-gone');
    expect(boot2.stdout).toContain('@@dpkg-says-installed');
    expect(boot2.stdout).toContain('@@already-newest');
  });
});

describe('a full disk', () => {
  it('before the first change: no snapshot and no half of one, and apt goes on with a warning', () => {
    const varDir = tmp.make();
    const r = runInSandbox({
      ...unlockedBoot(buildImageOnce(), varDir, 'boot-1'),
      script: `${aptUseRepo(repo)}
mkdir -p /var/lib/usr-guard && mount -t tmpfs -o size=64k,mode=755 full /var/lib/usr-guard
apt-get install -y ughello >/dev/null; echo "@@rc=$?"; ls -A /var/lib/usr-guard | grep -vxE 'dpkg-snapshot.lock|overlay-record.json'`,
    });
    expect(r.stdout).toBe('@@rc=0\n');
    expect(r.stderr).toMatch(
      /usr-guard: warning: could not save dpkg's database: cannot write \/var\/lib\/usr-guard\/dpkg-snapshot: no space left on device/,
    );
  });

  it("at the restore: dpkg's database and the snapshot stay as they are, for the next boot", () => {
    const varDir = tmp.make();
    const image = buildImageOnce();
    runInSandbox({
      ...unlockedBoot(image, varDir, 'boot-1'),
      script: `usr-guard restore-dpkg-db 2>/dev/null\n${aptUseRepo(repo)}\napt-get install -y ughello >/dev/null 2>&1`,
    });
    const r = runInSandbox({
      ...lockedBoot(image, varDir, 'boot-2'),
      script: `mkdir /tmp/stash && cp -a /var/lib/dpkg /var/lib/usr-guard /tmp/stash/
need=$(du -sk /tmp/stash | cut -f1)
mount -t tmpfs -o size=$((need + 2048))k,mode=755 full /var/lib && cp -a /tmp/stash/. /var/lib/
dd if=/dev/zero of=/var/lib/fill bs=4k 2>/dev/null
before=$(sha256sum </var/lib/dpkg/status)
usr-guard restore-dpkg-db; echo "@@rc=$?"
[ "$before" = "$(sha256sum </var/lib/dpkg/status)" ] && echo @@db-unchanged
test -f /var/lib/usr-guard/dpkg-snapshot/db/status && echo @@snapshot-kept
ls -d /var/lib/dpkg.usr-guard-* 2>/dev/null`,
    });
    expect(r.stdout).toBe('@@rc=1\n@@db-unchanged\n@@snapshot-kept\n');
    expect(r.stderr).toMatch(/no space left on device; dpkg's database is as it was/);
  });
});

describe('install --relocate-dpkg-db', () => {
  it('is idempotent, adds the tmpfiles.d entry, and dpkg and dpkg-query work through the link', () => {
    const image = tmp.keep(buildImage(['--relocate-dpkg-db']));
    const r = runInSandbox({
      usr: 'image',
      image,
      varDir: tmp.make(),
      script: `readlink /var/lib/dpkg; grep '^L ' /usr/lib/tmpfiles.d/usr-guard-dpkg.conf
usr-guard install --relocate-dpkg-db --dry-run | grep /var/lib/dpkg
dpkg-query -W dpkg >/dev/null && echo "@@query-ok"
dpkg --audit && echo "@@audit-ok"`,
    });
    expect(r.stdout).toContain('../../usr/lib/sysimage/dpkg');
    expect(r.stdout).toContain('L /var/lib/dpkg - - - - ../../usr/lib/sysimage/dpkg');
    expect(r.stdout).toContain('unchanged /var/lib/dpkg -> ../../usr/lib/sysimage/dpkg');
    expect(r.stdout).toContain('@@query-ok');
    expect(r.stdout).toContain('@@audit-ok');
  });

  it('refuses when the database is already elsewhere, or in use', () => {
    const r = runInSandbox({
      usr: 'writable',
      script: `usr-guard install --relocate-dpkg-db >/dev/null 2>&1 || echo "@@no-program-yet"
mkdir -p /tmp/r/var/lib /tmp/r/elsewhere && ln -s ../../elsewhere /tmp/r/var/lib/dpkg
/tmp/ug/usr-guard install --root /tmp/r --relocate-dpkg-db --without program; echo "@@rc=$?"
mkdir -p /tmp/q/var/lib/dpkg && touch /tmp/q/var/lib/dpkg/lock
python3 -c 'import fcntl,time; f=open("/tmp/q/var/lib/dpkg/lock","a"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(3)' & sleep 0.5
/tmp/ug/usr-guard install --root /tmp/q --relocate-dpkg-db --without program; echo "@@rc=$?"
test -d /tmp/q/var/lib/dpkg && ! test -L /tmp/q/var/lib/dpkg && echo "@@untouched"`.replaceAll(
        '/tmp/ug/usr-guard',
        `node ${process.cwd()}/dist/usr-guard`,
      ),
    });
    expect(r.stderr).toContain('is already a link elsewhere (-> ../../elsewhere); not moving it');
    expect(r.stderr).toContain("dpkg's database is in use (a dpkg or apt run holds its lock)");
    expect(r.stdout.match(/@@rc=2/g)).toHaveLength(2);
    expect(r.stdout).toContain('@@untouched');
  });

  // A build killed or out of space half-way: the next run finishes the move, never leaving no database.
  it('across file systems, and resumed after a stop at each step', () => {
    const ug = `node ${process.cwd()}/dist/usr-guard install --without program --relocate-dpkg-db --root`;
    const db = (r: string) =>
      `mkdir -p ${r}/var/lib/dpkg/info ${r}/usr/lib/sysimage && echo 'Package: a' > ${r}/var/lib/dpkg/status`;
    const done = (r: string, tag: string) =>
      `[ "$(readlink ${r}/var/lib/dpkg)" = ../../usr/lib/sysimage/dpkg ] && grep -q 'Package: a' ${r}/var/lib/dpkg/status && ! ls -d ${r}/usr/lib/sysimage/dpkg.* ${r}/var/lib/dpkg.* 2>/dev/null && echo @@${tag}`;
    const r = runInSandbox({
      usr: 'writable',
      script: `${db('/tmp/x')} && mount -t tmpfs ug-var /tmp/x/var && ${db('/tmp/x')}
${ug} /tmp/x >/dev/null && ${done('/tmp/x', 'exdev')}
${db('/tmp/a')} && mkdir -p /tmp/a/usr/lib/sysimage/dpkg.partial-4242-0badcafe/info && touch /tmp/a/usr/lib/sysimage/dpkg.relocating
${ug} /tmp/a | grep -q 'finishing the move' && ${done('/tmp/a', 'half-copied')}
${db('/tmp/b')} && cp -a /tmp/b/var/lib/dpkg /tmp/b/usr/lib/sysimage/dpkg && touch /tmp/b/usr/lib/sysimage/dpkg.relocating
${ug} /tmp/b >/dev/null && ${done('/tmp/b', 'copied')}
${db('/tmp/c')} && cp -a /tmp/c/var/lib/dpkg /tmp/c/usr/lib/sysimage/dpkg && mv /tmp/c/var/lib/dpkg /tmp/c/var/lib/dpkg.moved && touch /tmp/c/usr/lib/sysimage/dpkg.relocating
${ug} /tmp/c >/dev/null && ${done('/tmp/c', 'moved-aside')}
${db('/tmp/d')} && cp -a /tmp/d/var/lib/dpkg /tmp/d/usr/lib/sysimage/dpkg && touch /tmp/d/usr/lib/sysimage/dpkg.relocating && echo 'Package: b' >> /tmp/d/var/lib/dpkg/status
${ug} /tmp/d; echo "@@rc=$?"; [ -d /tmp/d/var/lib/dpkg ] && [ ! -L /tmp/d/var/lib/dpkg ] && grep -q 'Package: b' /tmp/d/var/lib/dpkg/status && echo @@kept`,
    });
    for (const tag of ['exdev', 'half-copied', 'copied', 'moved-aside']) expect(r.stdout).toContain(`@@${tag}`);
    expect(r.stdout).toContain('@@rc=2');
    expect(r.stderr).toContain('changed since it was copied');
    expect(r.stdout).toContain('@@kept');
  });
});
