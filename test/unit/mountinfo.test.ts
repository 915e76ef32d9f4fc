import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coveringMount, MountinfoError, parseMountinfo, rootSource, usrFactsFrom } from '../../src/probe/mountinfo.js';

const fixture = (name: string) =>
  parseMountinfo(readFileSync(new URL(`../fixtures/mountinfo/${name}.txt`, import.meta.url), 'utf8'));
const usrOf = (name: string) => usrFactsFrom(coveringMount(fixture(name), '/usr')!);

describe('the mount that covers /usr, from real mount lines', () => {
  it.each([
    // fixture, mountPoint, fsType, readOnly, overlay
    ['ostree-legacy-ro-bind', '/usr', 'ext4', true, 'none'],
    ['fcos-composefs-root', '/', 'overlay', true, 'image'],
    ['bootc-composefs-native', '/', 'overlay', true, 'image'],
    ['rhcos-after-usroverlay', '/usr', 'overlay', false, 'unlock'],
    ['ostree-2025-transient-ro', '/usr', 'overlay', true, 'unlock'],
    ['sysext-usr', '/usr', 'overlay', true, 'image'],
    ['debian-plain', '/', 'ext4', false, 'none'],
  ] as const)('%s', (name, mountPoint, fsType, readOnly, overlay) => {
    expect(usrOf(name)).toMatchObject({ mountPoint, fsType, readOnly, overlay });
  });

  it('counts read-only from the superblock part alone (lower-only overlay shows rw per mount)', () => {
    const [e] = parseMountinfo('80 1 0:41 / /usr rw,relatime - overlay sysext ro,lowerdir=/a:/b');
    expect(usrFactsFrom(e!).readOnly).toBe(true);
  });

  it('takes the last mount stacked on /usr', () => {
    expect(usrOf('rhcos-after-usroverlay').source).toBe('overlay');
  });

  it('does not take /usr/local for /usr', () => {
    expect(coveringMount(fixture('debian-plain'), '/usr')!.mountPoint).toBe('/');
  });

  it('unescapes octal escapes in mount points and sources', () => {
    const e = fixture('debian-plain').find((m) => m.mountPoint.startsWith('/mnt'))!;
    expect(e.mountPoint).toBe('/mnt/with space');
    expect(e.source).toBe('my disk');
  });

  it('reads the composefs source of /', () => {
    expect(rootSource(fixture('bootc-composefs-native'))).toBe('composefs:72446d57b214');
  });

  it.each([
    ['empty', ''],
    ['no separator', '27 1 254:0 / / rw,relatime ext4 /dev/vda rw x y'],
    ['too few fields', '27 1 254:0 / /'],
    ['not a mount id', 'hello world this is not mountinfo - at all really'],
  ])('rejects malformed input (%s) with a clear error', (_what, text) => {
    expect(() => parseMountinfo(text)).toThrow(MountinfoError);
  });
});
