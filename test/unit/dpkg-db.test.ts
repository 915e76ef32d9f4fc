// The parsers of dpkg's database care: a snapshot's manifest and an image's
// record take any input and answer or say plainly what is wrong; a manifest
// or a record usr-guard writes reads back as written; staleness names the
// first difference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manifestText, parseManifest, type Manifest } from '../../src/dpkg-db/manifest.js';
import { changedPackages, mergeMarks, mergeStatus } from '../../src/dpkg-db/package-state.js';
import { somethingPending } from '../../src/invocation/apt/dpkg.js';
import { parseRecord, staleness, type DpkgRecord } from '../../src/dpkg-db/record.js';
import type { Entry } from '../../src/fs/trees.js';

const entry: fc.Arbitrary<Entry> = fc.oneof(
  fc.tuple(fc.constant('f' as const), fc.string({ minLength: 1 }), fc.nat()),
  fc.tuple(fc.constant('l' as const), fc.string({ minLength: 1 }), fc.string()),
  fc.tuple(fc.constant('d' as const), fc.string({ minLength: 1 }), fc.constant(0 as const)),
);
const manifest: fc.Arbitrary<Manifest> = fc.record({
  bootId: fc.string(),
  taken: fc.string(),
  by: fc.constantFrom('boot' as const, 'first-change' as const),
  marks: fc.option(fc.nat(), { nil: null }),
  stamp: fc.string(),
  entries: fc.array(entry, { maxLength: 8 }),
});
const text = fc.oneof(
  fc.string(),
  fc.json(),
  fc.constant('{"format":"usr-guard dpkg-db snapshot 1"}'),
  fc.constant('{"format":"usr-guard dpkg-db record 1","packages":{}}'),
);

describe("a snapshot's manifest", () => {
  it('any text: a manifest or an error, never a throw', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = parseManifest(t);
        expect('error' in r ? typeof r.error : Array.isArray(r.entries)).toBeTruthy();
      }),
    );
  });

  it('reads back as written; a change anywhere, or a cut, breaks the seal', () => {
    fc.assert(
      fc.property(manifest, fc.nat(), (m, cut) => {
        const t = manifestText(m);
        expect(parseManifest(t)).toEqual(m);
        const short = t.slice(0, cut % (t.length - 1)); // at least its closing brace goes
        expect('error' in parseManifest(short)).toBe(true);
        const o = JSON.parse(t);
        o.entries.push(['f', 'extra', 1]);
        expect(parseManifest(JSON.stringify(o))).toEqual({
          error: "its manifest's seal (sha256) does not match its listing",
        });
      }),
    );
  });
});

describe("an image's record of its dpkg database", () => {
  it('any text: a record or an error, never a throw', () => {
    fc.assert(
      fc.property(text, (t) => {
        const r = parseRecord(t);
        expect('error' in r ? typeof r.error : typeof r.statusSha256).toBe('string');
      }),
    );
  });

  it('staleness: null for the same database, else the first difference in words', () => {
    const image: DpkgRecord = { statusSha256: 'a', packages: { guardtest: '1.1', base: '1' } };
    expect(staleness(image, { ...image })).toBeNull();
    expect(staleness(image, { statusSha256: 'b', packages: { guardtest: '1.0', base: '1' } })).toBe(
      'it lists guardtest 1.0 where this image has 1.1',
    );
    expect(staleness(image, { statusSha256: 'b', packages: { guardtest: '1.0', old: '2' } })).toBe(
      'it lists guardtest 1.0 where this image has 1.1 (and 2 more differences)',
    );
    expect(staleness(image, { statusSha256: 'b', packages: { guardtest: '1.1' } })).toBe(
      'it lacks base 1, which this image has',
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), fc.dictionary(fc.string(), fc.string()), (a, b) => {
        const r = staleness({ statusSha256: 'x', packages: a }, { statusSha256: 'y', packages: b });
        expect(r === null || r.startsWith('it ')).toBe(true);
      }),
    );
  });
});

describe('what a boot changed (two copies of dpkg status, and apt marks)', () => {
  const st = (name: string, status: string, version = '1.0') =>
    `Package: ${name}\nStatus: ${status}\nArchitecture: all\nVersion: ${version}\nDescription: x\n multi-line\n`;
  const file = (...s: string[]) => s.map((x) => `${x}\n`).join('');
  const image = file(st('a', 'install ok installed'), st('b', 'install ok installed'));

  it('a version, a status, a package added or gone: changed; a hold, a selection, a stanza of nothing installed: not', () => {
    const table: [string, string[]][] = [
      [image, []],
      [file(st('a', 'hold ok installed'), st('b', 'install ok installed')), []],
      [file(st('a', 'install ok installed'), st('b', 'deinstall ok installed')), []],
      [file(st('a', 'install ok installed'), st('b', 'install ok installed'), st('z', 'hold ok not-installed')), []],
      [file(st('a', 'install ok installed', '2.0'), st('b', 'install ok installed')), ['a:all']],
      [file(st('a', 'install ok half-configured'), st('b', 'install ok installed')), ['a:all']],
      [file(st('a', 'install ok installed')), ['b:all']],
      [
        file(st('a', 'install ok installed'), st('b', 'install ok installed'), st('c', 'install ok installed')),
        ['c:all'],
      ],
    ];
    for (const [now, changed] of table) expect(changedPackages(image, now), now).toEqual(changed);
  });

  it("puts back the changed packages as they were, keeps the others' holds, and reads back the same when nothing changed", () => {
    const now = file(st('a', 'hold ok installed'), st('c', 'install ok installed'));
    const changed = changedPackages(image, now);
    expect(changed).toEqual(['b:all', 'c:all']);
    expect(mergeStatus(image, now, changed)).toBe(file(st('a', 'hold ok installed'), st('b', 'install ok installed')));
    expect(mergeStatus(image, image, [])).toBe(image);
    const marks = (...names: string[]) =>
      names.map((n) => `Package: ${n}\nArchitecture: amd64\nAuto-Installed: 1\n\n`).join('');
    // b (changed) automatic again; a's mark made in this boot (unchanged package) stays.
    expect(mergeMarks(marks('b'), marks('a'), changed)).toBe(marks('b', 'a'));
  });

  it('any two texts: never a throw; a text against itself changes nothing and merges to itself', () => {
    const stanza = fc
      .tuple(
        fc.constantFrom('a', 'b', 'c'),
        fc.constantFrom('install', 'hold', 'purge'),
        fc.constantFrom('installed', 'not-installed', 'unpacked'),
        fc.constantFrom('1', '2'),
      )
      .map(([n, w, s, v]) => st(n, `${w} ok ${s}`, v));
    const text = fc.oneof(
      fc.string(),
      fc.array(stanza, { maxLength: 4 }).map((a) => file(...a)),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        const changed = changedPackages(a, b);
        expect(changedPackages(a, a)).toEqual([]);
        mergeStatus(a, b, changed);
        mergeMarks(a, b, changed);
        // What is put back has the packages' states of `a`.
        expect(changedPackages(a, mergeStatus(a, b, changed))).toEqual([]);
      }),
    );
  });
});

describe('dpkg --configure -a: is anything pending?', () => {
  it('a table of states, and journal entries', () => {
    const st = (s: string) => `Package: a\nStatus: install ok ${s}\nVersion: 1\n\n`;
    const table: [string, string[], boolean][] = [
      [st('installed'), [], false],
      [st('config-files') + st('not-installed'), [], false],
      [st('unpacked'), [], true],
      [st('half-configured'), [], true],
      [st('half-installed'), [], true],
      [st('triggers-awaited'), [], true],
      [st('triggers-pending'), [], true],
      [st('installed'), ['0003'], true],
      [st('installed'), ['tmp.i'], false],
    ];
    for (const [status, journal, want] of table) expect(somethingPending(status, journal), status).toBe(want);
  });

  it('any text: an answer, never a throw', () => {
    fc.assert(fc.property(fc.string(), fc.array(fc.string()), (s, j) => typeof somethingPending(s, j) === 'boolean'));
  });
});
