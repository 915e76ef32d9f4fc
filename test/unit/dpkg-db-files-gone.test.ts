// Which packages the next boot takes off dpkg's database when the only snapshot
// was taken at the overlay boot's first change (src/dpkg-db/files-gone.ts): a
// package goes only when every file it lists under /usr is missing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filesGone, type Found, infoOwner, onDisk, withoutPackages } from '../../src/dpkg-db/files-gone.js';
import { stanzas } from '../../src/dpkg-db/package-state.js';

const probeOf = (found: Record<string, Found>) => (path: string) => found[path] ?? 'missing';

describe('filesGone', () => {
  const table: [string, string, Record<string, Found>, boolean][] = [
    [
      'all its files there (an image package)',
      '/.\n/usr\n/usr/bin\n/usr/bin/a\n/usr/share/doc/a/copyright',
      { '/usr/bin': 'folder', '/usr/bin/a': 'thing', '/usr/share/doc/a/copyright': 'thing' },
      false,
    ],
    [
      'every file gone, folders left (the overlay took it)',
      '/.\n/usr\n/usr/bin\n/usr/bin/a',
      { '/usr/bin': 'folder' },
      true,
    ],
    [
      'docs left out by a path-exclude, the program there',
      '/usr/bin/a\n/usr/share/doc/a/changelog.gz',
      { '/usr/bin/a': 'thing' },
      false,
    ],
    [
      'an upgrade the overlay made: the old files at mostly the same paths',
      '/usr/bin/a\n/usr/lib/a/new.so',
      { '/usr/bin/a': 'thing' },
      false,
    ],
    ['a link left is a file there', '/usr/bin/a\n/usr/bin/b', { '/usr/bin/b': 'thing' }, false],
    [
      'only folders listed: nothing says gone',
      '/usr/share\n/usr/share/a',
      { '/usr/share': 'folder', '/usr/share/a': 'folder' },
      false,
    ],
    ['nothing under /usr (/etc, /var alone)', '/etc/a.conf\n/var/lib/a', {}, false],
    ['an empty list', '', {}, false],
    ['/usrx is not /usr', '/usrx/a', {}, false],
  ];
  it.each(table)('%s', (_, list, found, gone) => {
    expect(filesGone(list, probeOf(found))).toBe(gone);
  });

  it('is gone exactly when something under /usr is missing and nothing but folders is there', () => {
    const path = fc.stringMatching(/^\/usr\/[a-z/]{1,6}$|^\/etc\/[a-z]{1,3}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(path, fc.constantFrom<Found>('folder', 'thing', 'missing')), { maxLength: 8 }),
        (rows) => {
          const found = Object.fromEntries(rows);
          const usr = Object.keys(found).filter((p) => p.startsWith('/usr/'));
          const want = usr.some((p) => found[p] === 'missing') && !usr.some((p) => found[p] === 'thing');
          expect(filesGone(Object.keys(found).join('\n'), probeOf(found))).toBe(want);
        },
      ),
    );
  });
});

const stanza = (name: string, status: string, extra = '') =>
  `Package: ${name}\nStatus: install ok ${status}\nArchitecture: amd64\n${extra}Version: 1\n\n`;

describe('onDisk and withoutPackages', () => {
  it('lists the packages whose files are on disk, by the info/ names dpkg gives them', () => {
    const status = [
      stanza('a', 'installed'),
      stanza('b', 'config-files'),
      stanza('c', 'half-configured'),
      stanza('d', 'installed', 'Multi-Arch: same\n'),
      stanza('e', 'not-installed'),
      stanza('f', 'triggers-pending'),
    ].join('');
    expect(onDisk(status)).toEqual([
      { key: 'a:amd64', infoNames: ['a', 'a:amd64'] },
      { key: 'c:amd64', infoNames: ['c', 'c:amd64'] },
      { key: 'd:amd64', infoNames: ['d:amd64', 'd'] },
      { key: 'f:amd64', infoNames: ['f', 'f:amd64'] },
    ]);
  });

  it('takes off exactly the packages named, the rest as they were', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9.+-]{0,6}$/);
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 6 }), fc.array(fc.nat()), (names, picks) => {
        const status = names.map((n) => stanza(n, 'installed')).join('');
        const drop = picks.filter((i) => i < names.length).map((i) => `${names[i]}:amd64`);
        const left = stanzas(withoutPackages(status, drop));
        expect([...left.keys()]).toEqual(names.map((n) => `${n}:amd64`).filter((k) => !drop.includes(k)));
        for (const [k, s] of left) expect(`${s}\n\n`).toBe(stanza(k.slice(0, -6), 'installed'));
      }),
    );
  });

  it("an info/ file's package is all before its last dot (dpkg's parse: names hold dots)", () => {
    expect(infoOwner('libfoo1.2.list')).toBe('libfoo1.2');
    expect(infoOwner('libc6:amd64.md5sums')).toBe('libc6:amd64');
    expect(infoOwner('a.postinst')).toBe('a');
  });
});
