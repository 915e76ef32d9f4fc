// pacman's pure parts as tables, and their parsers under fast-check: its
// command line (read as getopt_long reads it with pacman's table),
// pacman.conf's DBPath, the hook's targets, the local database's entries,
// and what usr-guard decides and says for the pacman hook.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/check/decide.js';
import { alpmUsrFiles, parseAlpmEntry } from '../../src/diff/pacman-view.js';
import { longOption, pacmanChanges, pacmanOperation, parsePacmanArgv } from '../../src/invocation/pacman/argv.js';
import { parseTargets } from '../../src/invocation/pacman/pacman.js';
import { dbPathOf, parsePacmanConf } from '../../src/probe/pacman-conf.js';
import type { Config, SystemState } from '../../src/types.js';
import { invocation, stateOf } from '../helpers/states.js';

const CONFIG: Config = {
  mode: 'auto',
  promptTimeout: 60,
  overlayTimeout: 120,
  paths: { bootc: '/usr/bin/bootc', ostree: '/usr/bin/ostree' },
  export: { prometheus: null, ansibleFacts: null },
};
const pacman = (over = {}) =>
  invocation({ caller: 'pacman', manager: 'pacman', frontend: 'pacman', packages: ['ugfoo'], ...over });
const withDb = (
  s: SystemState,
  protection: SystemState['pacmanProtection'],
  realPath = '/var/lib/pacman',
): SystemState => ({
  ...s,
  pacmanDatabase: { path: realPath, realPath, onUsr: realPath.startsWith('/usr/') },
  pacmanProtection: protection,
});

describe("pacman's command line", () => {
  it.each([
    ['-S ugfoo', { op: 'S', targets: ['ugfoo'] }, true, 'install'],
    ['-Syu', { op: 'S', sysupgrade: true }, true, 'upgrade'],
    ['--sync --sysupgrade --refresh', { op: 'S', sysupgrade: true }, true, 'upgrade'],
    ['-U /srv/a.pkg.tar.zst', { op: 'U', targets: ['/srv/a.pkg.tar.zst'] }, true, 'install'],
    ['-Rns ugfoo', { op: 'R', targets: ['ugfoo'] }, true, 'remove'],
    ['-Sw ugfoo', { downloadOnly: true }, false, 'install'],
    ['-S --downloadonly ugfoo', { downloadOnly: true }, false, 'install'],
    ['-Sp ugfoo', { print: true }, false, 'install'],
    ['-S --print-format %n ugfoo', { print: true, targets: ['ugfoo'] }, false, 'install'],
    ['-Ss ugfoo', { syncQuery: true }, false, 'install'],
    ['-Sc', { syncQuery: true }, false, 'install'],
    ['-Rs ugfoo', { op: 'R' }, true, 'remove'],
    ['-U --dbonly a.pkg.tar.zst', { dbonly: true }, false, 'install'],
    ['-Qi ugfoo', { op: 'Q' }, false, 'other'],
    ['-r /alt -S ugfoo', { root: '/alt', targets: ['ugfoo'] }, true, 'install'],
    ['-Sr/alt ugfoo', { root: '/alt', targets: ['ugfoo'] }, true, 'install'],
    ['--root=/a --root /b -S x', { root: '/b', targets: ['x'] }, true, 'install'],
    ['--sysroot /alt -S ugfoo', { sysroot: '/alt', targets: ['ugfoo'] }, true, 'install'],
    ['--sysr /alt -S ugfoo (a prefix of one option)', { sysroot: '/alt', targets: ['ugfoo'] }, true, 'install'],
    ['-b /db -S ugfoo', { dbpath: '/db', targets: ['ugfoo'] }, true, 'install'],
    ['--config /c -S -- -weird', { config: '/c', targets: ['-weird'] }, true, 'install'],
    ['ugfoo -S (targets before the operation)', { op: 'S', targets: ['ugfoo'] }, true, 'install'],
    ['-S --ignore ugbar ugfoo (a value is no target)', { targets: ['ugfoo'] }, true, 'install'],
  ] as const)('%s', (line, fields, changes, operation) => {
    const c = parsePacmanArgv(line.replace(/ \(.*\)$/, '').split(' '));
    expect(c).toMatchObject(fields);
    expect(pacmanChanges(c)).toBe(changes);
    expect(pacmanOperation(c)).toBe(operation);
  });

  it('takes a long option by a prefix only when it names one option', () => {
    expect(longOption('sysr')).toBe('sysroot');
    expect(longOption('sys')).toBeNull(); // sysroot, sysupgrade
    expect(longOption('root')).toBe('root');
    expect(longOption('')).toBeNull();
    expect(longOption('toString')).toBeNull();
  });

  const word = fc.oneof(
    fc.constantFrom(
      '-S',
      '-U',
      '-R',
      '-Q',
      '-y',
      '-u',
      '-w',
      '-p',
      '-r',
      '-b',
      '--root',
      '--sysroot',
      '--dbpath',
      '--dbonly',
      '--',
      '-',
      '=',
      '--root=',
      'ugfoo',
      '/alt',
      'constructor',
      '__proto__',
    ),
    fc.string({ maxLength: 10 }),
  );
  it('reads any argv without a throw; a value is never a target', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), (argv) => {
        const c = parsePacmanArgv(argv);
        expect(Array.isArray(c.targets)).toBe(true);
        pacmanChanges(c);
        pacmanOperation(c);
      }),
    );
    fc.assert(
      fc.property(
        fc.array(
          word.filter((w) => w !== '--'),
          { maxLength: 8 },
        ),
        fc.string({ minLength: 1, maxLength: 8 }),
        (argv, v) => {
          const c = parsePacmanArgv(['-S', '--root', `@${v}`, ...argv]);
          expect(c.targets).not.toContain(`@${v}`);
        },
      ),
    );
  });
});

describe('pacman.conf', () => {
  it.each([
    ['', '/var/lib/pacman'],
    ['[options]\nDBPath = /usr/lib/sysimage/lib/pacman/\n', '/usr/lib/sysimage/lib/pacman'],
    ['[options]\n#DBPath = /x\nDBPath=/y # a comment\nDBPath = /z\n', '/y'],
    ['[core]\nDBPath = /x\n[options]\n', '/var/lib/pacman'],
    ['[options]\nRootDir = /alt\n', '/alt/var/lib/pacman'],
    ['[options]\ndbpath = /lower-case-is-another-key\n', '/var/lib/pacman'],
  ])('%j → %s', (text, path) => {
    expect(dbPathOf(parsePacmanConf(text))).toBe(path);
  });

  it('reads any text without a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
        const p = dbPathOf(parsePacmanConf(`[options]\n${t}`));
        expect(typeof p).toBe('string');
      }),
    );
  });
});

describe("the hook's targets and the local database", () => {
  it('keeps package names, each once, and drops anything else', () => {
    expect(parseTargets('ugfoo\nugbar\nugfoo\n\n../etc\n-x\nlib32-glibc\nc++utils\nfoo bar\n')).toEqual([
      'ugfoo',
      'ugbar',
      'lib32-glibc',
      'c++utils',
    ]);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (t) => {
        for (const n of parseTargets(t)) expect(n).toMatch(/^[A-Za-z0-9@_+][A-Za-z0-9@._+-]*$/);
      }),
    );
  });

  it("reads an entry's %KEY% sections, and a package's files under /usr", () => {
    const desc = parseAlpmEntry('%NAME%\nugfoo\n\n%VERSION%\n1-1\n\n%DEPENDS%\na\nb\n');
    expect(desc.get('NAME')).toEqual(['ugfoo']);
    expect(desc.get('DEPENDS')).toEqual(['a', 'b']);
    expect(alpmUsrFiles('%FILES%\netc/x.conf\nusr/\nusr/bin/\nusr/bin/ugfoo\n\n%BACKUP%\netc/x.conf\tabc\n')).toEqual([
      '/usr/bin/ugfoo',
    ]);
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (t) => {
        parseAlpmEntry(t);
        alpmUsrFiles(t);
      }),
    );
  });
});

describe('the decision and the words for the pacman hook', () => {
  it('refuses on a locked host and never offers (the hook has no terminal)', () => {
    const v = decide(stateOf('image-locked'), pacman({ interactive: false }), CONFIG);
    expect(v.verdict).toBe('refuse');
    expect(v.message[0]).toBe(
      'error: read-only /usr detected, refusing to operate. See `man pacman-image-based` for more information.',
    );
    expect(v.message).toContain(
      "  To keep it: add 'RUN pacman -S --noconfirm ugfoo' to the image's Containerfile, build the image, then 'bootc upgrade' (or 'bootc switch') to it.",
    );
  });

  it.each([
    [{ operation: 'remove' as const }, "'RUN pacman -R --noconfirm ugfoo'"],
    [
      { packageFiles: ['/srv/x/ugfoo-1-1-any.pkg.tar.zst'] },
      "'COPY ugfoo-1-1-any.pkg.tar.zst /tmp/' and 'RUN pacman -U --noconfirm /tmp/ugfoo-1-1-any.pkg.tar.zst'",
    ],
    [
      { packageFiles: ['https://example.invalid/ugfoo-1-1-any.pkg.tar.zst'] },
      "'RUN pacman -U --noconfirm https://example.invalid/ugfoo-1-1-any.pkg.tar.zst'",
    ],
  ])('advice for %j', (over, words) => {
    expect(decide(stateOf('image-locked'), pacman(over), CONFIG).message.join('\n')).toContain(words);
  });

  it('warns once on an overlay, saying what becomes of its database', () => {
    const s = stateOf('image-overlay');
    const said = (st: SystemState) => decide(st, pacman(), CONFIG).message[1];
    expect(said(withDb(s, 'snapshot'))).toBe(
      "  /etc and /var persist; pacman's database (/var/lib/pacman) is saved now and put back at the next boot.",
    );
    expect(said(withDb(s, 'relocated', '/usr/lib/sysimage/lib/pacman'))).toBe(
      "  /etc and /var persist; pacman's database (/usr/lib/sysimage/lib/pacman) is in the image and goes with it.",
    );
    expect(said(withDb(s, 'none'))).toBe(
      "  /etc and /var persist, and so does pacman's database in /var/lib/pacman: afterwards pacman will list packages whose files are gone.",
    );
  });

  it('is silent on a mutable host, in a container, into another root, and for what changes nothing', () => {
    expect(decide(stateOf('mutable-host'), pacman(), CONFIG).verdict).toBe('proceed');
    expect(decide(stateOf('container'), pacman(), CONFIG).verdict).toBe('proceed');
    expect(decide(stateOf('image-locked'), pacman({ root: '/alt' }), CONFIG).verdict).toBe('proceed');
    expect(decide(stateOf('image-locked'), pacman({ changes: false }), CONFIG).verdict).toBe('proceed');
  });
});
