// dpkg's database across image upgrades (bootc keeps the host's /var): images
// built as a Containerfile builds them (the .deb, or usr-guard install), then
// two boots, one per image, over one kept /var.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo, buildDeb, buildRepo } from '../helpers/debs.js';
import { buildInContainer, journal } from '../helpers/image-builds.js';
import { buildImage, REPO, runInSandbox } from '../helpers/sandbox.js';

const { version } = JSON.parse(readFileSync(`${REPO}/package.json`, 'utf8'));
/** Lets vitest's worker answer its RPC between long spawnSync runs (it times out after a minute). */
const tick = () => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
const keep = (d: string) => {
  dirs.push(d);
  return d;
};
let repo: string;
let deb: string;
beforeAll(() => {
  // guardtest 1.0 needs guardlib (apt marks it automatically installed); 1.1 does not.
  repo = keep(buildRepo(['guardlib', 'guardtest=1.0>guardlib', 'guardtest=1.1', 'ughello']));
  const out = keep(mkdtempSync(join(tmpdir(), 'ug-deb-')));
  execFileSync('node', ['scripts/package-deb.mjs'], {
    cwd: REPO,
    stdio: 'ignore',
    env: { ...process.env, USR_GUARD_DEB_DIR: out },
  });
  deb = `${out}/usr-guard_${version}_all.deb`;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * A bootc image with guardtest at `v` and usr-guard from its .deb, as the
 * README's Containerfile lines build it. 'later': the .deb first, guardtest in
 * a later RUN (dpkg's post-invoke moves the database then); 'move': guardtest
 * first, then the .deb and 'usr-guard dpkg-db move'; 'var': the database stays
 * in /var, recorded ('usr-guard dpkg-db record'), the record kept up to date.
 */
function debImage(v: string, how: 'later' | 'move' | 'var') {
  // What dpkg's scripts and hooks say reaches apt's stdout with apt's own lines: keep usr-guard's.
  const apt = (what: string) =>
    `{ apt-get install -y ${what} 2>&1 || echo "@@install-failed"; } | grep -e '^usr-guard' -e '^@@'`;
  const guardtest = apt(v === '1.0' ? 'guardtest=1.0' : 'guardtest=1.1 guardlib');
  const usrGuard = apt(deb);
  const steps =
    how === 'later'
      ? [usrGuard, guardtest]
      : how === 'move'
        ? [guardtest, usrGuard, 'usr-guard dpkg-db move']
        : [usrGuard, 'usr-guard dpkg-db record', guardtest];
  const b = buildInContainer(
    `${aptUseRepo(repo)}
${steps.join('\n')}
echo "@@link=$(readlink /var/lib/dpkg)"
dpkg-query -W -f='@@\${Package} \${Status}\\n' usr-guard guardtest
dpkg --audit && echo "@@audit-clean"`,
    { bootc: true },
  );
  keep(b.dir);
  return b;
}

const locked = (image: string, varDir: string, bootId: string) =>
  ({ usr: 'image', ostreeBooted: true, image, varDir, bootId }) as const;
const newVar = () => keep(mkdtempSync(join(tmpdir(), 'ug-var-')));
const query = "dpkg-query -W -f='@@q ${Package} ${Version}\\n' guardtest";

describe('an image built with the .deb (RUN apt-get install -y ./usr-guard_*.deb)', async () => {
  it("moves dpkg's database into the image once dpkg closes it; after an upgrade 1.0 -> 1.1 dpkg-query says 1.1", {
    timeout: 900_000,
  }, async () => {
    const a = debImage('1.0', 'later');
    await tick();
    const b = debImage('1.1', 'move');
    expect(a.stdout).toContain(
      "usr-guard: an image build for a bootc or ostree host: dpkg's database moves into the image after the next dpkg run",
    );
    for (const build of [a, b]) {
      expect(build.stdout).toContain('@@link=../../usr/lib/sysimage/dpkg');
      // The move after dpkg closed its database lost nothing: usr-guard itself is installed.
      expect(build.stdout).toContain('@@usr-guard install ok installed');
      expect(build.stdout).toContain('@@audit-clean');
    }
    expect(a.stdout).toContain('usr-guard: moved /var/lib/dpkg to /usr/lib/sysimage/dpkg'); // dpkg's post-invoke, in the later RUN
    expect(b.stdout).toContain('moved /var/lib/dpkg to /usr/lib/sysimage/dpkg'); // usr-guard dpkg-db move
    const varDir = newVar();
    const boot1 = runInSandbox({ ...locked(a.dir, varDir, 'boot-1'), script: query });
    await tick();
    const boot2 = runInSandbox({
      ...locked(b.dir, varDir, 'boot-2'),
      script: `usr-guard restore-dpkg-db; ${query}\napt-get -s autoremove | grep '^Remv' || echo "@@autoremove-nothing"`,
    });
    expect(boot1.stdout).toContain('@@q guardtest 1.0');
    expect(boot2.stdout).toContain('@@q guardtest 1.1');
    expect(boot2.stdout).toContain('@@autoremove-nothing');
  });
});

describe('an image built with usr-guard install --root', async () => {
  it("on a bootc root moves dpkg's database by default; after an upgrade 1.0 -> 1.1 dpkg-query says 1.1", {
    timeout: 900_000,
  }, async () => {
    const out = keep(mkdtempSync(join(tmpdir(), 'ug-debs-')));
    // A stand-in for bootc (/usr/bin/bootc) in the image: the sign install --root looks for.
    const bootc = buildDeb(out, 'bootc');
    const images = ['1.0', '1.1'].map((v) => keep(buildImage([], [buildDeb(out, 'guardtest', v), bootc])));
    const varDir = newVar();
    const boot1 = runInSandbox({ ...locked(images[0]!, varDir, 'boot-1'), script: `readlink /var/lib/dpkg; ${query}` });
    await tick();
    const boot2 = runInSandbox({ ...locked(images[1]!, varDir, 'boot-2'), script: query });
    expect(boot1.stdout).toContain('../../usr/lib/sysimage/dpkg');
    expect(boot1.stdout).toContain('@@q guardtest 1.0');
    expect(boot2.stdout).toContain('@@q guardtest 1.1');
  });
});

describe('an upgrade from an image whose database is in /var to one that carries its own', async () => {
  it("has the new image's database from the first boot on, keeps the old one aside and names it, and apt autoremove proposes nothing; a kill at each step of it loses nothing", async () => {
    const a = debImage('1.0', 'var');
    await tick();
    expect(a.stdout).toContain('@@link=\n');
    const b = debImage('1.1', 'move');
    await tick();
    const varDir = newVar();
    const boot1 = runInSandbox({ ...locked(a.dir, varDir, 'boot-1'), script: `${query}\napt-mark showauto` });
    await tick();
    const afterBoot1 = newVar();
    execFileSync('cp', ['-a', `${varDir}/.`, afterBoot1]); // for the kills below
    const boot2 = runInSandbox({
      ...locked(b.dir, varDir, 'boot-2'),
      script: `${journal.listen}
usr-guard restore-dpkg-db 2>&1; echo "@@rc=$?"
${journal.show}
readlink /var/lib/dpkg; ${query}
dpkg-query --admindir="$(echo /var/lib/usr-guard/dpkg-of-earlier-image-*/dpkg)" -W -f='@@kept \${Package} \${Version}\\n' guardtest
apt-get -s autoremove | grep '^Remv' || echo "@@autoremove-nothing"
usr-guard restore-dpkg-db 2>&1`,
    });
    await tick();
    expect(boot1.stdout).toContain('@@q guardtest 1.0');
    expect(boot1.stdout).toContain('guardlib'); // automatically installed in the old image
    expect(boot2.stdout).toMatch(
      /dpkg's database is the image's now: \/var\/lib\/dpkg links to \/usr\/lib\/sysimage\/dpkg; the database of the earlier image is kept in \/var\/lib\/usr-guard\/dpkg-of-earlier-image-[^/]+\/dpkg/,
    );
    expect(boot2.stdout).toMatch(
      /@@journal: .*usr-guard: dpkg's database is the image's now: .* is kept in \/var\/lib\/usr-guard\/dpkg-of-earlier-image-/,
    );
    expect(boot2.stdout).toContain('@@rc=0');
    expect(boot2.stdout).toContain('../../usr/lib/sysimage/dpkg');
    expect(boot2.stdout).toContain('@@q guardtest 1.1');
    expect(boot2.stdout).toContain('@@kept guardtest 1.0'); // the old one, kept
    expect(boot2.stdout).toContain('@@autoremove-nothing');
    expect(boot2.stdout).toContain("dpkg's database lives in the image: nothing to restore");
    // A kill at each step of the migration: the old database is whole in /var or kept aside, and the next boot finishes.
    for (const stop of ['migrate-kept', 'migrate-moved']) {
      const v = newVar();
      execFileSync('cp', ['-a', `${afterBoot1}/.`, v]);
      const r = runInSandbox({
        ...locked(b.dir, v, 'boot-2'),
        script: `USR_GUARD_TEST_STOP_AT=${stop} usr-guard restore-dpkg-db 2>/dev/null; echo "@@rc=$?"
{ dpkg-query --admindir=/var/lib/dpkg -W guardtest 2>/dev/null || dpkg-query --admindir="$(echo /var/lib/usr-guard/dpkg-of-earlier-image-*/dpkg)" -W guardtest; } | grep -q '1.0' && echo "@@old-whole"
usr-guard restore-dpkg-db 2>&1 >/dev/null | grep -c 'is kept in'
readlink /var/lib/dpkg; ${query}`,
      });
      await tick();
      expect(r.stdout, stop).toContain('@@rc=137');
      expect(r.stdout, stop).toContain('@@old-whole');
      expect(r.stdout, stop).toContain('../../usr/lib/sysimage/dpkg');
      expect(r.stdout, stop).toContain('@@q guardtest 1.1');
    }
  }, 900_000);
});

describe('images built with --dpkg-db=var', async () => {
  it('after an upgrade 1.0 -> 1.1: the boot unit, status, status --json and the overlay warning say the database describes another image', {
    timeout: 900_000,
  }, async () => {
    const a = debImage('1.0', 'var');
    await tick();
    const b = debImage('1.1', 'var');
    expect(b.stdout).toContain('@@link=\n');
    const varDir = newVar();
    const boot1 = runInSandbox({
      ...locked(a.dir, varDir, 'boot-1'),
      script: 'usr-guard restore-dpkg-db 2>&1; usr-guard status',
    });
    await tick();
    const boot2 = runInSandbox({
      ...locked(b.dir, varDir, 'boot-2'),
      script: `${aptUseRepo(repo)}
usr-guard restore-dpkg-db 2>&1
usr-guard status; usr-guard status --json | grep '"stale"'
mkdir -p /run/ov/u /run/ov/w && mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ov/u,workdir=/run/ov/w /usr && mkdir -p /run/ostree/deployment-state/x.0 && touch /run/ostree/deployment-state/x.0/unlocked-development
apt-get install -y ughello 2>&1 >/dev/null | grep 'describes another image'`,
    });
    expect(boot1.stdout).not.toContain('describes another image');
    const said = "dpkg's database describes another image: it lists guardtest 1.0 where this image has 1.1";
    expect(boot2.stdout).toContain(`usr-guard: ${said}`); // the boot unit
    expect(boot2.stdout).toMatch(
      /dpkg db stale\s+dpkg's database describes another image: it lists guardtest 1.0 where this image has 1.1/,
    ); // status
    expect(boot2.stdout).toContain(`"stale": "${said}`); // status --json
    expect(boot2.stdout).toContain(`  ${said}`); // the overlay warning
  });
});
