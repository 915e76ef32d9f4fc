// A damaged usr-guard: the program emptied or cut short, the shim broken.
// A locked host still never reaches dpkg's errors; a host whose /usr is
// writable is never blocked; nobody sees node's SyntaxError or a stack trace.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, expectAptRefused, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { buildRepo } from '../helpers/debs.js';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, DIST, runAndCompare, type SandboxSpec } from '../helpers/sandbox.js';

const size = statSync(DIST).size;
/** Ways to damage the program, as shell on the image folder. */
const PROGRAM: [string, string][] = [
  ['empty', ': > usr/bin/usr-guard'],
  ['20 bytes of it', `head -c 20 ${DIST} > usr/bin/usr-guard`],
  ['cut in the middle', `head -c ${Math.floor(size / 2)} ${DIST} > usr/bin/usr-guard`],
  ['cut just before its end', `head -c ${size - 10} ${DIST} > usr/bin/usr-guard`],
];
/**
 * Ways to break the hook shim. sh runs what it has read up to a syntax error,
 * and the shim's first lines turn any end but its own exits into a refusal
 * where /usr is read-only. (An emptied shim has no first lines: on a locked
 * host, where the shim is part of the read-only image, that cannot happen.)
 */
const SHIM: [string, string][] = [
  ['with a syntax error half-way', "sed -i '60a if then fi (' usr/libexec/usr-guard/hook"],
  [
    'cut short',
    'head -c 1500 usr/libexec/usr-guard/hook > hook.cut && cat hook.cut > usr/libexec/usr-guard/hook && rm hook.cut',
  ],
];
const EMPTIED: [string, string] = ['emptied', ': > usr/libexec/usr-guard/hook'];

let repo: string;
const images = new Map<string, string>();
beforeAll(() => {
  repo = buildRepo(['ughello']);
  for (const [name, damage] of [...PROGRAM, ...SHIM, EMPTIED]) {
    const image = buildImage();
    execFileSync('sh', ['-c', damage], { cwd: image });
    images.set(name, image);
  }
});
afterAll(() => {
  for (const d of [repo, ...images.values()]) rmSync(d, { recursive: true, force: true });
});

const apt = (spec: Omit<SandboxSpec, 'script'>, cmd: string) => aptRun(spec, cmd, repo);
const noNodeNoise = (text: string) => {
  expect(text).not.toMatch(/SyntaxError|\n\s+at |node:internal/);
};

describe.each(PROGRAM)('the program %s', (name) => {
  it('a locked host refuses (the shell check), quietly', () => {
    const r = apt({ ...LOCKED, image: images.get(name)! }, 'apt-get install -y ughello');
    expectAptRefused(r);
    expect(r.stderr).toContain('/usr/bin/usr-guard is damaged or incomplete; reinstall usr-guard');
    noNodeNoise(r.stderr);
  });

  it('a transient overlay goes on, saying so', () => {
    const r = apt({ ...OVERLAY, image: images.get(name)! }, 'apt-get install -y ughello && ughello');
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('ughello 1.0');
    expect(r.stderr).toContain('is damaged or incomplete');
    noNodeNoise(r.stderr);
  });

  it('a mutable host goes on in silence', () => {
    const r = apt({ usr: 'writable', image: images.get(name)! }, 'apt-get install -y ughello && dpkg -r ughello');
    expect(r.rc).toBe(0);
    expect(r.stderr).not.toContain('usr-guard');
  });
});

describe.each(SHIM)('the hook shim %s', (name) => {
  it('a locked host is still refused before anything is downloaded or unpacked', () => {
    const r = apt({ ...LOCKED, image: images.get(name)! }, 'apt-get install -y ughello');
    expect(r.rc).not.toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stdout).not.toMatch(/^Get:/m);
    expect(r.stdout + r.stderr).not.toMatch(/dpkg: error processing|Read-only file system|unable to clean up/);
    expect(r.stderr).toContain('usr-guard: its hook shim is damaged; reinstall usr-guard');
  });

  // The shim's own names are the shell's variables, which the caller's environment can hold.
  it('a locked host is refused whatever the environment says of the shim (usr_guard_done=1)', () => {
    const r = apt(
      {
        ...LOCKED,
        image: images.get(name)!,
        env: { usr_guard_done: '1', usr_guard_speaks: 'quiet', usr_guard_key: 'x' },
      },
      'apt-get install -y ughello',
    );
    expect(r.rc).not.toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stdout + r.stderr).not.toMatch(/dpkg: error processing|Read-only file system|unable to clean up/);
    expect(r.stderr).toContain('usr-guard: its hook shim is damaged; reinstall usr-guard');
  });
});

describe.each([...SHIM, EMPTIED])('the hook shim %s', (name) => {
  it('a mutable host and an overlay go on: apt, dpkg', () => {
    for (const spec of [{ usr: 'writable' }, OVERLAY] as const) {
      const r = apt(
        { ...spec, image: images.get(name)! },
        `apt-get install -y ughello && dpkg -r ughello && dpkg -i ${repo}/ughello_1.0_all.deb && echo @@done`,
      );
      expect(r.stdout).toContain('@@done');
    }
  });
});

const missingRpm = missingRpmTool();
describe.skipIf(missingRpm !== null)('dnf with a broken shim on a mutable host', () => {
  let rpmRepo: string;
  beforeAll(() => {
    rpmRepo = buildRpmRepo(['ugrpm-1.0']);
  });
  afterAll(() => rmSync(rpmRepo, { recursive: true, force: true }));

  it.each([...SHIM, EMPTIED])('%s: dnf (shim and plugin) installs', (name) => {
    const r = runAndCompare(
      { usr: 'writable', image: images.get(name)! },
      dnfUseRepo(rpmRepo),
      'rpm -qa | sort',
      'dnf -y install ugrpm && rpm -q ugrpm',
    );
    expect(r.rc).toBe(0);
  });
});

it('the damaged images really are damaged', () => {
  expect(
    readFileSync(`${images.get('cut just before its end')}/usr/bin/usr-guard`, 'latin1').endsWith('end of program\n'),
  ).toBe(false);
});
