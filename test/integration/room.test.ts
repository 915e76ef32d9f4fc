// Room on an overlay /usr (issue 29): a change of apt or dpkg that the overlay's
// upper layer cannot hold stops before dpkg starts, saying what it needs and
// what is free; one that fits goes on. The real apt and dpkg, on a modelled
// bootc overlay whose upper layer is a small tmpfs (bootc's is a tmpfs of half
// the RAM). Without the check dpkg unpacks until "No space left on device"
// and leaves a package half-installed.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { indexRepo } from '../helpers/debs.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildPkg, missingPacmanTool } from '../helpers/pacman-pkgs.js';
import { pacmanRun } from '../helpers/pacman-runs.js';
import { dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, runAndCompare, type SandboxSpec, shq } from '../helpers/sandbox.js';
import { COUNT_NODE_STARTS, nodeStarts } from '../helpers/node-starts.js';
import { buildSizedDeb, buildSizedRpmRepo, MiB } from '../helpers/sized-debs.js';

const NO_ROOM = "error: not enough room in /usr's overlay: this change needs about";
const REPLAY_LINE =
  'usr-guard: warning: /usr is a transient overlay: this change is discarded at reboot; /etc and /var keep theirs (usr-guard diff lists what the overlay holds).';

let image: string;
let repo: string;
let debs: string;
beforeAll(() => {
  debs = mkdtempSync(join(tmpdir(), 'ug-debs-'));
  repo = mkdtempSync(join(tmpdir(), 'ug-repo-'));
  // The image has ugmid 1.0 (two files of 1.5 MiB): its files are in the overlay's lower layer.
  image = buildImage([], [buildSizedDeb(debs, 'ugmid', '1.0', 1.5 * MiB, 2)]);
  // The repository: two of 3 MiB (6 MiB together), a small one, and ugmid 2.0 (3 MiB again).
  for (const [name, bytes, files] of [
    ['ugbiga', 3 * MiB, 1],
    ['ugbigb', 3 * MiB, 1],
    ['ugsmall', 256 * 1024, 1],
  ] as const)
    buildSizedDeb(repo, name, '1.0', bytes, files);
  buildSizedDeb(repo, 'ugmid', '2.0', 1.5 * MiB, 2);
  indexRepo(repo);
  copyFileSync(join(repo, 'ugbiga_1.0_all.deb'), join(debs, 'ugbiga_1.0_all.deb'));
  copyFileSync(join(repo, 'ugsmall_1.0_all.deb'), join(debs, 'ugsmall_1.0_all.deb'));
}, 120_000);
afterAll(() => removeAll(image, repo, debs));

/** A bootc overlay whose upper layer holds `size`; /var starts from the image's (ugmid 1.0 installed). */
const host = (size: string): Omit<SandboxSpec, 'script'> => ({
  ...OVERLAY,
  image,
  overlaySize: size,
  varDir: mkdtempSync(join(debs, 'var-')),
});

/** `cmd`, then what dpkg's database says of a package ("@@NAME=ii 1.0", or nothing after "="); the exit code is cmd's. */
const thenStatus = (cmd: string, name: string) =>
  `${cmd}; rc=$?; echo "@@${name}=$(dpkg-query -W -f '\${db:Status-Abbrev}\${Version}' ${name} 2>/dev/null)"; (exit $rc)`;

/** Refused for room: the words, exit code, nothing changed (dpkg's status, /usr), dpkg never started. */
function expectNoRoom(r: ReturnType<typeof aptRun>) {
  expect(r.stderr).toContain(NO_ROOM);
  expect(r.rc).not.toBe(0);
  expect(r.unchanged).toBe(true);
  expect(r.stdout + r.stderr).not.toMatch(/No space left on device|dpkg: error processing|Unpacking /);
}

describe('apt-get on a bootc overlay with a 4 MiB upper layer', () => {
  it('two packages that need 6 MiB stop before the download, with nothing half-installed', () => {
    const r = aptRun(host('4m'), thenStatus(`apt-get install -y ugbiga ugbigb`, 'ugbiga'), repo);
    expectNoRoom(r);
    expect(r.stdout).not.toMatch(/^Get:/m); // before apt downloads anything
    expect(r.stderr).toMatch(/needs about 7\.\d MiB, 4\.0 MiB is free/);
    expect(r.stderr).toContain("'usr-guard diff' lists it");
    expect(r.stdout).toContain('@@ugbiga=\n');
  });

  it('a small package goes on, with the overlay warning', () => {
    const r = aptRun(host('4m'), thenStatus(`apt-get install -y ugsmall`, 'ugsmall'), repo);
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('not enough room');
    expect(r.stderr).toContain('usr-guard: warning: /usr is a transient overlay');
    expect(r.stdout).toContain('@@ugsmall=ii 1.0');
  });
});

describe('the configuration', () => {
  const conf = (mode: string) => `printf '[guard]\\nmode = ${mode}\\n' > /etc/usr-guard/usr-guard.conf`;
  it('mode = warn: said as a warning, and dpkg goes on (and runs out)', () => {
    const r = aptRun(host('4m'), 'apt-get install -y ugbiga ugbigb', repo, conf('warn'));
    expect(r.stderr).toContain(
      "usr-guard: warning: not enough room in /usr's overlay: this change needs about 7.6 MiB",
    );
    expect(r.stdout + r.stderr).toContain('No space left on device');
  });
  it('mode = off: no check', () => {
    const r = aptRun(host('4m'), 'apt-get install -y ugbiga ugbigb', repo, conf('off'));
    expect(r.stderr).not.toContain('not enough room');
  });
});

describe('an upgrade counts the old files that dpkg copies up', () => {
  // 3 MiB new and 3 MiB old in the lower layer (dpkg's backup links copy them up): a fresh 3 MiB fits in 6 MiB, this does not.
  it('apt-get upgrade of a 3 MiB package in a 6 MiB overlay stops; ugmid stays 1.0', () => {
    const r = aptRun(host('6m'), thenStatus(`apt-get install -y ugmid`, 'ugmid'), repo);
    expectNoRoom(r);
    expect(r.stdout).toContain('@@ugmid=ii 1.0');
  });

  it('the same upgrade in a 16 MiB overlay goes on', () => {
    const r = aptRun(host('16m'), thenStatus(`apt-get install -y ugmid`, 'ugmid'), repo);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('@@ugmid=ii 2.0');
  });
});

describe('a bare dpkg -i reads the size from the package file', () => {
  it('a 3 MiB .deb in a 2 MiB overlay stops before dpkg unpacks', () => {
    const r = aptRun(host('2m'), thenStatus(`dpkg -i ${debs}/ugbiga_1.0_all.deb`, 'ugbiga'), repo);
    expectNoRoom(r);
    expect(r.stdout).toContain('@@ugbiga=\n');
  });

  it('a small .deb (given by a relative name) goes on', () => {
    const r = aptRun(host('2m'), thenStatus(`cd ${debs} && dpkg -i ./ugsmall_1.0_all.deb`, 'ugsmall'), repo);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('@@ugsmall=ii 1.0');
  });
});

describe('Pre-Install-Pkgs (aptitude): after the download, before dpkg', () => {
  it.skipIf(!existsSync('/usr/bin/aptitude'))('aptitude install of 6 MiB in a 4 MiB overlay stops', () => {
    const r = aptRun(host('4m'), thenStatus('aptitude install -y ugbiga ugbigb </dev/null', 'ugbiga'), repo);
    expectNoRoom(r);
    expect(r.stdout).toContain('@@ugbiga=\n');
  });
});

describe('the offer says the room of the overlay it made', () => {
  // A stand-in for bootc that makes the overlay on an 8 MiB tmpfs, as bootc does on its own (unsized) tmpfs.
  const bootc = (size: string) => `#!/bin/sh
mkdir -p /run/ug-ov && mount -t tmpfs -o size=${size} ug-ov /run/ug-ov && mkdir -p /run/ug-ov/up /run/ug-ov/wk
mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ug-ov/up,workdir=/run/ug-ov/wk /usr || exit 1
mkdir -p /run/ostree/deployment-state/0a1b2c.0 && touch /run/ostree/deployment-state/0a1b2c.0/unlocked-development`;
  const setup = (
    size: string,
  ) => `mkdir -p /tmp/ugbin && printf '%s\\n' ${shq(bootc(size))} > /tmp/ugbin/bootc && chmod +x /tmp/ugbin/bootc
printf '[guard]\\nmode = overlay\\n\\n[paths]\\nbootc = /tmp/ugbin/bootc\\n' > /etc/usr-guard/usr-guard.conf`;
  const locked = () => ({ ...LOCKED, image, varDir: mkdtempSync(join(debs, 'var-')) });
  it('mode = overlay: "The overlay has 8.0 MiB free"', () => {
    const r = aptRun(locked(), thenStatus('apt-get install -y ugsmall', 'ugsmall'), repo, setup('8m'));
    expect(r.stderr).toContain('  The overlay has 8.0 MiB free; a change that needs more is stopped before it starts.');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('@@ugsmall=ii 1.0');
  });
  it('a change that does not fit in the overlay just made is refused', () => {
    const r = aptRun(locked(), thenStatus('apt-get install -y ugbiga ugbigb', 'ugbiga'), repo, setup('4m'));
    // (/usr itself changed: it has an overlay now. dpkg never started.)
    expect(r.stderr).toContain(NO_ROOM);
    expect(r.rc).not.toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/No space left on device|dpkg: error processing|Unpacking |^Get:/m);
    expect(r.stdout).toContain('@@ugbiga=\n');
  });
});

describe('later runs of the boot', () => {
  // The shell says the later runs' one line from its record (hooks/usr-guard-hook). A few MiB of free
  // room is below the record's floor (check/room.ts ROOM_FLOOR_KIB): the shell hands the room to node.
  const counted = (first: string, later: string, name: string) =>
    `${first} >/dev/null 2>&1
test "$(sed -n 4p /run/usr-guard/replay)" = ${1024 * 1024} || echo @@no-floor
${COUNT_NODE_STARTS}
echo @@later >&2
${thenStatus(later, name)}; rc=$?; echo "@@audit=$(dpkg --audit | wc -l)"; echo @@starts; cat /tmp/node-starts; (exit $rc)`;
  const starts = (r: ReturnType<typeof aptRun>) => nodeStarts(r.stdout.slice(r.stdout.indexOf('@@starts')));

  it('a later apt-get run that does not fit: checked in node at the JSON hook, refused, nothing half-installed', () => {
    const r = aptRun(
      host('4m'),
      counted('apt-get install -y ugsmall', 'apt-get install -y ugbiga ugbigb', 'ugbiga'),
      repo,
    );
    expect(r.stdout).not.toContain('@@no-floor');
    expect(r.stderr).toContain(NO_ROOM);
    expect(r.rc).not.toBe(0);
    expect(starts(r)).toEqual(['node apt-json']);
    expect(r.stdout).toContain('@@ugbiga=\n');
    expect(r.stdout).toContain('@@audit=0');
    expect(r.stdout + r.stderr).not.toMatch(/No space left on device|dpkg: error processing|Unpacking |^Get:/m);
  });

  it('a later apt-get run that fits hears the one line, from the room check in node', () => {
    const r = aptRun(host('4m'), counted('apt-get install -y ugsmall', 'apt-get remove -y ugsmall', 'ugsmall'), repo);
    expect(r.rc).toBe(0);
    expect(starts(r)).toEqual(['node apt-json']);
    const later = r.stderr.slice(r.stderr.indexOf('@@later'));
    expect(later.split('\n').filter((l) => l.startsWith('usr-guard'))).toEqual([REPLAY_LINE]);
    expect(r.stdout).toContain('@@ugsmall=\n');
  });

  it('a later bare dpkg -i that does not fit: refused in node before dpkg unpacks', () => {
    const r = aptRun(
      host('2m'),
      counted(`dpkg -i ${debs}/ugsmall_1.0_all.deb`, `dpkg -i ${debs}/ugbiga_1.0_all.deb`, 'ugbiga'),
      repo,
    );
    expect(r.stderr).toContain(NO_ROOM);
    expect(r.rc).not.toBe(0);
    expect(starts(r)).toEqual(['node dpkg']);
    expect(r.stdout).toContain('@@ugbiga=\n');
    expect(r.stdout).toContain('@@audit=0');
  });
});

// dnf checks the room itself (rpm's transaction test): usr-guard adds nothing, and nothing is installed.
describe.skipIf(missingRpmTool() !== null)("dnf 4 on a small overlay: rpm's own check", () => {
  it('a 6 MiB rpm in a 4 MiB overlay: "needs …MB more space on the /usr filesystem", nothing installed', () => {
    const rpmRepo = buildSizedRpmRepo('ugrpmbig', '1.0', 6 * MiB);
    try {
      // (dnf touches folders of its own in /usr: the package's files are what must not be there.)
      const snap = 'rpm -qa | sort | sha256sum; ls /usr/share/ugrpmbig 2>/dev/null';
      const r = runAndCompare(
        { ...OVERLAY, image, overlaySize: '4m' },
        dnfUseRepo(rpmRepo),
        snap,
        'dnf -y install ugrpmbig',
      );
      expect(r.rc).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(
        /installing package ugrpmbig-1\.0-1\.noarch needs \d+MB more space on the \/usr filesystem/,
      );
      expect(r.unchanged).toBe(true);
      expect(r.stderr).not.toContain('not enough room');
    } finally {
      removeAll(rpmRepo);
    }
  });
});

// pacman checks the room itself (CheckSpace, on in Debian's pacman.conf), after the download, before it extracts.
describe.skipIf(missingPacmanTool() !== null)('pacman on a small overlay: its own CheckSpace', () => {
  it('a 6 MiB package in a 4 MiB overlay: "Partition /usr too full", nothing installed', () => {
    const pacRepo = mkdtempSync(join(tmpdir(), 'ug-pacrepo-'));
    try {
      const pkg = buildPkg(pacRepo, 'ugpbig', '1-1', 6 * MiB);
      execFileSync('repo-add', ['-q', join(pacRepo, 'ugtest.db.tar.gz'), pkg], { stdio: 'ignore' });
      const r = pacmanRun({ ...OVERLAY, image, overlaySize: '4m' }, 'pacman --noconfirm -S ugpbig', pacRepo, '');
      expect(r.rc).not.toBe(0);
      expect(r.stderr).toMatch(/error: Partition \/usr too full: \d+ blocks needed, \d+ blocks free/);
      expect(r.unchanged).toBe(true);
      expect(r.stdout + r.stderr).not.toContain('not enough room');
    } finally {
      removeAll(pacRepo);
    }
  });
});

// apt 3.0's `apt` warns "More space needed than available" and goes on; usr-guard stops it first.
const DEBIAN13 = process.env.USR_GUARD_DEBIAN13_ROOT ?? '';
describe.skipIf(!DEBIAN13 || !existsSync(`${DEBIAN13}/usr/bin/apt`))('apt 3.0 (Debian 13)', () => {
  let image13: string;
  beforeAll(() => {
    image13 = buildImage([], [], DEBIAN13);
  });
  afterAll(() => removeAll(image13));
  const host13 = (): Omit<SandboxSpec, 'script'> => ({
    ...host('4m'),
    image: image13,
    base: DEBIAN13,
    binds: [repo, debs],
  });

  it('apt install of 6 MiB in a 4 MiB overlay stops before the download', () => {
    const r = aptRun(host13(), thenStatus('apt install -y ugbiga ugbigb', 'ugbiga'), repo);
    expectNoRoom(r);
    expect(r.stdout).not.toMatch(/^Get:/m);
    expect(r.stdout).toContain('@@ugbiga=\n');
  });

  it('a small one goes on', () => {
    const r = aptRun(host13(), thenStatus('apt install -y ugsmall', 'ugsmall'), repo);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('@@ugsmall=ii 1.0');
  });
});
