// The pure parts of usr-guard diff: package changes, loose files, folding,
// the Containerfile, the login line, and the parsers (also fuzzed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBaseline, parseBaseline } from '../../src/diff/baseline.js';
import { containerfileLines, groupFiles, looseFiles, packageChanges, type UpperEntry } from '../../src/diff/compute.js';
import { parseDpkgStatus, parseTabLines } from '../../src/diff/packages.js';
import { summaryLine } from '../../src/diff/record.js';
import { parseMountinfo, upperdirOf } from '../../src/probe/mountinfo.js';

const m = (entries: [string, string][]) => new Map(entries);

describe('package changes', () => {
  it('added, removed, upgraded, by name', () => {
    const before = m([
      ['a', '1'],
      ['b', '1'],
      ['c', '1'],
    ]);
    const after = m([
      ['a', '1'],
      ['b', '2'],
      ['d', '1'],
    ]);
    expect(packageChanges('apt', before, after)).toEqual([
      { manager: 'apt', name: 'b', change: 'upgraded', version: '2', fromVersion: '1' },
      { manager: 'apt', name: 'c', change: 'removed', version: null, fromVersion: '1' },
      { manager: 'apt', name: 'd', change: 'added', version: '1', fromVersion: null },
    ]);
  });
});

describe('loose files', () => {
  const upper: UpperEntry[] = [
    { path: '/usr/bin/new', whiteout: false },
    { path: '/usr/bin/gone', whiteout: true },
    { path: '/usr/bin/edited', whiteout: false },
    { path: '/usr/bin/pkgfile', whiteout: false },
    { path: '/usr/lib/sysimage/rpm/rpmdb.sqlite', whiteout: false },
    { path: '/usr/lib/python3/x/__pycache__/y.cpython-311.pyc', whiteout: false },
  ];
  it('are what no package of the diff owns, but databases and caches', () => {
    expect(looseFiles(upper, new Set(['/usr/bin/pkgfile']), m([['/usr/bin/edited', 'img']]))).toEqual([
      { path: '/usr/bin/edited', change: 'changed' },
      { path: '/usr/bin/gone', change: 'deleted' },
      { path: '/usr/bin/new', change: 'added' },
    ]);
  });

  const entries = (paths: string[]): UpperEntry[] =>
    paths.map((p) => ({ path: p.replace(/^-/, ''), whiteout: p.startsWith('-') }));
  const groups = (
    up: UpperEntry[],
    owned: string[],
    image: string[],
    holdsOnly: (folder: string, n: number) => boolean,
  ) =>
    groupFiles(looseFiles(up, new Set(owned), m(image.map((p) => [p, 'img']))), up, holdsOnly).map((g) => [
      g.path,
      g.files.length,
    ]);

  it('fold into a folder that holds nothing but files added by hand, and not otherwise', () => {
    const up = entries(['/usr/share/t/a', '/usr/share/t/b/c', '/usr/share/u/x', '/usr/share/u/pkg']);
    expect(groups(up, ['/usr/share/u/pkg'], [], () => true)).toEqual([
      ['/usr/share/t/', 2],
      ['/usr/share/u/x', 1],
    ]);
  });

  it('stay as narrow as they are where a folder holds more: an edit and a deletion in /usr/share/doc are two lines', () => {
    const up = entries(['/usr/share/doc/x/copyright', '-/usr/share/doc/y/README']);
    expect(groups(up, [], ['/usr/share/doc/x/copyright', '/usr/share/doc/y/README'], () => true)).toEqual([
      ['/usr/share/doc/x/copyright', 1],
      ['/usr/share/doc/y/README', 1],
    ]);
    // Two edits of the image's files: two lines too.
    expect(
      groups(
        entries(['/usr/share/doc/x/a', '/usr/share/doc/x/b']),
        [],
        ['/usr/share/doc/x/a', '/usr/share/doc/x/b'],
        () => true,
      ),
    ).toHaveLength(2);
  });

  it('never widen to a folder that also holds files of the image that did not change', () => {
    const up = entries(['/usr/share/doc/new1', '/usr/share/doc/new2', '/usr/share/tool/a', '/usr/share/tool/b']);
    const asked: string[] = [];
    const imageHasDoc = (folder: string, n: number) => {
      asked.push(`${folder} ${n}`);
      return folder !== '/usr/share/doc/';
    };
    expect(groups(up, [], [], imageHasDoc)).toEqual([
      ['/usr/share/doc/new1', 1],
      ['/usr/share/doc/new2', 1],
      ['/usr/share/tool/', 2],
    ]);
    // Asked once per folder, with the number of files the upper layer holds there.
    expect(asked.sort()).toEqual(['/usr/share/doc/ 2', '/usr/share/tool/ 2']);
  });
});

describe('the Containerfile lines', () => {
  it('one line per manager and kind, names sorted, and a commented COPY or rm per folder', () => {
    const pkgs = packageChanges(
      'apt',
      m([
        ['z', '1'],
        ['old', '1'],
      ]),
      m([
        ['z', '2'],
        ['b', '1'],
        ['a', '1'],
      ]),
    );
    const files = [
      { path: '/usr/share/t/a', change: 'added' as const },
      { path: '/usr/bin/x', change: 'deleted' as const },
    ];
    expect(
      containerfileLines(
        pkgs,
        groupFiles(
          files,
          files.map((f) => ({ path: f.path, whiteout: false })),
          () => true,
        ),
      ),
    ).toEqual([
      "# What this boot's transient overlay on /usr holds, as Containerfile lines (usr-guard diff).",
      'RUN apt-get install -y a b z',
      'RUN apt-get purge -y old',
      '# Files changed by hand: their content must come from the build context (copy them out of /usr before the reboot).',
      '# RUN rm -rf /usr/bin/x',
      '# COPY usr/share/t/a /usr/share/t/a',
    ]);
    expect(containerfileLines([], [])[1]).toBe('# Nothing to keep: the overlay holds no changes.');
  });
});

describe('the login line', () => {
  it('says that the overlay holds changes, when they go, and where to see them; it names nothing that root installed', () => {
    expect(summaryLine(false)).toBe(
      "usr-guard: this boot's overlay on /usr holds changes; they go at reboot. To see them: usr-guard diff (to keep them: usr-guard keep)",
    );
    expect(summaryLine(true)).toContain('they go at the next deployment');
    expect(summaryLine(false)).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  });
});

describe('the baseline', () => {
  const versions = m([
    ['a', '1.0'],
    ['b:i386', '2'],
  ]);
  const owners = m([
    ['/usr/bin/a', 'a'],
    ['/usr/share/doc/a/copyright', 'a'],
    ['/usr/share/doc/a/changelog.gz', 'a'],
    ['/usr/lib/b/x\ty', 'b:i386'],
  ]);

  it('keeps the owners front-coded, and reads back what it kept', () => {
    const text = encodeBaseline(versions, owners, null);
    expect(text).toContain('K\ta\nN\t0\t/usr/bin/a\nN\t5\tshare/doc/a/changelog.gz\nN\t18\topyright\n');
    expect(parseBaseline(text)).toEqual({ versions, owners, ownersInSnapshotOf: null });
  });

  it("or only points to dpkg's snapshot of that moment", () => {
    const text = encodeBaseline(versions, null, 'b00t');
    expect(text).toBe('P\ta\t1.0\nP\tb:i386\t2\nO\tdpkg-snapshot\tb00t\n');
    expect(parseBaseline(text)).toEqual({ versions, owners: new Map(), ownersInSnapshotOf: 'b00t' });
  });

  it('reads back any owners it kept (fuzzed)', () => {
    const segment = fc.string({ minLength: 1, maxLength: 6 }).filter((x) => !/[\n/]/.test(x));
    const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((p) => `/usr/${p.join('/')}`);
    const key = fc.constantFrom('a', 'b', 'c:i386');
    fc.assert(
      fc.property(fc.array(fc.tuple(path, key), { maxLength: 30 }), (pairs) => {
        const o = new Map(pairs);
        expect(parseBaseline(encodeBaseline(versions, o, null)).owners).toEqual(o);
      }),
    );
  });

  it('reads only the owners of the packages asked for, as the whole read has them (fuzzed)', () => {
    const line = fc.oneof(
      fc.constantFrom('K\ta', 'K\tb', 'P\ta\t1', 'O\tdpkg-snapshot\tb00t', 'N\t', ''),
      fc
        .tuple(fc.constantFrom('N', 'K', 'P'), fc.nat(12), fc.string({ maxLength: 8 }))
        .map(([k, n, r]) => `${k}\t${n}\t/usr/${r}`),
    );
    const text = fc.array(line, { maxLength: 30 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, fc.subarray(['a', 'b', '0', '1']), (t, keys) => {
        const whole = parseBaseline(t);
        const some = parseBaseline(t, new Set(keys));
        expect(some.owners).toEqual(new Map([...whole.owners].filter(([, k]) => keys.includes(k))));
        expect([some.versions, some.ownersInSnapshotOf]).toEqual([whole.versions, whole.ownersInSnapshotOf]);
      }),
    );
  });
});

describe('parsers', () => {
  it("dpkg's status: installed packages, a foreign architecture as name:arch", () => {
    const status = [
      'Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0',
      'Package: b\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 2.0',
      'Package: c\nStatus: install ok installed\nArchitecture: i386\nVersion: 3\nDescription: x\n y',
      'Package: d\nStatus: install ok unpacked\nArchitecture: all\nVersion: 4',
    ].join('\n\n');
    expect(parseDpkgStatus(status, 'amd64')).toEqual(
      m([
        ['a', '1.0'],
        ['c:i386', '3'],
        ['d', '4'],
      ]),
    );
  });

  it("dpkg's status: read as a regular expression per field reads it (fuzzed)", () => {
    // The reading it replaced (one expression per field and stanza, 5 times slower), as the oracle.
    const byRegex = (text: string) => {
      const out = new Map<string, string>();
      for (const stanza of text.split(/\n\s*\n/)) {
        const f = (n: string) => new RegExp(`^${n}:[ \\t]*(.*)$`, 'mi').exec(stanza)?.[1]?.trim();
        const [name, version, arch] = [f('Package'), f('Version'), f('Architecture') ?? ''];
        if (
          !name ||
          !version ||
          !/\b(installed|unpacked|half-configured|triggers-awaited|triggers-pending)$/.test(f('Status') ?? '')
        )
          continue;
        out.set(arch && arch !== 'all' && arch !== 'amd64' ? `${name}:${arch}` : name, version);
      }
      return out;
    };
    const line = fc.oneof(
      fc
        .tuple(
          fc.constantFrom(
            'Package',
            'package',
            'PACKAGE',
            'Version',
            'Status',
            'Architecture',
            'Multi-Arch',
            ' Version',
            'X',
          ),
          fc.constantFrom(':', ': ', ':\t', ' :'),
          fc.constantFrom('a', 'b ', 'install ok installed', 'deinstall ok config-files', 'i386', 'all', '1:2.0', ''),
        )
        .map((p) => p.join('')),
      fc.constantFrom('', ' ', ' continued', '\r', 'x'),
    );
    const text = fc
      .array(fc.tuple(line, fc.constantFrom('\n', '\r\n', '\r', '\n\n')), { maxLength: 16 })
      .map((ls) => ls.flat().join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(parseDpkgStatus(t, 'amd64')).toEqual(byRegex(t));
      }),
    );
  });

  it('the upperdir of an overlay, unescaped', () => {
    const [e] = parseMountinfo(
      '90 1 0:9 / /usr rw - overlay overlay rw,lowerdir=/a,upperdir=/var/tmp/my\\040dir\\,x/upper,workdir=/w',
    );
    expect(upperdirOf(e!)).toBe('/var/tmp/my dir,x/upper');
  });

  it('never throw, whatever the text', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc
        .array(
          fc.constantFrom(
            'Package: a',
            'Status: install ok installed',
            'Version: 1',
            '',
            'P\ta\t1',
            'K\ta',
            'N\t5\tx',
            'N\t99999\t/usr/y',
            'O\tdpkg-snapshot\tb',
            '\t',
            'x\ty',
          ),
          { maxLength: 12 },
        )
        .map((l) => l.join('\n')),
    );
    fc.assert(
      fc.property(text, (t) => {
        parseDpkgStatus(t, 'amd64');
        parseBaseline(t);
        parseTabLines(t);
      }),
    );
  });
});
