import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDnfArgv } from '../../src/invocation/dnf/argv.js';
import {
  COMMAND_VALUE,
  DNF4_FLAGS,
  DNF4_VALUE,
  DNF5_FLAGS,
  DNF5_VALUE,
  longOption,
} from '../../src/invocation/dnf/options.js';

describe('dnf command lines', () => {
  it.each([
    // argv, changes, root, assumeYes, transient, packages
    ['install strace', true, '/', false, false, ['strace']],
    ['-y install strace', true, '/', true, false, ['strace']],
    ['in strace', true, '/', false, false, ['strace']],
    ['install-n strace', true, '/', false, false, ['strace']],
    ['remove strace', true, '/', false, false, ['strace']],
    ['erase strace', true, '/', false, false, ['strace']],
    ['upgrade', true, '/', false, false, []],
    ['--refresh distro-sync', true, '/', false, false, []],
    ['swap a b', true, '/', false, false, ['a', 'b']],
    ['group install core', true, '/', false, false, ['core']],
    ['grp install core', true, '/', false, false, ['core']],
    ['group list', false, '/', false, false, []],
    ['module enable nodejs:20', true, '/', false, false, ['nodejs:20']],
    ['module list', false, '/', false, false, []],
    ['history undo 3', true, '/', false, false, ['3']],
    ['history list', false, '/', false, false, []],
    ['repository-packages fedora install strace', true, '/', false, false, ['strace']],
    ['repo-pkgs fedora list', false, '/', false, false, []],
    ['search strace', false, '/', false, false, ['strace']],
    ['info strace', false, '/', false, false, ['strace']],
    ['repoquery --installed', false, '/', false, false, []],
    ['makecache', false, '/', false, false, []],
    ['download strace', false, '/', false, false, ['strace']],
    ['check-update', false, '/', false, false, []],
    ['copr enable foo/bar', false, '/', false, false, ['enable', 'foo/bar']],
    // A command dnf does not list is a plugin's: it may change packages.
    ['frobnicate strace', true, '/', false, false, ['strace']],
    ['install --downloadonly strace', false, '/', false, false, ['strace']],
    ['--assumeno install strace', false, '/', false, false, ['strace']],
    ['--help install strace', false, '/', false, false, ['strace']],
    ['--transient install strace', true, '/', false, true, ['strace']],
    ['--setopt=persistence=transient install strace', true, '/', false, true, ['strace']],
    ['--installroot=/mnt/sysimage install strace', true, '/mnt/sysimage', false, false, ['strace']],
    ['--installroot /mnt/sysimage/ install strace', true, '/mnt/sysimage', false, false, ['strace']],
    ['--installr=/mnt install strace', true, '/mnt', false, false, ['strace']],
    ['--setopt=installroot=/mnt install strace', true, '/mnt', false, false, ['strace']],
    ['--setopt=tsflags=test install strace', false, '/', false, false, ['strace']],
    ['--setopt=tsflags=nodocs,test install strace', false, '/', false, false, ['strace']],
    ['--setopt=assumeyes=True install strace', true, '/', true, false, ['strace']],
    ['-c /etc/dnf/dnf.conf --releasever 43 install strace', true, '/', false, false, ['strace']],
    ['--noplugins -yq install ./ugrpm-1.0-1.noarch.rpm', true, '/', true, false, ['ugrpm']],
    // Values are never the command (the walk-around and its kin).
    ['--noplugins --disableexcludes all install -y guardtest', true, '/', true, false, ['guardtest']],
    ['-R 5 install strace', true, '/', false, false, ['strace']],
    ['-R5 install strace', true, '/', false, false, ['strace']],
    ['-yxfoo install strace', true, '/', true, false, ['strace']],
    ['-yx foo install strace', true, '/', true, false, ['strace']],
    ['-c=/etc/dnf/dnf.conf install strace', true, '/', false, false, ['strace']],
    [
      '--enable-repo fedora --setvar arch=x86_64 --releasever-major 43 install strace',
      true,
      '/',
      false,
      false,
      ['strace'],
    ],
    ['--use-host-config install strace', true, '/', false, false, ['strace']],
    ['--dump-variables install strace', true, '/', false, false, ['strace']],
    ['-- install strace', true, '/', false, false, ['strace']],
    ['', false, '/', false, false, []],
  ])('%s', (line, changes, root, assumeYes, transient, packages) => {
    const r = parseDnfArgv(line === '' ? [] : line.split(' '));
    expect(r).toMatchObject({ changes, root, assumeYes, transient });
    expect(r.packages).toEqual(packages);
  });
});

// Every entry of the tables: a value option never takes the command's place, a flag never takes a word.
const NO_CHANGE = new Set(['--assumeno', '--downloadonly', '-h', '--help', '--help-cmd', '--version']);
describe('every entry of the option tables', () => {
  it.each([...new Set([...DNF4_VALUE, ...DNF5_VALUE])])('%s takes a value', (opt) => {
    const spaced = parseDnfArgv([opt, 'all', 'install', 'strace']);
    expect(spaced.command).toBe('install');
    expect(spaced.changes).toBe(true);
    if (opt.startsWith('--')) expect(parseDnfArgv([`${opt}=all`, 'install', 'strace']).command).toBe('install');
    else expect(parseDnfArgv([`${opt}all`, 'install', 'strace']).command).toBe('install');
  });

  it.each([...new Set([...DNF4_FLAGS, ...DNF5_FLAGS])])('%s is a flag', (opt) => {
    const r = parseDnfArgv([opt, 'install', 'strace']);
    expect(r.command).toBe('install');
    expect(r.packages).toEqual(['strace']);
    expect(r.changes).toBe(!NO_CHANGE.has(opt));
  });

  it.each(COMMAND_VALUE)('%s (after the command) takes a value, not a package', (opt) => {
    expect(parseDnfArgv(['install', opt, 'x', 'strace']).packages).toEqual(['strace']);
  });

  it('no option is a flag in one dnf and takes a value in the other', () => {
    const values = new Set([...DNF4_VALUE, ...DNF5_VALUE]);
    expect([...DNF4_FLAGS, ...DNF5_FLAGS].filter((f) => values.has(f))).toEqual([]);
  });

  it('reads unique prefixes of dnf 4 long options, as argparse does', () => {
    expect(longOption('--installr')).toBe('--installroot');
    expect(longOption('--disableexcludep')).toBe('--disableexcludepkgs');
    // Ambiguous prefixes are dnf's error; they stay as typed.
    expect(longOption('--down')).toBe('--down');
    expect(longOption('--disableexcl')).toBe('--disableexcl');
  });
});

// The table against the argparse parser of the dnf 4 on this machine (Debian's python3-dnf).
const py = spawnSync(
  '/usr/bin/python3',
  [
    '-c',
    `
import json, dnf.cli.option_parser as op
print(json.dumps({s: a.nargs != 0 for a in op.OptionParser()._actions for s in a.option_strings}))`,
  ],
  { encoding: 'utf8' },
);
const installed: Record<string, boolean> | null = py.status === 0 ? JSON.parse(py.stdout) : null;
if (!installed) console.log('SKIP dnf 4 option table check: python3-dnf is not installed');

describe.skipIf(!installed)("the installed dnf 4's own option parser", () => {
  it('takes a value for exactly the options the table says', () => {
    const wrong = Object.entries(installed!).filter(([opt, takesValue]) =>
      takesValue ? !DNF4_VALUE.includes(opt) : !DNF4_FLAGS.includes(opt),
    );
    expect(wrong).toEqual([]);
  });
});
