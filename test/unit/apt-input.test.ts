import { describe, expect, it } from 'vitest';
import { parseAptArgv } from '../../src/invocation/apt/argv.js';
import { aptBool, tableCommand } from '../../src/invocation/apt/cmdline.js';
import { HookInfoError, hookAssumeYes, hookRoot, parseHookInfo } from '../../src/invocation/apt/hook-info.js';

describe('apt command lines, read as apt reads them', () => {
  it.each([
    // binary, argv, readOnly, assumeYes, packages
    ['apt-get', 'install strace', false, false, ['strace']],
    ['apt-get', 'install -y strace', false, true, ['strace']],
    ['apt-get', '-y install ./hello_1.0_all.deb', false, true, ['hello']],
    ['apt-get', 'install -s strace', true, false, ['strace']],
    ['apt-get', 'install -sy strace', true, true, ['strace']],
    ['apt-get', 'install -ys strace', true, true, ['strace']],
    ['apt-get', '--simulate remove strace', true, false, ['strace']],
    ['apt-get', '--SIMULATE install strace', true, false, ['strace']],
    ['apt-get', 'install --download-only strace', true, false, ['strace']],
    ['apt-get', '-d install strace', true, false, ['strace']],
    ['apt-get', 'install --print-uris strace', true, false, ['strace']],
    // Values, not names: the walk-arounds.
    ['apt-get', '--simulate=no install -y hello', false, true, ['hello']],
    ['apt-get', '--dry-run=false install hello', false, false, ['hello']],
    ['apt-get', '--simulate= install hello', false, false, ['hello']],
    ['apt-get', '--download-only=0 install hello', false, false, ['hello']],
    ['apt-get', '-s no install hello', false, false, ['hello']],
    ['apt-get', '-s0 install hello', false, false, ['hello']],
    ['apt-get', '-sno install hello', false, false, ['hello']],
    ['apt-get', '--no-simulate install hello', false, false, ['hello']],
    ['apt-get', '--without-simulate install hello', false, false, ['hello']],
    ['apt-get', '-s --no-simulate install hello', false, false, ['hello']],
    ['apt-get', '--no-s install hello', false, false, ['hello']],
    ['apt-get', '-y no install hello', false, false, ['hello']],
    ['apt-get', '--yes=off install hello', false, false, ['hello']],
    // ... and the other way round.
    ['apt-get', '--no-simulate -s install hello', true, false, ['hello']],
    ['apt-get', '-s1 install hello', true, false, ['hello']],
    ['apt-get', '-s=yes install hello', true, false, ['hello']],
    ['apt-get', '--no-simulate yes install hello', true, false, ['hello']],
    // -o: the last setting wins; keys are case-insensitive; a list item is another key.
    ['apt-get', '-o APT::Get::Simulate=1 -o APT::Get::Simulate=0 install hello', false, false, ['hello']],
    ['apt-get', '-o APT::Get::Simulate=0 -o APT::Get::Simulate=1 install hello', true, false, ['hello']],
    ['apt-get', '-o apt::get::simulate=yes install hello', true, false, ['hello']],
    ['apt-get', '-o APT::Get::Simulate::=1 install hello', false, false, ['hello']],
    ['apt-get', '-oAPT::Get::Download-Only=true install hello', true, false, ['hello']],
    ['apt-get', '-o=APT::Get::Print-URIs=on install hello', true, false, ['hello']],
    ['apt-get', '--option APT::Get::Simulate=0x1 install hello', true, false, ['hello']],
    ['apt-get', '-o APT::Get::Simulate=2 install hello', false, false, ['hello']],
    ['apt-get', '-o APT::Get::Assume-Yes=true upgrade', false, true, []],
    // A value is never the command, nor a package.
    ['apt-get', '-t install install strace', false, false, ['strace']],
    ['apt-get', '-t trixie-backports install strace/trixie-backports', false, false, ['strace/trixie-backports']],
    ['apt-get', '-q=2 install foo=1.0', false, false, ['foo=1.0']],
    ['apt-get', '-qq -y install foo', false, true, ['foo']],
    ['apt-get', '-s -- install foo', true, false, ['foo']],
    // Another root is what dpkg does, not what apt's command line says (DPkg hooks decide that).
    ['apt-get', '-o Dir=/target install strace', false, false, ['strace']],
    ['apt-get', '-o RootDir=/mnt/img/ install strace', false, false, ['strace']],
    // A line apt would not take never fires a hook: read as a change.
    ['apt-get', '-s --frobnicate install hello', false, false, []],
    ['apt-get', '-s -o NoEquals install hello', false, false, []],
    ['apt', 'install -s strace', true, false, ['strace']],
    ['apt', 'install --simulate=off strace', false, false, ['strace']],
  ] as const)('%s %s', (binary, line, readOnly, assumeYes, packages) => {
    expect(parseAptArgv(binary, line.split(' '))).toMatchObject({ readOnly, assumeYes, packages });
  });

  it('knows a removal that purges', () => {
    expect(parseAptArgv('apt-get', ['remove', '--purge', 'less']).purge).toBe(true);
    expect(parseAptArgv('apt', ['purge', 'less']).purge).toBe(true);
    expect(parseAptArgv('apt-get', ['remove', 'less']).purge).toBe(false);
  });

  it.each([
    ['', 0],
    ['0', 0],
    ['1', 1],
    ['+1', 1],
    ['-0', 0],
    ['0x1', 1],
    ['01', 1],
    [' 1', 1],
    ['true', 1],
    ['On', 1],
    ['with', 1],
    ['ENABLE', 1],
    ['no', 0],
    ['Without', 0],
    ['disable', 0],
    ['2', -1],
    ['-1', -1],
    ['08', -1],
    ['0x', -1],
    ['1 ', -1],
    ['  ', -1],
    ['nope', -1],
    ['y', -1],
  ])('StringToBool(%j) = %i', (text, value) => {
    expect(aptBool(text)).toBe(value);
  });

  it('builds the option table of the command apt finds first', () => {
    expect(tableCommand('apt-get', ['-o', 'Foo=bar', 'install', 'x'])).toBe('install');
    expect(tableCommand('apt-get', ['-t', 'install', 'remove'])).toBe('install');
    expect(tableCommand('apt-get', ['x', '--', 'install'])).toBe('install');
    expect(tableCommand('apt', ['frob'])).toBe(null);
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
      { name: 'libsame', action: 'configure', version: '1', arch: 'amd64' },
      {
        name: 'toolkit',
        action: 'unpack',
        version: '2',
        arch: 'amd64',
        file: '/var/cache/apt/archives/toolkit_2_amd64.deb',
      },
      { name: 'stuff', action: 'remove' },
    ]);
    expect(hookAssumeYes(info)).toBe(true);
    expect(hookRoot(info)).toBeUndefined();
  });

  it("finds another root only in dpkg's own options, the last one winning", () => {
    const withConf = (...lines: string[]) => parseHookInfo(`VERSION 3\n${lines.join('\n')}\n\n`);
    // Dir and RootDir move apt's files, not dpkg's target; a chroot is entered before the hook runs.
    expect(hookRoot(withConf('Dir=/target'))).toBeUndefined();
    expect(hookRoot(withConf('RootDir=/mnt'))).toBeUndefined();
    expect(hookRoot(withConf('DPkg::Chroot-Directory=/chroot'))).toBeUndefined();
    expect(hookRoot(withConf('DPkg::Options::=--root%3d/img'))).toBe('/img');
    expect(hookRoot(withConf('DPkg::Options::=--instdir=/img'))).toBe('/img');
    expect(hookRoot(withConf('DPkg::Options::=--root', 'DPkg::Options::=/split'))).toBe('/split');
    expect(
      hookRoot(withConf('DPkg::Options::=--root=/a', 'DPkg::Options::=--force-confold', 'DPkg::Options::=--root=/')),
    ).toBe('/');
  });

  it('reads version 2 lines', () => {
    expect(parseHookInfo('VERSION 2\n\nlibsame 1 < 2 **CONFIGURE**\n').actions).toEqual([
      { name: 'libsame', action: 'configure', version: '2' },
    ]);
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
