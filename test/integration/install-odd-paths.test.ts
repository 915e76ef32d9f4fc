// install and uninstall off the plain path: links that lead out of the root,
// a root that is not there, a program cut short, and a full disk.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIST, runInSandbox } from '../helpers/sandbox.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const scratch = (name = 'ug-root-') => {
  const d = mkdtempSync(join(tmpdir(), name));
  dirs.push(d);
  return d;
};
const run = (...args: string[]) => spawnSync(DIST, args, { encoding: 'utf8', env: { PATH: process.env.PATH! } });
const oneLine = (r: ReturnType<typeof run>) => {
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
};

describe('links in the root', () => {
  it('an absolute link is followed inside the root, never out of it', () => {
    const root = scratch();
    const outside = scratch('ug-outside-');
    mkdirSync(join(root, 'etc'));
    symlinkSync(outside, join(root, 'etc/apt'));
    expect(run('install', '--root', root).status).toBe(0);
    expect(existsSync(join(outside, 'apt.conf.d/50usr-guard'))).toBe(false);
    expect(existsSync(join(root, outside, 'apt.conf.d/50usr-guard'))).toBe(true);
    expect(run('uninstall', '--root', root).status).toBe(0);
    expect(existsSync(join(root, outside, 'apt.conf.d/50usr-guard'))).toBe(false);
  });

  it('a relative link that climbs out of the root is refused, and nothing is written outside', () => {
    const root = scratch();
    const outside = scratch('ug-outside-');
    mkdirSync(join(root, 'etc'));
    symlinkSync(`../../../../../../../../..${outside}`, join(root, 'etc/dpkg'));
    const r = run('install', '--root', root);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/leads out of/);
    oneLine(r);
    expect(existsSync(join(outside, 'dpkg.cfg.d'))).toBe(false);
  });

  it('uninstall removes a link in the root, not the file it points to', () => {
    const root = scratch();
    const victim = join(scratch('ug-outside-'), 'victim');
    writeFileSync(victim, 'keep me');
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    symlinkSync(victim, join(root, 'usr/bin/usr-guard'));
    expect(run('uninstall', '--root', root).stdout).toContain(`removed ${root}/usr/bin/usr-guard`);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(join(root, 'usr/bin/usr-guard'), { throwIfNoEntry: false })).toBeUndefined();
  });

  it('--relocate-dpkg-db never moves a database outside the root', () => {
    const root = scratch();
    symlinkSync('/var', join(root, 'var')); // in the image, its own /var: a loop, not this machine's
    const r = run('install', '--root', root, '--relocate-dpkg-db');
    expect(r.status).toBe(2);
    oneLine(r);
    expect(lstatSync('/var/lib/dpkg').isDirectory()).toBe(true);
  });
});

describe('what install will not do', () => {
  it.each([['install'], ['uninstall']])('%s into a root that does not exist: no new tree', (cmd) => {
    const r = run(cmd, '--root', '/nonexistent/ug-root');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `usr-guard: ${cmd}: --root /nonexistent/ug-root is not a folder that exists (see usr-guard ${cmd} --help)\n`,
    );
    expect(existsSync('/nonexistent')).toBe(false);
  });

  it('install a program that is cut short', () => {
    const dir = scratch('ug-prog-');
    const cut = join(dir, 'usr-guard');
    // Without its last line only: it still runs, and must not copy itself.
    writeFileSync(cut, readFileSync(DIST, 'latin1').replace(/\/\/ usr-guard: end of program\n$/, ''), {
      encoding: 'latin1',
      mode: 0o755,
    });
    const r = spawnSync('node', [cut, 'install', '--root', scratch()], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`usr-guard: ${cut} is cut short (no end-of-program line): build it again\n`);
  });
});

describe('a full disk', () => {
  it('install leaves every installed file whole (the old one), and no temporary file', () => {
    const r = runInSandbox({
      usr: 'writable',
      script: `R=/tmp/full && mkdir $R && mount -t tmpfs -o size=2m full $R && ${DIST} install --root $R >/dev/null 2>&1
printf X | dd of=$R/usr/bin/usr-guard bs=1 seek=300 conv=notrunc 2>/dev/null
dd if=/dev/zero of=$R/fill bs=4k 2>/dev/null
old=$(sha256sum <$R/usr/bin/usr-guard)
${DIST} install --root $R; echo "@@rc=$?"
[ "$old" = "$(sha256sum <$R/usr/bin/usr-guard)" ] && echo @@old-file-whole
find $R -name '.*usr-guard-*'`,
    });
    expect(r.stdout).toBe('@@rc=1\n@@old-file-whole\n');
    expect(r.stderr).toBe('usr-guard: cannot write /tmp/full/usr/bin/usr-guard: no space left on device\n');
  });
});
