// usr-guard diff: what this boot's overlay changed, with the real apt, dpkg,
// dnf and rpm, and the login reminder. The overlay is made inside the
// sandbox, as 'bootc usr-overlay' makes it on an ostree host, so that the
// upper layer mountinfo names is there to read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo, buildDeb, buildRepo } from '../helpers/debs.js';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { buildImage, runInSandbox, type SandboxSpec } from '../helpers/sandbox.js';

const OVERLAY = `mkdir -p /run/ug-ov/up /run/ug-ov/wk && mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ug-ov/up,workdir=/run/ug-ov/wk /usr
mkdir -p /run/ostree/deployment-state/0a1b2c.0 && touch /run/ostree/deployment-state/0a1b2c.0/unlocked-development`;
// The reminder speaks only to a terminal: script(1) gives the login shell one.
const LOGIN = `echo "@@login:"; script -qec 'sh -l -c true' /dev/null </dev/null; echo "@@end"`;

let image: string;
let repo: string;
const dirs: string[] = [];
beforeAll(() => {
  // The image holds ugother 1.0; the repository has ughello.
  const debs = mkdtempSync(join(tmpdir(), 'ug-debs-'));
  image = buildImage([], [buildDeb(debs, 'ugother', '1.0')]);
  repo = buildRepo(['ughello']);
  dirs.push(debs, image, repo);
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A locked ostree host with the image's /var; `script` runs as root. */
function host(
  script: string,
  spec: Omit<SandboxSpec, 'script' | 'image' | 'varDir'> = { usr: 'image', ostreeBooted: true },
) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  dirs.push(varDir);
  return runInSandbox({ ...spec, image, varDir, script: `${aptUseRepo(repo)}\n${script}` });
}
const between = (out: string, from: string, to: string) =>
  out.slice(out.indexOf(from) + from.length, out.indexOf(to, out.indexOf(from)));

describe('usr-guard diff after apt on an overlay', () => {
  let r: ReturnType<typeof host>;
  beforeAll(() => {
    r = host(`${OVERLAY}
apt-get install -y ughello >/dev/null 2>&1 && apt-get remove -y ugother >/dev/null 2>&1 && echo note > /usr/share/ug-note
echo "@@json:"; usr-guard diff --json; echo "@@containerfile:"; usr-guard diff --containerfile; echo "@@human:"; su nobody -s /bin/sh -c 'usr-guard diff'; echo "@@rc=$?"
${LOGIN}`);
  });

  it('lists exactly the three changes, as data', () => {
    const d = JSON.parse(between(r.stdout, '@@json:', '@@containerfile:'));
    expect(d.packages).toEqual([
      { manager: 'apt', name: 'ughello', change: 'added', version: '1.0', fromVersion: null },
      { manager: 'apt', name: 'ugother', change: 'removed', version: null, fromVersion: '1.0' },
    ]);
    // No file of ughello, and no whiteout of ugother's, as a loose file.
    expect(d.files).toEqual([{ path: '/usr/share/ug-note', change: 'added' }]);
    expect(d.overlay).toMatchObject({
      state: 'image-overlay',
      upperdir: '/run/ug-ov/up',
      baseline: { apt: 'usr-guard' },
    });
  });

  it('prints the Containerfile lines that keep them', () => {
    expect(between(r.stdout, '@@containerfile:', '@@human:').trim().split('\n')).toEqual([
      "# What this boot's transient overlay on /usr holds, as Containerfile lines (usr-guard diff).",
      'RUN apt-get install -y ughello',
      'RUN apt-get purge -y ugother',
      '# Files changed by hand: their content must come from the build context (copy them out of /usr before the reboot).',
      '# COPY usr/share/ug-note /usr/share/ug-note',
    ]);
  });

  it('says it for a person, without root', () => {
    const human = between(r.stdout, '@@human:', '@@rc=');
    expect(human).toContain('/usr has a transient overlay (image-overlay): what it holds goes at reboot.');
    expect(human).toMatch(
      /packages: 1 added, 1 removed, 0 upgraded\n {2}apt {2}added {5}ughello 1\.0\n {2}apt {2}removed {3}ugother \(was 1\.0\)/,
    );
    expect(human).toMatch(/files: 1 added, 0 changed, 0 deleted .*\n {2}added {4}\/usr\/share\/ug-note/);
    expect(r.stdout).toContain('@@rc=0');
  });

  it('reminds at login, in one line that names nothing (diff says what the overlay holds now)', () => {
    expect(between(r.stdout, '@@login:', '@@end').trim()).toBe(
      "usr-guard: this boot's overlay on /usr holds changes; they go at reboot. To see them: usr-guard diff (to keep them: usr-guard keep)",
    );
  });

  it("folds a folder that holds only files added by hand (a new tool's) into one line, and lists every file in the JSON", () => {
    const f = host(`${OVERLAY}
mkdir -p /usr/share/mytool/sub && for n in a b sub/c; do echo x > /usr/share/mytool/$n; done; rm /usr/bin/ugother
usr-guard diff; echo "@@json:"; usr-guard diff --json`);
    expect(f.stdout).toMatch(/ {2}added {4}\/usr\/share\/mytool\/ \(3 files\)/);
    expect(f.stdout).toMatch(/ {2}deleted {2}\/usr\/bin\/ugother/);
    expect(JSON.parse(f.stdout.slice(f.stdout.indexOf('@@json:') + 7)).files).toEqual([
      { path: '/usr/bin/ugother', change: 'deleted' },
      { path: '/usr/share/mytool/a', change: 'added' },
      { path: '/usr/share/mytool/b', change: 'added' },
      { path: '/usr/share/mytool/sub/c', change: 'added' },
    ]);
  });

  it('keeps what changed in a folder of the image as narrow as it is: an edit and a deletion in /usr/share/doc, two files added there', () => {
    const f = host(`${OVERLAY}
apt-get install -y ughello >/dev/null 2>&1
echo edited >> /usr/share/doc/dpkg/copyright; rm /usr/share/doc/apt/copyright; echo a > /usr/share/doc/ug-a; echo b > /usr/share/doc/ug-b
usr-guard diff; echo "@@containerfile:"; usr-guard diff --containerfile`);
    expect(between(f.stdout, 'files:', '\nTo keep them').split('\n').slice(1)).toEqual([
      '  deleted  /usr/share/doc/apt/copyright',
      '  changed  /usr/share/doc/dpkg/copyright',
      '  added    /usr/share/doc/ug-a',
      '  added    /usr/share/doc/ug-b',
    ]);
    expect(
      f.stdout
        .slice(f.stdout.indexOf('@@containerfile:'))
        .split('\n')
        .filter((l) => l.startsWith('# COPY') || l.startsWith('# RUN')),
    ).toEqual([
      '# RUN rm -rf /usr/share/doc/apt/copyright',
      '# COPY usr/share/doc/dpkg/copyright /usr/share/doc/dpkg/copyright',
      '# COPY usr/share/doc/ug-a /usr/share/doc/ug-a',
      '# COPY usr/share/doc/ug-b /usr/share/doc/ug-b',
    ]);
    expect(f.stdout).not.toMatch(/mixed|usr\/share\/doc\/ /);
  });
});

describe("the baseline in /run: at most 1 MiB for this machine's dpkg database, and diff as exact from each source", () => {
  const CHANGES =
    'apt-get install -y ughello >/dev/null 2>&1 && apt-get remove -y ugother >/dev/null 2>&1 && echo note > /usr/share/ug-note';
  const MEASURE = `echo "@@lists=$(ls /var/lib/dpkg/info/*.list | wc -l) @@paths=$(cat /var/lib/dpkg/info/*.list | wc -l) @@run=$(cat /run/usr-guard/* | wc -c) @@baseline=$(wc -c < /run/usr-guard/baseline.apt) @@points=$(zcat /run/usr-guard/baseline.apt | grep -c '^O')"
echo "@@json:"; usr-guard diff --json; echo "@@end"`;
  const sizes = (out: string) =>
    Object.fromEntries([...out.matchAll(/@@(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  const exact = (out: string) => {
    const d = JSON.parse(between(out, '@@json:', '@@end'));
    expect(d.packages.map((p: { name: string; change: string }) => `${p.change} ${p.name}`)).toEqual([
      'added ughello',
      'removed ugother',
    ]);
    expect(d.files).toEqual([{ path: '/usr/share/ug-note', change: 'added' }]);
  };

  it.each([
    ["dpkg's snapshot of the first change: the baseline points to it", OVERLAY, 1],
    [
      'a hotfix overlay (no snapshot): the owners compressed in the baseline',
      OVERLAY.replace(/\n.*unlocked-development/, ''),
      0,
    ],
    [
      'a snapshot kept from an earlier boot (another moment): the owners compressed in the baseline',
      `${OVERLAY}
mkdir -p /var/lib/usr-guard/dpkg-snapshot && cp -a /var/lib/dpkg /var/lib/usr-guard/dpkg-snapshot/db && echo an-earlier-boot > /var/lib/usr-guard/dpkg-snapshot/boot_id
rm /var/lib/usr-guard/dpkg-snapshot/db/info/ugother.list`,
      0,
    ],
  ] as const)('%s', (what: string, setup, points) => {
    const r = host(`${setup}\n${CHANGES}\n${MEASURE}`);
    const size = sizes(r.stdout);
    expect(size.lists).toBeGreaterThan(100);
    expect(size.points).toBe(points);
    expect(
      size.run,
      `${what}: ${size.lists} packages' lists, ${size.paths} paths; /run/usr-guard holds ${size.run} bytes`,
    ).toBeLessThanOrEqual(1024 * 1024);
    exact(r.stdout);
  });

  it('a full /run: one warning line, and apt goes on', () => {
    const r =
      host(`${OVERLAY}\nmkdir -p /run/usr-guard && mount -t tmpfs -o size=4k ug-full /run/usr-guard && head -c 4096 /dev/zero > /run/usr-guard/filler
apt-get install -y ughello; echo "@@rc=$?"; ughello`);
    expect(r.stdout).toContain('@@rc=0');
    expect(r.stdout).toContain('ughello 1.0');
    expect(r.stderr).toMatch(
      /^usr-guard: warning: could not note this change for usr-guard diff: cannot write \/run\/usr-guard\/baseline\.apt: no space left on device$/m,
    );
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  });

  it('the snapshot gone since: a note says what is no longer known, and the packages are still compared', () => {
    const r = host(`${OVERLAY}\n${CHANGES}\nrm -rf /var/lib/usr-guard/dpkg-snapshot\nusr-guard diff`);
    expect(r.stdout).toMatch(/apt {2}added {5}ughello 1\.0\n {2}apt {2}removed {3}ugother/);
    expect(r.stdout).toContain(
      "note: apt: which files the image's packages owned is no longer known (dpkg's snapshot of this boot's first change is gone)",
    );
  });
});

describe('nothing changed', () => {
  it.each([
    [
      'a locked host',
      '',
      'nothing changed: /usr has no overlay (image-locked).',
      '# nothing changed: /usr has no overlay (image-locked).',
    ],
    [
      'an overlay with no changes',
      OVERLAY,
      'nothing changed: the overlay holds no changes.',
      '# Nothing to keep: the overlay holds no changes.',
    ],
  ])('%s: says so, exit 0, empty lists in the JSON, no login reminder', (_what, setup, says, containerfile) => {
    const r = host(
      `${setup}\nusr-guard diff; echo "@@rc=$?"; echo "@@containerfile:"; usr-guard diff --containerfile; echo "@@rc=$?"; usr-guard diff --json; ${LOGIN}`,
    );
    expect(r.stdout).toContain(says);
    expect(r.stdout.match(/@@rc=0/g)).toHaveLength(2);
    expect(between(r.stdout, '@@containerfile:', '@@rc=').trim().split('\n').at(-1)).toBe(containerfile);
    expect(r.stdout).toMatch(/"packages": \[\],\s+"files": \[\]/);
    expect(between(r.stdout, '@@login:', '@@end').trim()).toBe('');
  });

  it('a mutable host: one line, exit 0, no login reminder; --containerfile says the same, as a comment', () => {
    const r = host(
      `apt-get install -y ughello >/dev/null 2>&1; usr-guard diff; echo "@@rc=$?"; echo "@@containerfile:"; usr-guard diff --containerfile; echo "@@rc=$?"; ${LOGIN}`,
      { usr: 'writable' },
    );
    expect(r.stdout).toContain(
      'usr-guard diff: this host is not image-based (mutable-host): there is no image to compare /usr with.\n@@rc=0',
    );
    expect(between(r.stdout, '@@containerfile:', '@@login:').trim()).toBe(
      '# usr-guard diff: this host is not image-based (mutable-host): there is no image to compare /usr with.\n@@rc=0',
    );
    expect(between(r.stdout, '@@login:', '@@end').trim()).toBe('');
  });

  it('reads only: the databases and /usr are as they were', () => {
    const r = host(`${OVERLAY}\napt-get install -y ughello >/dev/null 2>&1
s() { sha256sum /var/lib/dpkg/status; ls -laR --time-style=full-iso /usr/bin /run/usr-guard | sha256sum; }
a=$(s); usr-guard diff >/dev/null; usr-guard diff --json >/dev/null; usr-guard diff --containerfile >/dev/null; [ "$a" = "$(s)" ] && echo @@unchanged`);
    expect(r.stdout).toContain('@@unchanged');
  });
});

describe.skipIf(missingRpmTool() !== null)('usr-guard diff after dnf on an overlay', () => {
  let rpms: string;
  beforeAll(() => {
    rpms = buildRpmRepo(['ugrpm-1.0', 'ugold-1.0']);
  });
  afterAll(() => rmSync(rpms, { recursive: true, force: true }));

  it('lists the install, the removal and the file, and the dnf lines', () => {
    // A composefs host: dnf 4.21 and later run their own bootc check where /run/ostree-booted is.
    const r = host(
      `${dnfUseRepo(rpms)}
rpm -i --force-debian --justdb --nodeps --ignoresize ${rpms}/ugold-1.0-1.noarch.rpm
${OVERLAY.replace('mount -t overlay overlay', 'mount -t overlay transient')}
dnf -y install ugrpm >/dev/null 2>&1 && dnf -y remove ugold >/dev/null 2>&1 && echo note > /usr/share/ug-note
echo "@@json:"; usr-guard diff --json; echo "@@containerfile:"; usr-guard diff --containerfile; echo "@@end"`,
      { usr: 'image', composefs: true },
    );
    const d = JSON.parse(between(r.stdout, '@@json:', '@@containerfile:'));
    expect(d.packages).toEqual([
      { manager: 'dnf', name: 'ugold', change: 'removed', version: null, fromVersion: '1.0-1' },
      { manager: 'dnf', name: 'ugrpm', change: 'added', version: '1.0-1', fromVersion: null },
    ]);
    expect(d.files).toEqual([{ path: '/usr/share/ug-note', change: 'added' }]);
    const lines = between(r.stdout, '@@containerfile:', '@@end');
    expect(lines).toContain('RUN dnf install -y ugrpm\nRUN dnf remove -y ugold\n');
  });
});
