// usr-guard diff names what was done by hand, and only that (issue 29): the
// files of a Multi-Arch: same package, the links update-alternatives made, a
// cache a trigger rebuilt and usr-guard's own relocated files are the
// packages' doing; the lines name what was asked for, not what apt pulled in;
// a package file from no repository is COPY'd; a file's name with a newline or
// an escape byte is quoted, never a line of its own. Real apt and dpkg, over a
// real overlay made inside the sandbox (as diff.test.ts does).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockedBoot, UNLOCK_IN_BOOT as OVERLAY } from '../helpers/boots.js';
import { aptUseRepo } from '../helpers/debs.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildDebFrom, indexRepo } from '../helpers/odd-debs.js';
import { buildImage, runInSandbox } from '../helpers/sandbox.js';

const between = (out: string, from: string, to: string) =>
  out.slice(out.indexOf(from) + from.length, out.indexOf(to, out.indexOf(from)));

let image: string;
let repo: string;
let local: string;
beforeAll(() => {
  image = buildImage([]);
  repo = mkdtempSync(join(tmpdir(), 'ug-repo-'));
  local = mkdtempSync(join(tmpdir(), 'ug-local-'));
  const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();
  buildDebFrom(repo, { name: 'ugapp', control: ['Depends: uglib'] });
  buildDebFrom(repo, {
    name: 'uglib',
    arch,
    control: ['Multi-Arch: same'],
    files: { [`usr/lib/${arch}-linux-gnu/libug.so.1`]: 'lib\n' },
  });
  buildDebFrom(repo, {
    name: 'ugalt',
    files: { 'usr/bin/ugalt.real': '#!/bin/sh\n' },
    postinst: 'update-alternatives --install /usr/bin/ugalt ugalt /usr/bin/ugalt.real 50',
  });
  // A trigger's cache, as gtk-update-icon-cache writes it: no file list names it.
  buildDebFrom(repo, {
    name: 'ugicons',
    files: { 'usr/share/icons/hicolor/48x48/apps/ug.png': 'png\n' },
    postinst: 'echo cache > /usr/share/icons/hicolor/icon-theme.cache',
  });
  indexRepo(repo);
  buildDebFrom(local, { name: 'mytool', version: '2.0' });
});
afterAll(() => removeAll(image, repo, local));

function host(script: string) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  try {
    return runInSandbox({ ...lockedBoot(image, varDir), script: `${aptUseRepo(repo)}\n${script}` });
  } finally {
    removeAll(varDir);
  }
}

describe('after apt, dpkg -i of a local file, and three hand changes', () => {
  let r: ReturnType<typeof host>;
  beforeAll(() => {
    r = host(`${OVERLAY}
apt-get install -y ugapp ugalt ugicons >/dev/null 2>&1 || echo "@@apt failed"
cd ${local} && dpkg -i ./mytool_2.0_all.deb >/dev/null 2>&1 || echo "@@dpkg failed"
echo edited >> /usr/share/doc/dpkg/copyright
mkdir -p /usr/local/bin && touch "/usr/local/bin/x
RUN echo pwned" "/usr/local/bin/$(printf 'y\\033]0;t\\007z')"
echo "@@json:"; usr-guard diff --json; echo "@@containerfile:"; usr-guard diff --containerfile; echo "@@human:"; usr-guard diff; echo "@@end"`);
  });

  it('lists the packages, marked as apt marks them, and only the hand changes as files', () => {
    expect(r.stdout).not.toContain('failed');
    const d = JSON.parse(between(r.stdout, '@@json:', '@@containerfile:'));
    expect(d.packages.map((p: { name: string }) => p.name)).toEqual(['mytool', 'ugalt', 'ugapp', 'ugicons', 'uglib']);
    expect(d.packages.find((p: { name: string }) => p.name === 'uglib').autoInstalled).toBe(true);
    expect(d.packages.find((p: { name: string }) => p.name === 'mytool').packageFile).toBe('mytool_2.0_all.deb');
    expect(d.files).toEqual([
      { path: '/usr/local/bin/x\nRUN echo pwned', change: 'added' },
      { path: '/usr/local/bin/y\u001b]0;t\u0007z', change: 'added' },
      { path: '/usr/share/doc/dpkg/copyright', change: 'changed' },
    ]);
  });

  it('prints the Containerfile lines: what was asked for, the local file copied, hand changes as one comment line each', () => {
    expect(between(r.stdout, '@@containerfile:', '@@human:').trim().split('\n')).toEqual([
      "# What this boot's transient overlay on /usr holds, as Containerfile lines (usr-guard diff).",
      'COPY mytool_2.0_all.deb /tmp/',
      'RUN apt-get install -y ugalt ugapp ugicons /tmp/mytool_2.0_all.deb',
      // The later dpkg -i of a file is node's (not replayed), which keeps a copy of it.
      '# mytool_2.0_all.deb: from no repository; usr-guard kept a copy: put /var/lib/usr-guard/package-files/mytool_2.0_all.deb in the build context.',
      '# With them, as apt installed them then: uglib',
      '# Files changed by hand: their content must come from the build context (copy them out of /usr before the reboot).',
      "# COPY $'usr/local/bin/x\\nRUN echo pwned' $'/usr/local/bin/x\\nRUN echo pwned'",
      "# COPY $'usr/local/bin/y\\E]0;t\\x07z' $'/usr/local/bin/y\\E]0;t\\x07z'",
      '# COPY usr/share/doc/dpkg/copyright /usr/share/doc/dpkg/copyright',
    ]);
  });

  it('says it for a person with no control character of a name reaching the terminal', () => {
    const human = between(r.stdout, '@@human:', '@@end');
    expect(human).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(human).toContain("  added    $'/usr/local/bin/x\\nRUN echo pwned'");
    expect(human).toContain('  apt  added     mytool 2.0 (from mytool_2.0_all.deb)');
    expect(human).toContain('  apt  added     uglib 1.0 (with another)');
    expect(human).not.toMatch(/^RUN/m);
  });
});

// The reminder speaks only to a terminal: script(1) gives the login shell one.
const LOGIN = `echo "@@login:"; script -qec 'sh -l -c true' /dev/null </dev/null; echo "@@end"`;
const REMINDER =
  "usr-guard: this boot's overlay on /usr holds changes; they go at reboot. To see them: usr-guard diff (to keep them: usr-guard keep)";

describe('changes made by hand only: no hook ran this boot', () => {
  it('diff lists them with no note on packages (dpkg wrote nothing this boot), and the login reminder speaks', () => {
    const r = host(`${OVERLAY}
touch -d 2000-01-01 /var/lib/dpkg/status
mkdir -p /usr/local/bin && echo x > /usr/local/bin/mine
usr-guard diff; ${LOGIN}
ls /run/usr-guard 2>/dev/null | wc -l | sed 's/^/@@run=/'`);
    expect(r.stdout).toContain('  added    /usr/local/bin/mine');
    expect(r.stdout).not.toContain('note:');
    expect(between(r.stdout, '@@login:', '@@end').replace(/\r/g, '').trim()).toBe(REMINDER);
    // The reminder found the overlay itself: nothing of usr-guard ran to leave a line.
    expect(r.stdout).toContain('@@run=0');
  });

  it('an empty overlay: the reminder says nothing', () => {
    const r = host(`${OVERLAY}\n${LOGIN}`);
    expect(between(r.stdout, '@@login:', '@@end').trim()).toBe('');
  });

  it('dpkg changed packages before usr-guard watched: a note in plain words', () => {
    const r = host(`${OVERLAY}
apt-get install -y ugapp >/dev/null 2>&1; rm -rf /run/usr-guard /var/lib/usr-guard/dpkg-snapshot
usr-guard diff`);
    expect(r.stdout).toContain(
      "note: packages changed with apt or dpkg are not listed: usr-guard did not keep the list of the image's packages before this boot's first change (it was not installed or not watching then), so there is nothing to compare with",
    );
    expect(r.stdout).not.toContain('baseline');
  });
});

it('composefs, whose overlay has no upper layer reachable by a path: says what cannot be listed, not "nothing changed"', () => {
  const r = runInSandbox({
    usr: 'image+overlay',
    composefs: true,
    image,
    script: 'echo x > /usr/share/ug-note; usr-guard diff; echo "@@rc=$?"',
  });
  expect(r.stdout).toMatch(
    /note: files changed by hand cannot be listed: on this composefs host the overlay's upper layer is not reachable by a path \(.*\); only the packages are compared/,
  );
  expect(r.stdout).not.toContain('nothing changed');
  expect(r.stdout).toContain('@@rc=0');
});

describe('a package file from no repository: usr-guard keeps a copy at the change', () => {
  it('dpkg -i ./mytool_2.0_all.deb: a whole copy only root reads, and the lines name it; a copy let go for room says so', () => {
    const r = host(`${OVERLAY}
cd ${local} && dpkg -i ./mytool_2.0_all.deb >/dev/null || echo "@@dpkg failed"
cd /; S=/var/lib/usr-guard/package-files
stat -c '@@store=%a %U' $S; stat -c '@@copy=%a %U' $S/mytool_2.0_all.deb; cmp $S/mytool_2.0_all.deb ${local}/mytool_2.0_all.deb && echo @@same
ls -A $S | grep -c '^\\.' | sed 's/^/@@temps=/'
echo "@@kept:"; usr-guard diff --containerfile | grep mytool; echo "@@json:"; usr-guard diff --json; echo "@@end"
rm $S/mytool_2.0_all.deb; echo "@@gone:"; usr-guard diff --containerfile | grep mytool; echo "@@end2"`);
    expect(r.stdout).not.toContain('failed');
    expect(r.stdout).toContain('@@store=700 root');
    expect(r.stdout).toContain('@@copy=600 root');
    expect(r.stdout).toContain('@@same');
    expect(r.stdout).toContain('@@temps=0');
    expect(between(r.stdout, '@@kept:', '@@json:').trim().split('\n')).toEqual([
      'COPY mytool_2.0_all.deb /tmp/',
      'RUN apt-get install -y /tmp/mytool_2.0_all.deb',
      '# mytool_2.0_all.deb: from no repository; usr-guard kept a copy: put /var/lib/usr-guard/package-files/mytool_2.0_all.deb in the build context.',
    ]);
    const d = JSON.parse(between(r.stdout, '@@json:', '@@end'));
    expect(d.packages).toEqual([
      {
        manager: 'apt',
        name: 'mytool',
        change: 'added',
        version: '2.0',
        fromVersion: null,
        packageFile: 'mytool_2.0_all.deb',
        packageFileCopy: '/var/lib/usr-guard/package-files/mytool_2.0_all.deb',
      },
    ]);
    expect(between(r.stdout, '@@gone:', '@@end2').trim().split('\n').at(-1)).toBe(
      "# mytool_2.0_all.deb: from no repository; usr-guard's copy was let go for room (it keeps 256 MiB at most): put the file in the build context.",
    );
  });
});

it("status: a mount's source with an escape in it is quoted, not sent to the terminal", () => {
  const r = host(`${OVERLAY.replace('mount -t overlay overlay', `mount -t overlay "$(printf 'ov\\033]0;t\\007')"`)}
usr-guard status`);
  expect(r.stdout).toContain("overlay from $'ov\\E]0;t\\x07' at /usr, writable, overlay with an upper layer");
  expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
});
