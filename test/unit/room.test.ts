// The room check's decision (check/room.ts), as a table and as properties, and
// the parsers that feed it (apt-cache show / dpkg-deb --field, apt's JSON and
// Pre-Install-Pkgs versions).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  judgeRoom,
  MARGIN,
  MiB,
  parseControlSizes,
  type Room,
  type RoomPackage,
  roomNeeded,
  sizeText,
} from '../../src/check/room.js';
import { parseHookInfo } from '../../src/invocation/apt/hook-info.js';
import { parseNotification, transactionOf } from '../../src/invocation/apt/json.js';

const KiB = 1024;
/** A tmpfs of `mib` MiB, all free, with room for `files` files (0: no limit). */
const tmpfs = (mib: number, files = 100_000): Room => ({
  bsize: 4096,
  blocks: (mib * MiB) / 4096,
  bavail: (mib * MiB) / 4096,
  files,
  ffree: files,
});
const fresh = (name: string, mib: number): RoomPackage => ({ name, newKiB: (mib * MiB) / KiB });
const upgrade = (name: string, mib: number, oldLowerMiB: number): RoomPackage => ({
  name,
  newKiB: (mib * MiB) / KiB,
  newFiles: 2,
  oldLowerBytes: oldLowerMiB * MiB,
  oldLowerFiles: 2,
});

describe('judgeRoom: the table', () => {
  type Row = [string, RoomPackage[], Room, boolean];
  const rows: Row[] = [
    ['two new packages of 3 MiB in 4 MiB', [fresh('a', 3), fresh('b', 3)], tmpfs(4), false],
    ['a small one in 4 MiB', [fresh('a', 0.25)], tmpfs(4), true],
    ['3 MiB new in 6 MiB (3 × 1.1 + 1 = 4.3)', [fresh('a', 3)], tmpfs(6), true],
    ['3 MiB upgrade with 3 MiB old in the lower layer, in 6 MiB (7.6)', [upgrade('a', 3, 3)], tmpfs(6), false],
    ['the same upgrade, old files already in the upper layer', [upgrade('a', 3, 0)], tmpfs(6), true],
    ['3 MiB new in 3 MiB: the margin says no', [fresh('a', 3)], tmpfs(3), false],
    ['nothing to unpack (a removal)', [{ name: 'a', newKiB: null, oldLowerBytes: 0 }], tmpfs(0.5), true],
    ['size=0: no limit on blocks', [fresh('a', 50)], { ...tmpfs(1), blocks: 0, bavail: 0 }, true],
    ['nr_inodes=0: no limit on files', [fresh('a', 1)], { ...tmpfs(16), files: 0, ffree: 0 }, true],
    ['room for 100 files, 1 MiB needs ~300', [fresh('a', 1)], tmpfs(64, 100), false],
    ['a size that could not be read counts nothing', [{ name: 'a', newKiB: null }], tmpfs(1), true],
  ];
  it.each(rows)('%s', (_what, pkgs, room, fits) => {
    expect(judgeRoom(pkgs, room).fits).toBe(fits);
  });

  it('says what it needs and what is free', () => {
    const r = judgeRoom([fresh('a', 3), fresh('b', 3)], tmpfs(4));
    expect(r).toMatchObject({ fits: false, short: 'space', freeBytes: 4 * MiB });
    expect(sizeText(r.need.bytes)).toBe('7.6 MiB');
    expect(sizeText(512 * KiB)).toBe('512 KiB');
    expect(sizeText(3 * 1024 * MiB)).toBe('3.0 GiB');
  });

  it('names the packages it could not size', () => {
    expect(roomNeeded([{ name: 'x', newKiB: null }, fresh('y', 1)]).unknown).toEqual(['x']);
  });
});

const pkg = fc.record({
  name: fc.constantFrom('a', 'b', 'c'),
  newKiB: fc.option(fc.integer({ min: 0, max: 4_000_000 }), { nil: null }),
  newFiles: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: null }),
  oldLowerBytes: fc.integer({ min: 0, max: 4_000_000_000 }),
  oldLowerFiles: fc.integer({ min: 0, max: 100_000 }),
});
const room = fc.record({
  bsize: fc.constantFrom(1024, 4096),
  blocks: fc.integer({ min: 0, max: 10_000_000 }),
  bavail: fc.integer({ min: 0, max: 10_000_000 }),
  files: fc.integer({ min: 0, max: 10_000_000 }),
  ffree: fc.integer({ min: 0, max: 10_000_000 }),
});

describe('judgeRoom: properties', () => {
  it('more free room never turns a fit into a refusal', () => {
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 8 }), room, fc.nat(1_000_000), (pkgs, r, more) => {
        if (!judgeRoom(pkgs, r).fits) return;
        expect(judgeRoom(pkgs, { ...r, bavail: r.bavail + more, ffree: r.ffree + more }).fits).toBe(true);
      }),
    );
  });
  it('one more package never turns a refusal into a fit', () => {
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 8 }), pkg, room, (pkgs, extra, r) => {
        if (judgeRoom(pkgs, r).fits) return;
        expect(judgeRoom([...pkgs, extra], r).fits).toBe(false);
      }),
    );
  });
  it('needs at least the count plus the margin, and a refusal has less free than needed', () => {
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 8 }), room, (pkgs, r) => {
        const counted = pkgs.reduce((n, p) => n + (p.newKiB ?? 0) * KiB + p.oldLowerBytes, 0);
        const v = judgeRoom(pkgs, r);
        if (counted > 0) expect(v.need.bytes).toBeGreaterThanOrEqual(counted + MARGIN.bytes);
        if (!v.fits && v.short !== 'inodes') expect(v.freeBytes!).toBeLessThan(v.need.bytes);
      }),
    );
  });
});

describe('the sizes, read', () => {
  it("apt-cache show's stanzas", () => {
    const text =
      'Package: hello\nVersion: 2.10-3\nInstalled-Size: 277\nArchitecture: amd64\nDescription: x\n multi\n\nPackage: ugx\nArchitecture: all\nVersion: 1.0\nInstalled-Size: 1234\n';
    expect(parseControlSizes(text)).toEqual([
      { package: 'hello', version: '2.10-3', architecture: 'amd64', installedKiB: 277 },
      { package: 'ugx', version: '1.0', architecture: 'all', installedKiB: 1234 },
    ]);
  });
  it("dpkg-deb --field's two fields; a package without Installed-Size", () => {
    expect(parseControlSizes('Package: a\nInstalled-Size: 12\n')[0]!.installedKiB).toBe(12);
    expect(parseControlSizes('Package: a\n')[0]!.installedKiB).toBeNull();
    expect(parseControlSizes('Package: a\nInstalled-Size: lots\n')[0]!.installedKiB).toBeNull();
  });
  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (t) => {
        for (const c of parseControlSizes(t)) expect(c.installedKiB === null || c.installedKiB >= 0).toBe(true);
      }),
    );
  });

  it("apt's JSON hook: each package's architecture and the version to install", () => {
    const n = parseNotification(
      JSON.stringify({
        method: 'org.debian.apt.hooks.install.pre-prompt',
        params: {
          command: 'install',
          'search-terms': ['ugx'],
          packages: [
            {
              name: 'ugx',
              architecture: 'amd64',
              mode: 'upgrade',
              automatic: false,
              versions: { candidate: { version: '2.0' }, install: { version: '2.0' }, current: { version: '1.0' } },
            },
            { name: 'ugold', architecture: 'amd64', mode: 'deinstall', versions: { current: { version: '1' } } },
            { name: 'odd', mode: 'install', versions: { install: 'x' } },
          ],
        },
      }),
    );
    expect(transactionOf(n).packages).toEqual([
      { name: 'ugx', arch: 'amd64', version: '2.0' },
      { name: 'ugold', arch: 'amd64', removal: true },
      { name: 'odd' },
    ]);
  });

  it('Pre-Install-Pkgs v3: the new version, its architecture, and the .deb', () => {
    const info = parseHookInfo(
      'VERSION 3\nAPT::Architecture=amd64\n\nugx 1.0 all none < 2.0 all none /var/cache/apt/archives/ugx_2.0_all.deb\nugold 1 amd64 none > - - none **REMOVE**\n',
    );
    expect(info.actions).toEqual([
      { name: 'ugx', action: 'unpack', version: '2.0', arch: 'all', file: '/var/cache/apt/archives/ugx_2.0_all.deb' },
      { name: 'ugold', action: 'remove' },
    ]);
  });
});
