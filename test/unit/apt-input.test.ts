import { describe, expect, it } from 'vitest';
import { parseAptArgv } from '../../src/invocation/apt-argv.js';
import { HookInfoError, hookAssumeYes, hookRoot, parseHookInfo } from '../../src/invocation/apt-hook-info.js';

describe('apt command lines', () => {
  it.each([
    // argv, readOnly, root, assumeYes, packages
    ['install strace', false, '/', false, ['strace']],
    ['install -y strace', false, '/', true, ['strace']],
    ['-y install ./hello_1.0_all.deb', false, '/', true, ['hello']],
    ['install -s strace', true, '/', false, ['strace']],
    ['install -sy strace', true, '/', true, ['strace']],
    ['--simulate remove strace', true, '/', false, ['strace']],
    ['install --download-only strace', true, '/', false, ['strace']],
    ['-d install strace', true, '/', false, ['strace']],
    ['install --print-uris strace', true, '/', false, ['strace']],
    ['-o APT::Get::Simulate=true install strace', true, '/', false, ['strace']],
    ['-oapt::get::download-only=1 install strace', true, '/', false, ['strace']],
    ['-o Dir=/target install strace', false, '/target', false, ['strace']],
    ['-o RootDir=/mnt/img/ install strace', false, '/mnt/img', false, ['strace']],
    ['-o DPkg::Options::=--root=/target install strace', false, '/target', false, ['strace']],
    ['-o Dir=/ install strace', false, '/', false, ['strace']],
    ['-o APT::Get::Assume-Yes=true upgrade', false, '/', true, []],
    ['-t trixie-backports install strace/trixie-backports', false, '/', false, ['strace/trixie-backports']],
    ['-q=2 install foo=1.0', false, '/', false, ['foo=1.0']],
  ])('%s', (line, readOnly, root, assumeYes, packages) => {
    expect(parseAptArgv(line.split(' '))).toMatchObject({ readOnly, root, assumeYes, packages });
  });
});

// Verbatim action lines from apt's test-bug-712116-dpkg-pre-install-pkgs-hook-multiarch.
const V3 = [
  'VERSION 3',
  'APT::Architecture=amd64',
  'APT::Get::Assume-Yes=true',
  'DPkg::Options::=--force-confold',
  'Dir=/',
  '',
  'libsame - - none < 1 amd64 same **CONFIGURE**',
  'toolkit 1 all foreign < 2 amd64 foreign /var/cache/apt/archives/toolkit_2_amd64.deb',
  'stuff 2 amd64 none > - - none **REMOVE**',
  '',
].join('\n');

describe('DPkg::Pre-Install-Pkgs input', () => {
  it('reads config and actions of version 3', () => {
    const info = parseHookInfo(V3);
    expect(info.version).toBe(3);
    expect(info.actions).toEqual([
      { name: 'libsame', action: 'configure' },
      { name: 'toolkit', action: 'unpack' },
      { name: 'stuff', action: 'remove' },
    ]);
    expect(hookAssumeYes(info)).toBe(true);
    expect(hookRoot(info)).toBe('/');
  });

  it('finds another root through Dir, RootDir and dpkg options', () => {
    const withConf = (line: string) => parseHookInfo(`VERSION 3\n${line}\n\n`);
    expect(hookRoot(withConf('Dir=/target'))).toBe('/target');
    expect(hookRoot(withConf('RootDir=/mnt'))).toBe('/mnt');
    expect(hookRoot(withConf('DPkg::Options::=--root%3d/img'))).toBe('/img');
    expect(hookRoot(withConf('DPkg::Chroot-Directory=/chroot'))).toBe('/chroot');
  });

  it('reads version 2 lines', () => {
    expect(parseHookInfo('VERSION 2\n\nlibsame 1 < 2 **CONFIGURE**\n').actions).toEqual([{ name: 'libsame', action: 'configure' }]);
  });

  it.each([
    ['version 1 input (.deb paths)', '/var/cache/apt/archives/foo_1_all.deb\n'],
    ['empty input', ''],
    ['a config line without =', 'VERSION 3\nnonsense\n\n'],
    ['an action line with the wrong field count', 'VERSION 3\n\nfoo 1 < 2\n'],
  ])('rejects %s with a clear error', (_what, text) => {
    expect(() => parseHookInfo(text)).toThrow(HookInfoError);
  });
});
