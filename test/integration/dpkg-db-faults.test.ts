// dpkg's database through concurrent runs, kills at each step and power cuts
// (the syncs), with the real dpkg and apt in two-boot sandboxes. A kill is
// USR_GUARD_TEST_STOP_AT=<step> (src/fs/test-stop.ts, docs/testing.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo, buildDeb, buildRepo } from '../helpers/debs.js';
import { journal } from '../helpers/image-builds.js';
import { buildImage, DIST, runInSandbox } from '../helpers/sandbox.js';

/** Lets vitest's worker answer its RPC between long spawnSync runs (it times out after a minute). */
const tick = () => new Promise((r) => setImmediate(r));
const dirs: string[] = [];
const keep = (d: string) => {
  dirs.push(d);
  return d;
};
let repo: string;
let debs: string;
let image: string;
beforeAll(() => {
  repo = keep(buildRepo(['ughello']));
  debs = keep(mkdtempSync(join(tmpdir(), 'ug-debs-')));
  for (const n of ['uga', 'ugb', 'ugc', 'ugd']) buildDeb(debs, n);
  image = keep(buildImage());
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const newVar = () => keep(mkdtempSync(join(tmpdir(), 'ug-var-')));
const transient = (varDir: string, bootId: string) =>
  ({ usr: 'image+overlay', ostreeBooted: true, unlocked: 'development', image, varDir, bootId }) as const;
const locked = (varDir: string, bootId: string) =>
  ({ usr: 'image', ostreeBooted: true, image, varDir, bootId }) as const;
/** Every entry of dpkg's database with its type and link target, and the content of every file (a folder's size is its file system's). */
const DIGEST = `digest() { (cd /var/lib/dpkg && find . -printf '%y %p %l\\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum; }`;

describe("concurrent runs at a boot's first change", async () => {
  it('four dpkg -i at once, three times: the next boot puts back exactly the database of before', async () => {
    for (let round = 1; round <= 3; round++) {
      const varDir = newVar();
      const boot1 = runInSandbox({
        ...transient(varDir, 'boot-1'),
        script: `usr-guard restore-dpkg-db 2>/dev/null
${DIGEST}
digest > /var/tmp/before
for n in uga ugb ugc ugd; do dpkg -i ${debs}/\${n}_1.0_all.deb >/dev/null 2>&1 & done; wait
ls /var/lib/usr-guard`,
      });
      await tick();
      expect(boot1.stdout).toContain('dpkg-snapshot\n');
      expect(boot1.stderr).not.toMatch(/could not save|EEXIST|ENOTEMPTY/);
      const boot2 = runInSandbox({
        ...locked(varDir, 'boot-2'),
        script: `${DIGEST}\nusr-guard restore-dpkg-db 2>&1\n[ "$(digest)" = "$(cat /var/tmp/before)" ] && echo "@@exact"`,
      });
      await tick();
      expect(boot2.stdout, `round ${round}: ${boot2.stdout}`).toContain('@@exact');
    }
  }, 900_000);
});

describe('a kill at each step', async () => {
  // A boot whose unit took no snapshot: the hooks' fallback (never put back) is still whole or absent.
  it("of a hook's fallback snapshot: no half snapshot, dpkg goes on, and the next run takes a whole one", {
    timeout: 600_000,
  }, async () => {
    for (const stop of ['snapshot-copied', 'snapshot-synced']) {
      const r = runInSandbox({
        ...transient(newVar(), 'boot-1'),
        script: `USR_GUARD_TEST_STOP_AT=${stop} dpkg -i ${debs}/uga_1.0_all.deb >/dev/null 2>&1; echo "@@rc=$?"
ls /var/lib/usr-guard | grep -vx dpkg-snapshot.lock | sed 's/-[0-9]*-[0-9a-f]*$/-N/'
dpkg --audit && echo "@@audit-clean"
dpkg -i ${debs}/ugb_1.0_all.deb >/dev/null 2>&1; echo "@@after:" $(ls /var/lib/usr-guard | grep -v -e overlay-record.json -e package-files)`,
      });
      await tick();
      expect(r.stdout, stop).toBe(
        '@@rc=0\ndpkg-snapshot.new-N\n@@audit-clean\n@@after: dpkg-snapshot dpkg-snapshot.lock\n',
      );
    }
  });

  it('of the restore: every step leaves the snapshot whole or the database put back, and the next run gives exactly the database of before', async () => {
    const base = newVar();
    runInSandbox({
      ...transient(base, 'boot-1'),
      script: `usr-guard restore-dpkg-db 2>/dev/null\n${DIGEST}\ndigest > /var/tmp/before\n${aptUseRepo(repo)}\napt-get install -y ughello >/dev/null 2>&1`,
    });
    for (const stop of ['restore-copied', 'restore-synced', 'restore-moved-aside', 'restore-renamed']) {
      const varDir = newVar();
      execFileSync('cp', ['-a', `${base}/.`, varDir]); // with the overlay's whiteouts
      const r = runInSandbox({
        ...locked(varDir, 'boot-2'),
        script: `${DIGEST}
USR_GUARD_TEST_STOP_AT=${stop} usr-guard restore-dpkg-db 2>/dev/null; echo "@@rc=$?"
if [ -d /var/lib/dpkg ]; then dpkg --audit && echo "@@accepted"; else echo "@@no-database"; fi
[ "$(digest 2>/dev/null)" = "$(cat /var/tmp/before)" ] && echo "@@restored"
usr-guard status | grep -q 'dpkg snapshot.*not whole' && echo "@@said-not-whole"
test -f /var/lib/usr-guard/dpkg-snapshot/manifest && echo "@@snapshot-kept"
usr-guard restore-dpkg-db 2>&1; [ "$(digest)" = "$(cat /var/tmp/before)" ] && echo "@@exact"
ls -d /var/lib/dpkg.* /var/lib/usr-guard/dpkg-snapshot* 2>/dev/null`,
      });
      await tick();
      expect(r.stdout, stop).toContain('@@rc=137'); // killed
      // The one step between the two renames leaves no /var/lib/dpkg, with the snapshot whole for the next run.
      expect(r.stdout, stop).toContain(stop === 'restore-moved-aside' ? '@@no-database' : '@@accepted');
      expect(r.stdout.includes('@@snapshot-kept') || r.stdout.includes('@@restored'), `${stop}: ${r.stdout}`).toBe(
        true,
      );
      expect(r.stdout, stop).not.toContain('@@said-not-whole');
      expect(r.stdout, stop).toContain('@@exact');
      // No leftovers: this boot's snapshot, and the lock.
      expect(r.stdout, stop).toMatch(
        /@@exact\n\/var\/lib\/usr-guard\/dpkg-snapshot\n\/var\/lib\/usr-guard\/dpkg-snapshot.lock\n$/,
      );
    }
  }, 900_000);

  it('of --dpkg-db=image (same file system, and across): the database is whole in one place, and the next run finishes', {
    timeout: 600_000,
  }, async () => {
    const ug = `node ${DIST} install --without program --dpkg-db=image --root`;
    const db = (r: string) =>
      `mkdir -p ${r}/var/lib/dpkg/info ${r}/var/lib/dpkg/updates ${r}/usr/lib && printf 'Package: a\\nStatus: install ok installed\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: t <t@t>\\nDescription: t\\n' > ${r}/var/lib/dpkg/status`;
    const q = (d: string) => `dpkg-query --admindir=${d} -W a >/dev/null 2>&1`;
    let script = '';
    for (const stop of ['relocate-marked', 'relocate-copied', 'relocate-moved-aside', 'relocate-linked']) {
      for (const across of [false, true]) {
        const r = `/tmp/${stop}-${across}`;
        script += `${db(r)}${across ? ` && mount -t tmpfs ug-var ${r}/var && ${db(r)}` : ''}
USR_GUARD_TEST_STOP_AT=${stop} ${ug} ${r} >/dev/null 2>&1; echo "@@${stop}-${across}: rc=$?"
{ ${q(`${r}/var/lib/dpkg`)} || ${q(`${r}/usr/lib/sysimage/dpkg`)}; } && echo "@@${stop}-${across}: whole"
${ug} ${r} >/dev/null && [ "$(readlink ${r}/var/lib/dpkg)" = ../../usr/lib/sysimage/dpkg ] && ${q(`${r}/var/lib/dpkg`)} && echo "@@${stop}-${across}: finished"
ls -d ${r}/usr/lib/sysimage/dpkg.* ${r}/var/lib/dpkg.* 2>/dev/null
`;
      }
    }
    const out = runInSandbox({ usr: 'writable', script }).stdout;
    for (const stop of ['relocate-marked', 'relocate-copied', 'relocate-moved-aside', 'relocate-linked']) {
      for (const across of [false, true]) {
        const tag = `@@${stop}-${across}`;
        expect(out).toContain(`${tag}: rc=137`);
        await tick();
        expect(out).toContain(`${tag}: whole`);
        expect(out).toContain(`${tag}: finished\n`);
      }
    }
    expect(out).not.toMatch(/^\/tmp\//m); // no leftovers
  });
});

/** strace's lines for syscalls that make a copy durable or put it in place. */
const STRACE = 'strace -f -qq -e trace=fsync,fdatasync,syncfs,rename,renameat,renameat2 -o /tmp/st';
const order = (log: string, ...patterns: RegExp[]) => patterns.map((p) => log.split('\n').findIndex((l) => p.test(l)));

describe('the syncs (strace)', async () => {
  it('the snapshot, the restore and the move into the image reach the disk before they are renamed into place', {
    timeout: 600_000,
  }, async () => {
    const varDir = newVar();
    const boot1 = runInSandbox({
      ...transient(varDir, 'boot-1'),
      // The boot unit's snapshot at the boot's start, then a change.
      script: `${STRACE} usr-guard restore-dpkg-db >/dev/null 2>&1; cat /tmp/st; dpkg -i ${debs}/uga_1.0_all.deb >/dev/null 2>&1`,
    });
    await tick();
    const boot2 = runInSandbox({
      ...locked(varDir, 'boot-2'),
      script: `${STRACE} usr-guard restore-dpkg-db >/dev/null 2>&1; cat /tmp/st`,
    });
    const move = runInSandbox({
      usr: 'writable',
      script: `mkdir -p /tmp/r/var /tmp/r/usr/lib && mount -t tmpfs ug-var /tmp/r/var && mkdir -p /tmp/r/var/lib && cp -a /var/lib/dpkg /tmp/r/var/lib/
${STRACE} node ${DIST} install --without program --dpkg-db=image --root /tmp/r >/dev/null; cat /tmp/st`,
    });
    await tick();
    const snap = order(
      boot1.stdout,
      /syncfs\(/,
      /rename\(".*dpkg-snapshot\.new-[^"]*", "\/var\/lib\/usr-guard\/dpkg-snapshot"\)/,
    );
    const restore = order(
      boot2.stdout,
      /syncfs\(/,
      /rename\(".*dpkg\.usr-guard-new-[^"]*", "\/var\/lib\/dpkg"\)/,
      // then this boot's snapshot, synced before it replaces the one put back
      /rename\("\/var\/lib\/usr-guard\/dpkg-snapshot", ".*dpkg-snapshot\.old-/,
      /rename\(".*dpkg-snapshot\.new-[^"]*", "\/var\/lib\/usr-guard\/dpkg-snapshot"\)/,
    );
    const reloc = order(
      move.stdout,
      /syncfs\(/,
      /rename\(".*sysimage\/dpkg\.partial-[^"]*", "\/tmp\/r\/usr\/lib\/sysimage\/dpkg"\)/,
    );
    for (const [name, idx] of Object.entries({ snap, restore, reloc })) {
      expect(
        idx.every((i) => i >= 0),
        `${name}: ${idx}`,
      ).toBe(true);
      expect(
        [...idx].sort((a, b) => a - b),
        name,
      ).toEqual(idx);
    }
    const count = (log: string, call: string) =>
      log.split('\n').filter((l) => new RegExp(`\\b${call}\\(`).test(l)).length;
    console.log(
      `syncs: snapshot ${count(boot1.stdout, 'syncfs')} syncfs + ${count(boot1.stdout, 'fsync')} fsync; restore ${count(boot2.stdout, 'syncfs')} syncfs + ${count(boot2.stdout, 'fsync')} fsync; move ${count(move.stdout, 'syncfs')} syncfs + ${count(move.stdout, 'fsync')} fsync`,
    );
  });
});

describe('a snapshot that is not whole', async () => {
  it('is never put back, and status and the restore say so; a whole one waiting is said before the boot unit runs', {
    timeout: 600_000,
  }, async () => {
    const varDir = newVar();
    runInSandbox({
      ...transient(varDir, 'boot-1'),
      script: `usr-guard restore-dpkg-db 2>/dev/null\n${aptUseRepo(repo)}\napt-get install -y ughello >/dev/null 2>&1`,
    });
    const waiting = runInSandbox({ ...locked(varDir, 'boot-2'), script: 'usr-guard status' });
    await tick();
    expect(waiting.stdout).toMatch(
      /dpkg snapshot\s+taken at the start of boot boot-1: the boot unit \(usr-guard-restore-dpkg-db.service, or 'usr-guard restore-dpkg-db'\) puts back what an overlay changed since/,
    );
    const r = runInSandbox({
      ...locked(varDir, 'boot-2'),
      // Replaced, not written in place: the snapshot's files are links to the database's of boot 1's start.
      script: `S=/var/lib/usr-guard/dpkg-snapshot/db; : > $S/status.new && mv $S/status.new $S/status
before=$(sha256sum </var/lib/dpkg/status)
usr-guard status | grep 'dpkg snapshot'
${journal.listen}
usr-guard restore-dpkg-db; echo "@@rc=$?"
${journal.show}
[ "$before" = "$(sha256sum </var/lib/dpkg/status)" ] && echo "@@db-unchanged"`,
    });
    await tick();
    expect(r.stdout).toMatch(
      /dpkg snapshot\s+not whole \(status is not as its manifest says \(\d+ bytes, found 0 bytes\)\): never put back/,
    );
    expect(r.stderr).toMatch(
      /the snapshot in \/var\/lib\/usr-guard\/dpkg-snapshot is not whole: .*It is never put back/,
    );
    expect(r.stdout).toContain('@@rc=1');
    expect(r.stdout).toMatch(
      /@@journal: .*usr-guard: the snapshot in \/var\/lib\/usr-guard\/dpkg-snapshot is not whole: .*never put back/,
    );
    expect(r.stdout).toContain('@@db-unchanged');
  });
});

describe('install and uninstall around the move', async () => {
  it("--dpkg-db takes var or image; uninstall says dpkg's database stays in /usr/lib/sysimage/dpkg, and keeps an earlier image's", {
    timeout: 600_000,
  }, async () => {
    const ug = `node ${DIST}`;
    const r = runInSandbox({
      usr: 'writable',
      script: `${ug} install --dpkg-db=usr --root /tmp; echo "@@rc=$?"
${ug} install --dpkg-db=var --relocate-dpkg-db --root /tmp; echo "@@rc=$?"
mkdir -p /tmp/r/var/lib /tmp/r/usr/lib && cp -a /var/lib/dpkg /tmp/r/var/lib/
mkdir -p /tmp/r/var/lib/usr-guard/dpkg-of-earlier-image-x/dpkg
${ug} install --without program --relocate-dpkg-db --root /tmp/r >/dev/null && ${ug} uninstall --root /tmp/r | grep kept`,
    });
    await tick();
    expect(r.stderr).toContain("--dpkg-db must be var or image, not 'usr'");
    expect(r.stderr).toContain('do not go together');
    expect(r.stdout.match(/@@rc=2/g)).toHaveLength(2);
    expect(r.stdout).toContain(
      "kept /tmp/r/usr/lib/sysimage/dpkg: dpkg's database stays there (/tmp/r/var/lib/dpkg links to it)",
    );
    expect(r.stdout).toContain(
      'kept /tmp/r/var/lib/usr-guard/: it holds the dpkg database of an earlier image (dpkg-of-earlier-image-*)',
    );
  });
});
