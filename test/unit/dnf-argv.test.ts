import { describe, expect, it } from 'vitest';
import { parseDnfArgv } from '../../src/invocation/dnf-argv.js';

describe('dnf command lines', () => {
  it.each([
    // argv, changes, root, assumeYes, transient, packages
    ['install strace', true, '/', false, false, ['strace']],
    ['-y install strace', true, '/', true, false, ['strace']],
    ['in strace', true, '/', false, false, ['strace']],
    ['remove strace', true, '/', false, false, ['strace']],
    ['erase strace', true, '/', false, false, ['strace']],
    ['upgrade', true, '/', false, false, []],
    ['--refresh distro-sync', true, '/', false, false, []],
    ['swap a b', true, '/', false, false, ['a', 'b']],
    ['group install core', true, '/', false, false, ['core']],
    ['group list', false, '/', false, false, []],
    ['module enable nodejs:20', true, '/', false, false, ['nodejs:20']],
    ['module list', false, '/', false, false, []],
    ['history undo 3', true, '/', false, false, ['3']],
    ['search strace', false, '/', false, false, ['strace']],
    ['info strace', false, '/', false, false, ['strace']],
    ['repoquery --installed', false, '/', false, false, []],
    ['makecache', false, '/', false, false, []],
    ['download strace', false, '/', false, false, ['strace']],
    ['check-update', false, '/', false, false, []],
    ['install --downloadonly strace', false, '/', false, false, ['strace']],
    ['--assumeno install strace', false, '/', false, false, ['strace']],
    ['--transient install strace', true, '/', false, true, ['strace']],
    ['--installroot=/mnt/sysimage install strace', true, '/mnt/sysimage', false, false, ['strace']],
    ['--installroot /mnt/sysimage/ install strace', true, '/mnt/sysimage', false, false, ['strace']],
    ['--setopt=tsflags=test install strace', false, '/', false, false, ['strace']],
    ['-c /etc/dnf/dnf.conf --releasever 43 install strace', true, '/', false, false, ['strace']],
    ['--noplugins -yq install ./ugrpm-1.0-1.noarch.rpm', true, '/', true, false, ['ugrpm']],
    ['--help', false, '/', false, false, []],
  ])('%s', (line, changes, root, assumeYes, transient, packages) => {
    const r = parseDnfArgv(line.split(' '));
    expect(r).toMatchObject({ changes, root, assumeYes, transient });
    if (packages.length > 0) expect(r.packages).toEqual(packages);
  });
});
