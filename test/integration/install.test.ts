// install/uninstall into a scratch root, and the man pages they install.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIST, REPO } from '../helpers/sandbox.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'ug-root-'));
  dirs.push(d);
  return d;
};
const run = (...args: string[]) => spawnSync(DIST, args, { encoding: 'utf8' });

/** Every file under dir with its mode and size: "the tree". */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${statSync(p).mode.toString(8)} ${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('install --root', () => {
  it('writes every part, and a second run changes nothing', () => {
    const root = scratch();
    const first = run('install', '--root', root);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`wrote ${root}/usr/bin/usr-guard`);
    const t1 = tree(root);
    expect(t1).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^usr\/bin\/usr-guard 100755 /),
        expect.stringMatching(/^usr\/libexec\/usr-guard\/hook 100755 /),
        expect.stringMatching(/^etc\/apt\/apt.conf.d\/50usr-guard 100644 /),
        expect.stringMatching(/^etc\/dpkg\/dpkg.cfg.d\/usr-guard 100644 /),
        expect.stringMatching(/^usr\/share\/man\/man7\/apt-image-based.7 /),
      ]),
    );
    const second = run('install', '--root', root);
    expect(second.stdout).not.toContain('wrote');
    expect(tree(root)).toEqual(t1);
  });

  it('microdnf alone (UBI-minimal: no plugin API) gets the shim, and no dnf plugin or action', () => {
    const root = scratch();
    mkdirSync(join(root, 'usr/bin'), { recursive: true });
    mkdirSync(join(root, 'usr/sbin'), { recursive: true });
    writeFileSync(join(root, 'usr/bin/microdnf'), '#!/bin/sh\n', { mode: 0o755 });
    expect(run('install', '--root', root).status).toBe(0);
    const t = tree(root);
    expect(t).toEqual(expect.arrayContaining([expect.stringMatching(/^usr\/sbin\/microdnf 100755 /)]));
    expect(t.some((f) => f.startsWith('etc/dnf'))).toBe(false);
    expect(run('uninstall', '--root', root).status).toBe(0);
    expect(tree(root)).toEqual(['usr/bin/microdnf 100755 10']);
  });

  it('--dry-run writes nothing; --without leaves parts out', () => {
    const root = scratch();
    expect(run('install', '--root', root, '--dry-run').stdout).toContain(
      `would write ${root}/etc/apt/apt.conf.d/50usr-guard`,
    );
    expect(tree(root)).toEqual([]);
    run('install', '--root', root, '--without', 'apt,man');
    expect(tree(root).some((f) => f.startsWith('etc/apt'))).toBe(false);
    expect(tree(root).some((f) => f.startsWith('usr/share/man'))).toBe(false);
  });

  it('rejects an unknown part with a clear error', () => {
    const r = run('install', '--root', scratch(), '--without', 'apt,bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      "usr-guard: install: --without: unknown part 'bogus'; the parts are program, hooks, apt, dpkg, dpkg-db, config, login-reminder, man, dpkg-snapshot, export, dnf-plugin, dnf5-actions, dnf-shim, pacman, pacman-snapshot, keep-timer (see usr-guard install --help)\n",
    );
  });

  it('uninstall leaves no file of usr-guard behind', () => {
    const root = scratch();
    run('install', '--root', root);
    // What running it leaves: the code cache.
    mkdirSync(join(root, 'var/cache/usr-guard'), { recursive: true });
    writeFileSync(join(root, 'var/cache/usr-guard/check.v8'), 'cache');
    const r = run('uninstall', '--root', root);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`removed ${root}/var/cache/usr-guard/\n`);
    expect(tree(root)).toEqual([]);
    // usr-guard's state: kept while a snapshot waits for the next boot, removed otherwise.
    mkdirSync(join(root, 'var/lib/usr-guard/dpkg-snapshot'), { recursive: true });
    expect(run('uninstall', '--root', root).stdout).toContain(
      `kept ${root}/var/lib/usr-guard/: its snapshot of dpkg's database waits for the next boot to be put back`,
    );
    rmSync(join(root, 'var/lib/usr-guard/dpkg-snapshot'), { recursive: true });
    expect(run('uninstall', '--root', root).stdout).toContain(`removed ${root}/var/lib/usr-guard/`);
    expect(run('uninstall', '--root', root).stdout).toContain("nothing of usr-guard's");
  });
});

describe('man pages', () => {
  it.each(['apt-image-based.7', 'dnf-image-based.7', 'pacman-image-based.7', 'usr-guard.8'])(
    '%s passes mandoc -Tlint and renders with man -l',
    (page) => {
      const file = join(REPO, 'man', page);
      const lint = spawnSync('mandoc', ['-Tlint', file], { encoding: 'utf8' });
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.status).toBe(0);
      const text = execFileSync('man', ['-l', file], {
        encoding: 'utf8',
        env: { ...process.env, MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' },
      });
      expect(text).toMatch(/NAME/);
    },
  );
});
