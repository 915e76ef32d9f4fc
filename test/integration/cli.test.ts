// The command line as people and hooks meet it: help, version, bad input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIST } from '../helpers/sandbox.js';

const run = (args: string[], opts: { input?: string; env?: Record<string, string> } = {}) =>
  spawnSync(DIST, args, { encoding: 'utf8', input: opts.input ?? '', env: { PATH: process.env.PATH!, ...opts.env } });

describe('usr-guard CLI', () => {
  it('--version and --help', () => {
    expect(run(['--version']).stdout).toMatch(/^usr-guard \d+\.\d+\.\d+\n$/);
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: usr-guard COMMAND/);
    for (const cmd of ['status', 'check', 'install', 'uninstall', 'keep']) {
      const r = run([cmd, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: usr-guard ${cmd}`));
    }
  });

  it.each([
    [
      [],
      'usr-guard: a command is needed: status, check, install, uninstall, overlay, restore-dpkg-db, restore-pacman-db, dpkg-db, diff, keep (see usr-guard --help)',
    ],
    [
      ['frobnicate'],
      "usr-guard: unknown command 'frobnicate': the commands are status, check, install, uninstall, overlay, restore-dpkg-db, restore-pacman-db, dpkg-db, diff, keep (see usr-guard --help)",
    ],
    [['-x'], "usr-guard: unknown option '-x': before a command only --help and --version (see usr-guard --help)"],
    [
      ['--json', 'status'],
      "usr-guard: unknown option '--json': before a command only --help and --version (see usr-guard --help)",
    ],
    [['status', '--frob'], "usr-guard: status: unknown option '--frob' (see usr-guard status --help)"],
    [['status', '--json=yes'], "usr-guard: status: option '--json' takes no value (see usr-guard status --help)"],
    [['status', 'extra'], "usr-guard: status: unexpected argument 'extra' (see usr-guard status --help)"],
    [
      ['check'],
      'usr-guard: check: --caller must be one of apt-json, apt, apt-pkgs, dpkg, dnf, dnf5, dnf-shim, pacman, cli (see usr-guard check --help)',
    ],
    [
      ['check', '--caller', 'zypper'],
      "usr-guard: check: --caller must be one of apt-json, apt, apt-pkgs, dpkg, dnf, dnf5, dnf-shim, pacman, cli, not 'zypper' (see usr-guard check --help)",
    ],
    [['install', '--root'], "usr-guard: install: option '--root' needs a value (see usr-guard install --help)"],
    [
      ['uninstall', '--without', 'man'],
      "usr-guard: uninstall: unknown option '--without' (see usr-guard uninstall --help)",
    ],
    [
      ['keep', '--undo', '--rebase'],
      'usr-guard: keep: --undo and --rebase do not go together (see usr-guard keep --help)',
    ],
    [['keep', '--context', 'ctx'], 'usr-guard: keep: --context needs an absolute folder (see usr-guard keep --help)'],
    [['keep', 'now'], "usr-guard: keep: unexpected argument 'now' (see usr-guard keep --help)"],
  ])('usage error %j: exit 2, one line on stderr in one voice, nothing on stdout', (args, msg) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${msg}\n`);
    expect(r.stdout).toBe('');
  });

  it.each([
    ['version 1 input', '/var/cache/apt/archives/x_1_all.deb\n'],
    ['garbage', '\u0000\u0001binary'],
    ['a broken action line', 'VERSION 3\nDir=/\n\nfoo 1 <\n'],
  ])('malformed apt hook input (%s): exit 2 with a clear error', (_w, input) => {
    const r = run(['check', '--caller', 'apt-pkgs'], { input });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^usr-guard: apt hook input/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a malformed config file: a warning naming file and line, then the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ugc-'));
    try {
      const file = join(dir, 'usr-guard.conf');
      writeFileSync(file, '[guard]\nmode = always\n', { mode: 0o644 });
      const r = run(['status', '--json'], { env: { USR_GUARD_CONFIG: file } });
      expect(r.status).toBe(0);
      expect(r.stderr).toBe(
        `usr-guard: warning: ${file}:2: mode must be one of auto, refuse, prompt, overlay, warn, off, got "always"; using the defaults\n`,
      );
      expect(JSON.parse(r.stdout).mode).toBe('auto');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every --help fits an 80-column terminal: no line wraps mid-word', () => {
    for (const args of [
      ['--help'],
      ...['status', 'check', 'install', 'uninstall', 'overlay', 'restore-dpkg-db', 'diff'].map((c) => [c, '--help']),
    ]) {
      const r = run(args);
      expect(r.status).toBe(0);
      expect(
        r.stdout.split('\n').filter((l) => l.length > 79),
        args.join(' '),
      ).toEqual([]);
    }
  });

  it('a USR_GUARD_CONFIG that names no file: a warning in our words, then the defaults', () => {
    const r = run(['status', '--json'], { env: { USR_GUARD_CONFIG: '/nonexistent' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      'usr-guard: warning: cannot read /nonexistent (named by USR_GUARD_CONFIG): there is no such file; using the defaults\n',
    );
    expect(JSON.parse(r.stdout).mode).toBe('auto');
  });

  it('check on this (writable) machine proceeds in silence', () => {
    const r = run(['check', '--caller', 'cli']);
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
  });

  it('any command line (of the commands that only read): exit 0, 2 or 10, one voice, never a stack trace', () => {
    const token = fc.oneof(
      fc.constantFrom(
        '--caller',
        'cli',
        'apt',
        'apt-pkgs',
        'dnf5',
        '--json',
        '--deep',
        '--help',
        '--frob',
        '--root',
        '-h',
        '--',
        '--package',
        '--command',
      ),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('status', 'check', 'help', '--version', 'frob', 'toString', 'constructor', ''),
        fc.array(token, { maxLength: 5 }),
        (cmd, rest) => {
          const r = run([cmd, ...rest].filter((a, i) => i > 0 || a !== ''));
          expect([0, 2, 10]).toContain(r.status);
          expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
        },
      ),
      { numRuns: 25 },
    );
  });
});
