// Room on an overlay /usr (issue 29): a change of apt or dpkg that the overlay's
// upper layer cannot hold stops before dpkg starts, saying what it needs and
// what is free; one that fits goes on. The real apt and dpkg, on a modelled
// bootc overlay whose upper layer is a small tmpfs (bootc's is a tmpfs of half
// the RAM). Without the check dpkg unpacks until "No space left on device"
// and leaves a package half-installed.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, OVERLAY } from '../helpers/apt-runs.js';
import { indexRepo } from '../helpers/debs.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildImage, type SandboxSpec } from '../helpers/sandbox.js';
import { buildSizedDeb, MiB } from '../helpers/sized-debs.js';

const NO_ROOM = "error: not enough room in /usr's overlay: this change needs about";

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
  if (process.env.ROOM_DEBUG) console.log(r.stdout, r.stderr);
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
