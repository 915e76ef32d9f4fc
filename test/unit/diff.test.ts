// The pure parts of usr-guard diff: package changes, loose files, folding,
// the Containerfile, the login line, and the parsers (also fuzzed).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/diff/baseline.js';
import { containerfileLines, groupFiles, looseFiles, packageChanges, type UpperEntry } from '../../src/diff/compute.js';
import { parseDpkgStatus, parseTabLines } from '../../src/diff/packages.js';
import { summaryLine } from '../../src/diff/record.js';
import { parseMountinfo, upperdirOf } from '../../src/probe/mountinfo.js';

const m = (entries: [string, string][]) => new Map(entries);

describe('package changes', () => {
  it('added, removed, upgraded, by name', () => {
    const before = m([['a', '1'], ['b', '1'], ['c', '1']]);
    const after = m([['a', '1'], ['b', '2'], ['d', '1']]);
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

  it('fold into a folder that holds nothing else, and not otherwise', () => {
    const up: UpperEntry[] = ['/usr/share/t/a', '/usr/share/t/b/c', '/usr/share/u/x', '/usr/share/u/pkg'].map((path) => ({ path, whiteout: false }));
    const files = looseFiles(up, new Set(['/usr/share/u/pkg']), null);
    expect(groupFiles(files, up).map((g) => [g.path, g.files.length])).toEqual([['/usr/share/t/', 2], ['/usr/share/u/x', 1]]);
  });
});

describe('the Containerfile lines', () => {
  it('one line per manager and kind, names sorted, and a commented COPY or rm per folder', () => {
    const pkgs = packageChanges('apt', m([['z', '1'], ['old', '1']]), m([['z', '2'], ['b', '1'], ['a', '1']]));
    const files = [{ path: '/usr/share/t/a', change: 'added' as const }, { path: '/usr/bin/x', change: 'deleted' as const }];
    expect(containerfileLines(pkgs, groupFiles(files, files.map((f) => ({ path: f.path, whiteout: false }))))).toEqual([
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
  it('names the packages, or counts many, per manager', () => {
    expect(summaryLine('apt\tughello\napt\tugother ughello\ndnf\tx\n', false)).toBe(
      "usr-guard: this boot's overlay on /usr holds changes (apt: ughello, ugother; dnf: x); they go at reboot. To keep them: usr-guard diff --containerfile",
    );
    expect(summaryLine(`apt\t${'a b c d e f g'}\n`, true)).toContain('(apt: 7 packages); they go at the next deployment');
    expect(summaryLine('apt\t\n', false)).toContain('(apt)');
  });

  // Issue 21: a file name root installs reaches every user's login.
  it('carries no terminal controls, whatever the names', () => {
    expect(summaryLine('apt\tx\x1b[2J\x1b]0;t\x07y \u009b31m\u202ez\n', false)).toContain('(apt: x[2J]0;ty, 31mz)');
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => {
      expect(summaryLine(t, false)).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    }));
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
    expect(parseDpkgStatus(status, 'amd64')).toEqual(m([['a', '1.0'], ['c:i386', '3'], ['d', '4']]));
  });

  it('the upperdir of an overlay, unescaped', () => {
    const [e] = parseMountinfo('90 1 0:9 / /usr rw - overlay overlay rw,lowerdir=/a,upperdir=/var/tmp/my\\040dir\\,x/upper,workdir=/w');
    expect(upperdirOf(e!)).toBe('/var/tmp/my dir,x/upper');
  });

  it('never throw, whatever the text', () => {
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.constantFrom('Package: a', 'Status: install ok installed', 'Version: 1', '', 'P\ta\t1', 'F\t/usr/x\ta', '\t', 'x\ty'), { maxLength: 12 }).map((l) => l.join('\n')));
    fc.assert(fc.property(text, (t) => {
      parseDpkgStatus(t, 'amd64');
      parseBaseline(t);
      parseTabLines(t);
      summaryLine(t, false);
    }));
  });
});
