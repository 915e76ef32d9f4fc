// The recipe of usr-guard keep as a table (src/keep/recipe.ts, from-diff.ts),
// the readings of bootc status and of the builder's output (bootc.ts,
// build.ts), and the quoting of odd names, fuzzed and run through a real sh.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKeepStatus, pullRef } from '../../src/keep/bootc.js';
import { buildArgs, buildFailure, chooseBuilder, roomFor, stepLine } from '../../src/keep/build.js';
import { partsFromDiff } from '../../src/keep/from-diff.js';
import {
  bodyOf,
  hasChanges,
  labelledDigest,
  makeRecipe,
  printfWord,
  type RecipeInput,
  removeLine,
  usrPath,
} from '../../src/keep/recipe.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const input = (over: Partial<RecipeInput> = {}): RecipeInput => ({
  from: 'localhost/bootc',
  digest: DIGEST,
  n: 1,
  packageLines: [],
  localPackages: [],
  copied: [],
  deleted: [],
  dpkgDbInVar: false,
  lint: false,
  earlier: '',
  ...over,
});
const lines = (i: Partial<RecipeInput>) => makeRecipe(input(i)).containerfile.split('\n').slice(2, -1);

describe('the recipe', () => {
  it.each<[string, Partial<RecipeInput>, string[]]>([
    [
      'an apt install',
      { packageLines: ['RUN apt-get install -y ughello'] },
      ['RUN apt-get update', 'RUN apt-get install -y ughello', 'RUN apt-get clean && rm -rf /var/lib/apt/lists/*'],
    ],
    [
      'a local .deb comes from its file, not a repository',
      {
        packageLines: ['RUN apt-get install -y ughello ugloc'],
        localPackages: [
          {
            manager: 'apt',
            name: 'ugloc',
            file: '/var/lib/usr-guard/package-files/ugloc_1.0_all.deb',
            contextName: 'ugloc_1.0_all.deb',
          },
        ],
      },
      [
        'RUN apt-get update',
        'RUN apt-get install -y ughello',
        'COPY "keep-1/packages/" "/tmp/usr-guard-keep/"',
        'RUN apt-get install -y /tmp/usr-guard-keep/ugloc_1.0_all.deb && rm -rf /tmp/usr-guard-keep',
        'RUN apt-get clean && rm -rf /var/lib/apt/lists/*',
      ],
    ],
    [
      'only a local package: no install line left empty',
      {
        packageLines: ['RUN apt-get install -y ugloc'],
        localPackages: [{ manager: 'apt', name: 'ugloc', file: '/x/ugloc.deb', contextName: 'ugloc.deb' }],
      },
      [
        'RUN apt-get update',
        'COPY "keep-1/packages/" "/tmp/usr-guard-keep/"',
        'RUN apt-get install -y /tmp/usr-guard-keep/ugloc.deb && rm -rf /tmp/usr-guard-keep',
        'RUN apt-get clean && rm -rf /var/lib/apt/lists/*',
      ],
    ],
    ['a removal, dnf', { packageLines: ['RUN dnf remove -y nano'] }, ['RUN dnf remove -y nano', 'RUN dnf clean all']],
    [
      'files by hand',
      { copied: ['/usr/share/ug-note'], deleted: ['/usr/bin/gone'] },
      ['COPY "keep-1/usr/" "/usr/"', "RUN printf '%b\\0' '/usr/bin/gone' | xargs -0 rm -rf --"],
    ],
    [
      'dpkg in /var and bootc: move, then lint, last',
      { packageLines: ['RUN apt-get purge -y x'], dpkgDbInVar: true, lint: true },
      [
        'RUN apt-get update',
        'RUN apt-get purge -y x',
        'RUN apt-get clean && rm -rf /var/lib/apt/lists/*',
        'RUN usr-guard dpkg-db move',
        'RUN bootc container lint',
      ],
    ],
    [
      'not a Containerfile line of the diff: dropped',
      { packageLines: ['# COPY usr/x /usr/x', 'RUN apt-get install -y a'] },
      ['RUN apt-get update', 'RUN apt-get install -y a', 'RUN apt-get clean && rm -rf /var/lib/apt/lists/*'],
    ],
  ])('%s', (_, i, want) => {
    expect(lines(i)).toEqual([
      'FROM localhost/bootc',
      `LABEL org.usr-guard.keep.base-digest="${DIGEST}"`,
      expect.any(String),
      '# keep 1',
      ...want,
    ]);
  });

  it('a later keep adds to the body kept before (the user edits included), the move and the lint once, last', () => {
    const first = makeRecipe(
      input({ packageLines: ['RUN apt-get install -y a'], dpkgDbInVar: true, lint: true }),
    ).containerfile;
    const edited = `${first.replace('RUN apt-get install -y a', 'RUN apt-get install -y a b')}`;
    const second = makeRecipe(
      input({ n: 2, copied: ['/usr/x'], dpkgDbInVar: true, lint: true, earlier: bodyOf(edited) }),
    ).containerfile;
    const body = bodyOf(second).trim().split('\n');
    expect(body).toEqual([
      '# keep 1',
      'RUN apt-get update',
      'RUN apt-get install -y a b',
      'RUN apt-get clean && rm -rf /var/lib/apt/lists/*',
      '# keep 2',
      'COPY "keep-2/usr/" "/usr/"',
      'RUN usr-guard dpkg-db move',
      'RUN bootc container lint',
    ]);
    expect(labelledDigest(second)).toBe(DIGEST);
  });

  it('the context holds the files: local packages and the paths under /usr', () => {
    const r = makeRecipe(
      input({
        copied: ['/usr/share/t/'],
        localPackages: [{ manager: 'apt', name: 'p', file: '/k/p.deb', contextName: 'p.deb' }],
      }),
    );
    expect(r.files).toEqual([
      ['/k/p.deb', 'keep-1/packages/p.deb'],
      ['/usr/share/t/', 'keep-1/usr/share/t/'],
    ]);
  });

  it('refuses a path outside /usr, or one with . or .. steps', () => {
    for (const p of ['/etc/passwd', '/usr/../etc/x', '/usr/./x', '/usr//x', 'usr/x', '/usr/'])
      expect(() => makeRecipe(input({ deleted: [p] }))).toThrow(/not a path under \/usr/);
    expect(usrPath('/usr/share/a b')).toBe(true);
  });

  it('has nothing to keep without a RUN line, a package file or a file', () => {
    expect(hasChanges({ packageLines: ['# Nothing to keep'], localPackages: [], copied: [], deleted: [] })).toBe(false);
    expect(hasChanges({ packageLines: [], localPackages: [], copied: [], deleted: ['/usr/x'] })).toBe(true);
  });
});

describe('from the diff', () => {
  it('takes the RUN lines of the diff, copies what is there, removes what was deleted', () => {
    const parts = partsFromDiff({
      packages: [{ manager: 'apt', name: 'ughello', change: 'added', version: '1.0', fromVersion: null }],
      files: [],
      groups: [
        {
          path: '/usr/local/tool/',
          files: [
            { path: '/usr/local/tool/a', change: 'added' },
            { path: '/usr/local/tool/b', change: 'added' },
          ],
        },
        { path: '/usr/share/base-files/motd', files: [{ path: '/usr/share/base-files/motd', change: 'changed' }] },
        { path: '/usr/bin/gone', files: [{ path: '/usr/bin/gone', change: 'deleted' }] },
      ],
    });
    expect(parts).toEqual({
      packageLines: ['RUN apt-get install -y ughello'],
      copied: ['/usr/local/tool/', '/usr/share/base-files/motd'],
      deleted: ['/usr/bin/gone'],
    });
  });
});

describe('odd names', () => {
  const sh = (script: string) => spawnSync('/bin/sh', ['-c', script], { encoding: 'buffer' }).stdout;
  it('printf gives back each name byte for byte, and no name escapes its quotes (fuzz, through dash)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0')),
          { minLength: 1, maxLength: 4 },
        ),
        (names) => {
          const paths = names.map((n) => `/usr/${n}`);
          const line = removeLine(paths);
          expect(line).not.toMatch(/[\n\r]/);
          expect(line.startsWith("RUN printf '%b\\0' ")).toBe(true);
          const cmd = line.slice(4).replace(/ \| xargs -0 rm -rf --$/, '');
          expect(sh(cmd).toString('utf8')).toBe(paths.map((p) => `${p}\0`).join(''));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('whatever the names, every line of the recipe is one instruction or a comment (fuzz)', () => {
    const name = fc
      .string({ unit: 'binary', minLength: 1, maxLength: 10 })
      .filter((n) => !/[\0/]/.test(n) && n !== '.' && n !== '..');
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 3 }), fc.array(name, { maxLength: 3 }), (del, cp) => {
        const r = makeRecipe(input({ deleted: del.map((n) => `/usr/${n}`), copied: cp.map((n) => `/usr/share/${n}`) }));
        for (const l of r.containerfile.trimEnd().split('\n')) expect(l).toMatch(/^(#|FROM |LABEL |RUN |COPY )/);
        expect(r.containerfile.split('\n').filter((l) => l.startsWith('RUN printf'))).toHaveLength(1);
        expect(r.files.map(([from]) => from)).toEqual(cp.map((n) => `/usr/share/${n}`));
      }),
      { numRuns: 300 },
    );
  });

  it('reads as it is where it is plain', () => {
    expect(printfWord('/usr/share/a b-c_d.e')).toBe("'/usr/share/a b-c_d.e'");
    expect(printfWord("/usr/it's $HOME\\")).toBe("'/usr/it\\0047s \\0044HOME\\0134'");
    expect(printfWord('/usr/a\nRUN evil')).toBe("'/usr/a\\0012RUN evil'");
  });
});

describe('bootc status, for keep', () => {
  const doc = (booted: unknown, spec: unknown = { image: 'quay.io/v/os:latest', transport: 'registry' }) =>
    JSON.stringify({ kind: 'BootcHost', spec: { image: spec }, status: { booted } });
  it('reads the booted image, its digest and the image followed', () => {
    expect(
      parseKeepStatus(
        doc({ image: { image: { image: 'quay.io/v/os:latest', transport: 'registry' }, imageDigest: DIGEST } }),
      ),
    ).toEqual({
      followed: { image: 'quay.io/v/os:latest', transport: 'registry' },
      booted: { image: 'quay.io/v/os:latest', transport: 'registry', digest: DIGEST },
    });
  });
  it.each([
    ['no booted entry', doc(null)],
    ['a digest that is not sha256', doc({ image: { image: { image: 'x' }, imageDigest: 'md5:1' } })],
  ])('no booted image: %s', (_, text) => expect(parseKeepStatus(text).booted).toBeNull());
  it('says what is wrong with what is not a BootcHost', () => {
    expect(() => parseKeepStatus('{')).toThrow(/invalid JSON/);
    expect(() => parseKeepStatus('{"kind":"x"}')).toThrow(/not a BootcHost/);
  });
  it('never throws another error on any input (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (t) => {
        try {
          parseKeepStatus(t);
        } catch (e) {
          expect((e as Error).message).toMatch(/^bootc status printed/);
        }
      }),
    );
  });
  it('pulls a registry image through docker://, a local one by its transport', () => {
    expect(pullRef({ image: 'quay.io/v/os', transport: 'registry' })).toBe('docker://quay.io/v/os');
    expect(pullRef({ image: 'localhost/x', transport: 'containers-storage' })).toBe('containers-storage:localhost/x');
  });
});

describe('the builder', () => {
  it('is podman, else buildah, else none', () => {
    expect(chooseBuilder((n) => n === 'buildah')).toBe('buildah');
    expect(chooseBuilder(() => true)).toBe('podman');
    expect(chooseBuilder(() => false)).toBeNull();
  });
  it('builds without pulling, tagged', () => {
    expect(buildArgs({ builder: 'podman', context: '/c', tag: 't:1' })).toEqual([
      'build',
      '--pull=never',
      '-f',
      '/c/Containerfile',
      '-t',
      't:1',
      '/c',
    ]);
    expect(
      buildArgs({ builder: 'buildah', context: '/c', tag: 't:1', from: { image: 'v', digest: 'd', label: 'l' } }),
    ).toEqual(['bud', '--pull=never', '--from', 'v', '--label', 'l=d', '-f', '/c/Containerfile', '-t', 't:1', '/c']);
  });
  it('says each step, and which line failed and why', () => {
    expect(stepLine('STEP 3/7: RUN apt-get install -y ughello')).toBe(
      'usr-guard keep: step 3/7: RUN apt-get install -y ughello',
    );
    expect(stepLine('Get:1 copy:/r ./ ughello')).toBeNull();
    const cf = 'FROM x\nRUN apt-get update\nRUN apt-get install -y nosuch\n';
    for (const out of [
      'Error: error building at STEP "RUN apt-get install -y nosuch": error while running runtime: exit status 100',
      'error building at STEP "RUN apt-get install -y nosuch": error while running runtime: exit status 100',
    ])
      expect(
        buildFailure(`STEP 3/3: RUN apt-get install -y nosuch\nE: Unable to locate package nosuch\n${out}\n`, cf),
      ).toEqual({
        instruction: 'RUN apt-get install -y nosuch',
        line: 3,
        why: 'exit status 100',
      });
    expect(buildFailure('something else', cf)).toBeNull();
  });
  it('builds only with room for the base image and the context', () => {
    expect(roomFor(100, 60, 40)).toEqual({ ok: true, need: 100 });
    expect(roomFor(99, 60, 40)).toEqual({ ok: false, need: 100 });
  });
});
