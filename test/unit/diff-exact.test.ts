// The pure parts of an exact diff (issue 29): printable names (fuzzed), dpkg's
// alternatives and apt's marks, apt-cache policy's sources, the native
// architecture, and the notes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alternativeLinks, isTriggerCache, parseAlternative } from '../../src/diff/by-packages.js';
import { localVersions, packageFileName } from '../../src/diff/local-debs.js';
import { parseAutoInstalled } from '../../src/diff/marks.js';
import { keepPackageFiles, toLetGo } from '../../src/diff/package-store.js';
import { bootTimeMs, noBaselineNote } from '../../src/diff/notes.js';
import { dpkgPackages, nativeArchOf } from '../../src/diff/packages.js';
import { filesNotListedNote } from '../../src/messages/diff.js';
import { overlayWarningLines, refusalLines } from '../../src/messages/index.js';
import { printable } from '../../src/printable.js';
import { buildDebFrom } from '../helpers/odd-debs.js';
import { invocation, stateOf } from '../helpers/states.js';

/** What bash makes of a $'...' word printable() wrote. */
function unquote(s: string): string {
  if (!s.startsWith("$'")) return s;
  return s
    .slice(2, -1)
    .replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[ntrE\\'])/g, (_, e: string) =>
      e[0] === 'x' || e[0] === 'u'
        ? String.fromCodePoint(Number.parseInt(e.slice(1), 16))
        : ({ n: '\n', t: '\t', r: '\r', E: '\u001b', '\\': '\\', "'": "'" } as Record<string, string>)[e]!,
    );
}
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it('leaves a plain name as it is, and quotes one with a newline, an escape or a bidi override', () => {
    expect(printable('/usr/share/doc/a b')).toBe('/usr/share/doc/a b');
    expect(printable('/usr/local/x\nRUN id')).toBe("$'/usr/local/x\\nRUN id'");
    expect(printable("a\u001b[2J'\\")).toBe("$'a\\E[2J\\'\\\\'");
    expect(printable('a\u202eb\u0085')).toBe("$'a\\u202eb\\u0085'");
  });

  it('never lets a control character through, is one line, and reads back as the name (fuzzed)', () => {
    const names = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('a', '/', '\n', '\u001b', "'", '\\', '\u202e', '\u0007', ' '), maxLength: 20 }),
    );
    fc.assert(
      fc.property(names, (name) => {
        const shown = printable(name);
        expect(shown).not.toMatch(CONTROL);
        expect(unquote(shown)).toBe(name);
        if (!CONTROL.test(name)) expect(shown).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("dpkg's alternatives", () => {
  const file =
    'auto\n/usr/bin/editor\neditor.1.gz\n/usr/share/man/man1/editor.1.gz\n\n/usr/bin/vim.basic\n30\n/usr/share/man/man1/vim.1.gz\n/bin/nano\n40\n\n';
  it('its links, and the files they may point to', () => {
    expect(parseAlternative(file)).toEqual({
      links: ['/usr/bin/editor', '/usr/share/man/man1/editor.1.gz'],
      choices: ['/usr/bin/vim.basic', '/usr/share/man/man1/vim.1.gz', '/bin/nano'],
    });
    expect(parseAlternative('garbage\n')).toBeNull();
    expect(parseAlternative('auto\n/usr/bin/x\nslave')).toBeNull();
  });
  it('links count as a package change only where a changed package holds one of the files', () => {
    const a = parseAlternative(file)!;
    expect([...alternativeLinks([a], new Set(['/usr/bin/vim.basic']))]).toEqual(a.links);
    expect(alternativeLinks([a], new Set(['/usr/bin/other'])).size).toBe(0);
  });
  it('never throws (fuzzed)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (t) => void parseAlternative(t)));
  });
});

it('caches triggers rebuild, and not a file next to them', () => {
  expect(isTriggerCache('/usr/share/icons/hicolor/icon-theme.cache')).toBe(true);
  expect(isTriggerCache('/usr/share/glib-2.0/schemas/gschemas.compiled')).toBe(true);
  expect(isTriggerCache('/usr/share/mime/mime.cache')).toBe(true);
  expect(isTriggerCache('/usr/share/mime/packages/x.xml')).toBe(false);
  expect(isTriggerCache('/usr/lib/x86_64-linux-gnu/gdk-pixbuf-2.0/2.10.0/loaders.cache')).toBe(true);
  expect(isTriggerCache('/usr/share/icons/hicolor/48x48/apps/x.png')).toBe(false);
});

describe("apt's marks and sources", () => {
  it('Auto-Installed: 1, by name and name:arch', () => {
    const t =
      'Package: a\nArchitecture: amd64\nAuto-Installed: 1\n\nPackage: b\nArchitecture: amd64\nAuto-Installed: 0\n\nPackage: c\nAuto-Installed: 1\n';
    expect([...parseAutoInstalled(t)].sort()).toEqual(['a', 'a:amd64', 'c']);
  });
  it("a version only dpkg's status has came from no repository", () => {
    const policy = `mytool:
  Installed: 2.0
  Candidate: 2.0
  Version table:
 *** 2.0 100
        100 /var/lib/dpkg/status
htop:
  Installed: 3.2.2-2
  Candidate: 3.2.2-2
  Version table:
 *** 3.2.2-2 500
        500 http://deb.example/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
older:
  Installed: 1.0
  Candidate: 2.0
  Version table:
     2.0 500
        500 copy:/repo ./ Packages
 *** 1.0 100
        100 /var/lib/dpkg/status
`;
    expect([...localVersions(policy)].sort()).toEqual(['mytool', 'older']);
  });
  it('never throw (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (t) => {
        parseAutoInstalled(t);
        localVersions(t);
        nativeArchOf(t);
      }),
    );
  });
});

describe("dpkg's status", () => {
  const status = [
    'Package: dpkg\nStatus: install ok installed\nPriority: required\nArchitecture: arm64\nVersion: 1.21',
    'Package: libnl-3-200\nStatus: install ok installed\nArchitecture: arm64\nMulti-Arch: same\nVersion: 3.7',
    'Package: libnl-3-200\nStatus: install ok installed\nArchitecture: armhf\nMulti-Arch: same\nVersion: 3.7',
    'Package: mytool\nStatus: install ok installed\nArchitecture: all\nVersion: 1:2.0',
  ].join('\n\n');
  it("the native architecture is dpkg's own, and a Multi-Arch: same package's list is NAME:ARCH.list", () => {
    expect(nativeArchOf(status)).toBe('arm64');
    expect([...dpkgPackages(status)].map(([k, p]) => [k, p.list])).toEqual([
      ['dpkg', 'dpkg.list'],
      ['libnl-3-200', 'libnl-3-200:arm64.list'],
      ['libnl-3-200:armhf', 'libnl-3-200:armhf.list'],
      ['mytool', 'mytool.list'],
    ]);
    expect(packageFileName(status, 'mytool')).toBe('mytool_2.0_all.deb');
  });
});

describe('notes', () => {
  it('no baseline: silent where the database was not written this boot, in plain words where it was', () => {
    expect(noBaselineNote('apt', 1000, 2000)).toBeNull();
    expect(noBaselineNote('apt', 3000, 2000)).toMatch(/^packages changed with apt or dpkg are not listed: /);
    expect(noBaselineNote('apt', null, 2000)).not.toContain('baseline');
  });
  it('composefs: what cannot be listed, said plainly', () => {
    expect(filesNotListedNote('why', true)).toMatch(/^files changed by hand cannot be listed: on this composefs host/);
    expect(bootTimeMs('cpu 1\nbtime 1700000000\n')).toBe(1_700_000_000_000);
  });
});

describe('the store of package files', () => {
  it('lets the oldest go until the rest fit', () => {
    const f = (name: string, size: number, mtimeMs: number) => ({ name, size, mtimeMs });
    expect(toLetGo([f('new', 100, 3), f('old', 100, 1), f('mid', 100, 2)], 150)).toEqual(['old', 'mid']);
    expect(toLetGo([f('a', 100, 1)], 100)).toEqual([]);
  });

  it('keeps a whole copy, root only, and lets the oldest go past the limit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ug-store-'));
    try {
      const debs = [buildDebFrom(dir, { name: 'uga' }), buildDebFrom(dir, { name: 'ugb' })];
      const store = join(dir, 'store');
      const size = statSync(debs[0]!).size;
      expect(keepPackageFiles([debs[0]!], store, size * 1.5, join(dir, 'kept'))).toEqual([]);
      expect(keepPackageFiles([debs[1]!], store, size * 1.5, join(dir, 'kept'))).toEqual([]);
      expect(readdirSync(store)).toEqual(['ugb_1.0_all.deb']);
      expect(statSync(store).mode & 0o777).toBe(0o700);
      expect(readFileSync(join(store, 'ugb_1.0_all.deb'))).toEqual(readFileSync(debs[1]!));
      expect(readFileSync(join(dir, 'kept'), 'utf8')).toBe('uga_1.0_all.deb\nugb_1.0_all.deb\n');
      expect(keepPackageFiles([join(dir, 'nothing.deb')], store, size * 1.5, join(dir, 'kept'))[0]).toMatch(
        /^could not keep a copy of nothing\.deb/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it('the refusal and the overlay warning quote a name with a control character, as typed on the command line', () => {
  const inv = invocation({ packages: ['x\u001b]0;t\u0007y'], operation: 'install' });
  const lines = [
    ...refusalLines(stateOf('image-locked'), inv),
    ...overlayWarningLines(stateOf('image-overlay'), inv),
  ].join('\n');
  expect(lines).toContain("RUN apt-get install -y $'x\\E]0;t\\x07y'");
  expect(lines).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
});
