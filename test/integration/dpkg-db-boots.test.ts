// Nothing lost, on every path (issue 26): over two boots of one /var, the
// boot unit's snapshot taken at each boot's start (not a hook's at the first
// change it sees) is what the next boot puts back. Each boot begins with the
// boot unit's command, as usr-guard-restore-dpkg-db.service runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo, buildRepo } from '../helpers/debs.js';
import { journal } from '../helpers/image-builds.js';
import { buildImage, runInSandbox } from '../helpers/sandbox.js';

const tick = () => new Promise((r) => setImmediate(r));
let repo: string;
let image: string;
const dirs: string[] = [];
beforeAll(() => {
  repo = buildRepo(['ughello', 'ugother', 'uglib', 'ugapp>uglib', 'ugkeep']);
  // The image has ugapp, uglib (automatic, as ugapp's dependency) and ugkeep, and apt's marks in its /var.
  const marks = `printf 'Package: uglib\\nArchitecture: %s\\nAuto-Installed: 1\\n' "$(dpkg --print-architecture)"`;
  image = buildImage(
    [],
    ['uglib', 'ugapp', 'ugkeep'].map((p) => `${repo}/${p}_1.0_all.deb`),
    '',
    `mkdir -p $R/var/lib/apt && ${marks} >$R/var/lib/apt/extended_states`,
  );
});
afterAll(() => {
  for (const d of [repo, image, ...dirs]) rmSync(d, { recursive: true, force: true });
});

const UNIT = 'usr-guard restore-dpkg-db 2>&1 | sed "s/^/@@unit: /"';
/** What boot 2 looks at: is each package listed by dpkg, are its files in /usr. */
const LOOK = `for p in ughello ugother ugapp uglib ugkeep; do
  dpkg-query -W -f='\${db:Status-Status}' $p 2>/dev/null | grep -qx installed && echo "@@listed $p"
  test -e /usr/bin/$p && echo "@@files $p"
done
echo "@@audit:$(dpkg --audit 2>&1)"
apt-get check >/dev/null 2>&1 && echo "@@apt-check-clean"`;

/** Boot 1 on a transient overlay (its unit first, unless `before` replaces it), boot 2 locked. */
async function twoBoots(boot1: string, { unit = UNIT, boot2 = '', listen = false } = {}) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  dirs.push(varDir);
  const one = runInSandbox({
    usr: 'image+overlay',
    ostreeBooted: true,
    unlocked: 'development',
    image,
    varDir,
    bootId: 'boot-1',
    script: `${aptUseRepo(repo)}\n${unit}\n${boot1}`,
  });
  await tick();
  const two = runInSandbox({
    usr: 'image',
    ostreeBooted: true,
    image,
    varDir,
    bootId: 'boot-2',
    script: `${aptUseRepo(repo)}\n${listen ? journal.listen : ''}\n${UNIT}\n${boot2}\n${listen ? journal.show : ''}\n${LOOK}`,
  });
  await tick();
  return { one, two };
}

/** dpkg lists nothing whose files are gone, and lists the image's packages. */
const nothingGone = (out: string) => {
  for (const p of ['ughello', 'ugother', 'ugapp', 'uglib', 'ugkeep'])
    expect(out.includes(`@@listed ${p}\n`), `${p}: ${out}`).toBe(out.includes(`@@files ${p}\n`));
  expect(out).toContain('@@listed ugkeep\n');
  expect(out).toContain('@@audit:\n');
  expect(out).toContain('@@apt-check-clean');
};

describe('the next boot puts back what the overlay changed, however the first change came', () => {
  it("python-apt's DebPackage(FILE).install() (dpkg --status-fd) as the boot's first change", async () => {
    const { one, two } = await twoBoots(
      `/usr/bin/python3 -c 'import apt.debfile, apt.progress.base as b; apt.debfile.DebPackage("${repo}/ughello_1.0_all.deb").install(b.InstallProgress())' >/dev/null 2>&1
dpkg -s ughello >/dev/null && echo "@@installed"`,
    );
    expect(one.stdout).toContain('@@installed');
    expect(two.stdout).toMatch(/@@unit: usr-guard: restored dpkg's database .* boot boot-1.*ughello/);
    nothingGone(two.stdout);
  }, 240_000);

  it('USR_GUARD_MODE=off for the first change, then an ordinary install: both go', async () => {
    const { two } = await twoBoots(
      'USR_GUARD_MODE=off apt-get install -y ugother >/dev/null 2>&1\napt-get install -y ughello >/dev/null 2>&1',
    );
    nothingGone(two.stdout);
  }, 240_000);

  it('a full /var at the first change, room again before the second: both go', async () => {
    const { two } =
      await twoBoots(`mkdir -p /var/lib/usr-guard && mount -t tmpfs -o size=64k,mode=755 full /var/lib/usr-guard && dd if=/dev/zero of=/var/lib/usr-guard/fill bs=4k 2>/dev/null
apt-get install -y ugother >/dev/null 2>&1
umount /var/lib/usr-guard
apt-get install -y ughello >/dev/null 2>&1`);
    nothingGone(two.stdout);
  }, 240_000);

  it("a crash's leftovers that dpkg truncates in place (updates/tmp.i, status-new): copied, so the snapshot stays whole", async () => {
    const { two } = await twoBoots('apt-get install -y ughello >/dev/null 2>&1', {
      unit: `echo half > /var/lib/dpkg/updates/tmp.i; echo half > /var/lib/dpkg/status-new\n${UNIT}`,
    });
    expect(two.stdout).toMatch(/@@unit: usr-guard: restored dpkg's database/);
    nothingGone(two.stdout);
  }, 240_000);

  it('/var/lib/dpkg as a link to a folder elsewhere in /var', async () => {
    const { one, two } = await twoBoots('apt-get install -y ughello 2>&1 | grep -i "snapshot\\|save"', {
      unit: `mv /var/lib/dpkg /var/lib/dpkg-real && ln -s dpkg-real /var/lib/dpkg\n${UNIT}`,
      boot2: 'test -L /var/lib/dpkg && echo "@@still-a-link"',
    });
    expect(one.stdout).not.toMatch(/ENOENT|could not save|could not take this/);
    expect(two.stdout).toMatch(/@@unit: usr-guard: restored/);
    expect(two.stdout).toContain('@@still-a-link');
    nothingGone(two.stdout);
  }, 240_000);

  it('a boot whose unit could not take a snapshot (a full /var): the next boot puts back the late one and takes off what has no files', async () => {
    const { one, two } = await twoBoots(
      `umount /var/lib/usr-guard
USR_GUARD_MODE=off apt-get install -y ugother >/dev/null 2>&1
apt-get install -y ughello >/dev/null 2>&1
dpkg -s ugother ughello >/dev/null && echo "@@installed"`,
      {
        unit: `mkdir -p /var/lib/usr-guard && mount -t tmpfs -o size=64k,mode=755 full /var/lib/usr-guard && dd if=/dev/zero of=/var/lib/usr-guard/fill bs=4k 2>/dev/null
${UNIT}; usr-guard status 2>&1 | grep 'dpkg snapshot' | sed 's/^/@@status: /'`,
        listen: true,
      },
    );
    expect(one.stdout).toMatch(
      /@@unit: usr-guard: could not take this boot's snapshot of dpkg's database \(.*no space left/,
    );
    expect(one.stdout).toMatch(/@@status: .*could not take this boot's snapshot/);
    expect(one.stdout).toContain('@@installed');
    // ughello changed after the first-change snapshot: put back; ugother came before it: its files are gone.
    expect(two.stdout).toMatch(
      /@@unit: usr-guard: put back dpkg's database from the snapshot taken at the first change of boot boot-1, not at its start: .*packages put back: ughello:all\); dpkg listed ugother:all whose files are not in \/usr: no longer listed as installed/,
    );
    expect(two.stdout).toMatch(
      /@@journal: .*usr-guard: put back dpkg's database .*dpkg listed ugother:all whose files are not in \/usr/,
    );
    nothingGone(two.stdout);
    for (const p of ['ugapp', 'uglib', 'ugkeep']) expect(two.stdout).toContain(`@@listed ${p}\n`);
    expect(two.stdout).not.toContain('@@listed ugother');
  }, 240_000);

  it("another run holds the snapshots' lock past the unit's wait (5 s): no snapshot at the boot's start, the first change's is put back", async () => {
    const { one, two } = await twoBoots(
      'apt-get install -y ughello >/dev/null 2>&1; dpkg -s ughello >/dev/null && echo "@@installed"',
      {
        // The holder goes once the unit has given up (its PID namespace is the sandbox's: pkill sees no other).
        unit: `mkdir -p /var/lib/usr-guard && (flock /var/lib/usr-guard/dpkg-snapshot.lock sleep 120 &) && sleep 0.5
${UNIT}
pkill -x sleep; sleep 0.2`,
      },
    );
    expect(one.stdout).toMatch(/@@unit: .*another run holds the lock of dpkg's snapshot .*no snapshot now/);
    expect(one.stdout).toContain('@@installed');
    expect(two.stdout).toMatch(
      /@@unit: usr-guard: put back dpkg's database from the snapshot taken at the first change of boot boot-1/,
    );
    nothingGone(two.stdout);
  }, 240_000);

  it("apt's marks go with it: a package the image had as automatic, removed on the overlay, is automatic again", async () => {
    const { one, two } = await twoBoots(
      `apt-mark showauto | grep -qx uglib && echo "@@auto-before"
apt-get purge -y ugapp uglib >/dev/null 2>&1; dpkg -s uglib >/dev/null 2>&1 || echo "@@removed"
apt-mark hold ugkeep >/dev/null`,
      {
        boot2:
          'apt-mark showauto | grep -qx uglib && echo "@@auto-after"; apt-mark showhold | grep -qx ugkeep && echo "@@hold-kept"',
      },
    );
    expect(one.stdout).toContain('@@auto-before\n@@removed');
    nothingGone(two.stdout);
    expect(two.stdout).toContain('@@listed uglib');
    expect(two.stdout).toContain('@@auto-after');
    expect(two.stdout).toContain('@@hold-kept'); // a hold is this host's, made in /var alone: kept
  }, 240_000);
});
