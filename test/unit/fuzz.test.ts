// Property tests: every parser takes any input and either answers or says
// plainly what is wrong (its own error class, never a crash), and the
// command-line readers keep their promises whatever surrounds the words.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAptArgv } from '../../src/invocation/apt/argv.js';
import { parseAptCommandLine, tableCommand } from '../../src/invocation/apt/cmdline.js';
import { HookInfoError, parseHookInfo } from '../../src/invocation/apt/hook-info.js';
import { parseDnfArgv } from '../../src/invocation/dnf/argv.js';
import { DNF4_VALUE, DNF5_VALUE } from '../../src/invocation/dnf/options.js';
import { parseConfig } from '../../src/config/file.js';
import { MountinfoError, parseMountinfo } from '../../src/probe/mountinfo.js';
import { BootcStatusError, parseBootcStatus } from '../../src/probe/bootc.js';
import { parseOsRelease } from '../../src/probe/os-release.js';
import { hasKernelParam, parseKernelCmdline } from '../../src/probe/cmdline.js';
import { MODES } from '../../src/types.js';

/** Words that look like what people type to apt and dnf, and some that do not. */
const word = fc.oneof(
  fc.constantFrom(
    'install',
    'remove',
    'upgrade',
    'purge',
    'search',
    '-s',
    '-y',
    '-d',
    '-o',
    '-t',
    '-q',
    '-c',
    '-x',
    '-R',
    '-sy',
    '-yq',
    '--simulate',
    '--simulate=no',
    '--no-simulate',
    '--dry-run=false',
    '--download-only',
    '--print-uris',
    '--yes',
    '--assume-no',
    '-o',
    'APT::Get::Simulate=1',
    'APT::Get::Simulate=0',
    'no',
    'yes',
    '1',
    '0',
    '--installroot',
    '--setopt',
    '--disableexcludes',
    'all',
    '--noplugins',
    '--transient',
    '--downloadonly',
    '-',
    '=',
    'strace',
    './x_1_all.deb',
    'ugrpm-1.0-1.noarch.rpm',
    // Words that are also names of every JavaScript object's properties.
    'toString',
    'constructor',
    '__proto__',
    'hasOwnProperty',
  ),
  fc.string({ maxLength: 12 }),
);
const argv = fc.array(word, { maxLength: 12 });
const noDashDash = fc.array(
  word.filter((w) => w !== '--'),
  { maxLength: 12 },
);
const binary = fc.constantFrom('apt', 'apt-get') as fc.Arbitrary<'apt' | 'apt-get'>;

describe("apt's command line", () => {
  it('any argv is read without a throw', () => {
    fc.assert(
      fc.property(binary, argv, (b, a) => {
        parseAptArgv(b, a);
      }),
    );
  });

  it('the last -o wins: appending Simulate=1 makes any accepted line a simulation, appending =0 (and the like) a change', () => {
    const off = ['-o', 'APT::Get::Simulate=0', '-o', 'APT::Get::Download-Only=0', '-o', 'APT::Get::Print-URIs=0'];
    fc.assert(
      fc.property(binary, noDashDash, (b, a) => {
        const on = [...a, '-o', 'APT::Get::Simulate=1'];
        expect(parseAptArgv(b, on).readOnly || parseAptCommandLine(b, on).error !== null).toBe(true);
        expect(parseAptArgv(b, [...a, ...off]).readOnly).toBe(false);
      }),
    );
  });

  it('an option value is never the command, nor any other word apt does not take as one', () => {
    fc.assert(
      fc.property(
        binary,
        noDashDash,
        fc.constantFrom('-t', '--target-release', '-o', '--option', '-c'),
        (b, a, opt) => {
          const value = opt.startsWith('-o') || opt === '--option' ? 'Foo::Bar=install' : 'install';
          const withValue = parseAptCommandLine(b, [opt, value, ...a]);
          const without = parseAptCommandLine(b, a);
          // apt picks its option table by the first word that names a command, a value too (cmndline.cc
          // GetCommand, "FIXME"): where that changes the table, the options after it read otherwise, in apt too.
          const sameTable = tableCommand(b, [opt, value, ...a]) === tableCommand(b, a);
          if (sameTable && withValue.error === null && without.error === null)
            expect(withValue.files).toEqual(without.files);
          // The words apt takes as files without the option (a word of `a` may itself be an option's value: -c install).
          const asFiles = without.error === null ? without.files : a;
          if (withValue.error === null)
            expect(withValue.files.filter((w) => w === value).length).toBe(asFiles.filter((w) => w === value).length);
        },
      ),
    );
  });
});

describe("dnf's command line", () => {
  it('any argv is read without a throw', () => {
    fc.assert(
      fc.property(argv, (a) => {
        parseDnfArgv(a);
      }),
    );
  });

  it('a global option with its value before the command never changes what the command is', () => {
    const values = [...new Set([...DNF4_VALUE, ...DNF5_VALUE])].filter(
      (o) => o !== '--installroot' && o !== '--setopt',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...values),
        fc.string({ maxLength: 8 }).filter((v) => !v.startsWith('-')),
        noDashDash,
        (opt, value, a) => {
          const plain = parseDnfArgv(a);
          const withOpt = parseDnfArgv([opt, value, ...a]);
          expect(withOpt.command).toBe(plain.command);
          expect(withOpt.changes).toBe(plain.changes);
        },
      ),
    );
  });
});

describe('the files and protocols usr-guard reads', () => {
  const text = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));

  it('apt hook input: parsed, or a HookInfoError', () => {
    const v3line = fc
      .tuple(fc.stringMatching(/^[a-z0-9.+-]{1,8}$/), fc.constantFrom('**CONFIGURE**', '**REMOVE**', '/x/y_1_all.deb'))
      .map(([n, act]) => `${n} - - none < 1 amd64 none ${act}`);
    const input = fc.oneof(
      text,
      fc.array(v3line, { maxLength: 5 }).map((l) => `VERSION 3\nDir=/\n\n${l.join('\n')}\n`),
    );
    fc.assert(
      fc.property(input, (t) => {
        try {
          parseHookInfo(t);
        } catch (e) {
          expect(e).toBeInstanceOf(HookInfoError);
        }
      }),
    );
  });

  it('mountinfo: parsed, or a MountinfoError; a well-formed line comes back as written', () => {
    fc.assert(
      fc.property(text, (t) => {
        try {
          parseMountinfo(t);
        } catch (e) {
          expect(e).toBeInstanceOf(MountinfoError);
        }
      }),
    );
    const path = fc.stringMatching(/^\/[a-z ]{0,10}$/);
    fc.assert(
      fc.property(path, fc.constantFrom('ro', 'rw'), (mp, ro) => {
        const [e] = parseMountinfo(
          `36 1 0:1 / ${mp.replace(/ /g, '\\040')} ${ro},relatime shared:1 - overlay src ${ro}`,
        );
        expect(e).toMatchObject({ mountPoint: mp, fsType: 'overlay', source: 'src' });
      }),
    );
  });

  it('usr-guard.conf: always a usable configuration, whatever the file holds', () => {
    const line = fc.oneof(
      fc.constantFrom(
        '[guard]',
        '[paths]',
        'mode = off',
        'mode = sometimes',
        'prompt_timeout = 5',
        'bootc = /x',
        'bootc = x',
        '# c',
        '[toString]',
        '[__proto__]',
        'constructor = x',
        'mode = toString',
      ),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const { config, warnings } = parseConfig(lines.join('\n'), 'f.conf');
        for (const w of warnings) expect(w).toMatch(/^f\.conf:\d+: .*; using the defaults$/);
        expect(MODES).toContain(config.mode);
        expect(Number.isInteger(config.promptTimeout) && config.promptTimeout > 0).toBe(true);
        expect(config.paths.bootc.startsWith('/')).toBe(true);
      }),
    );
  });

  it('os-release: never a throw', () => {
    fc.assert(
      fc.property(text, (t) => {
        parseOsRelease(t);
      }),
    );
  });

  it('bootc status JSON: parsed, or a BootcStatusError', () => {
    const input = fc.oneof(
      text,
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify({ kind: 'BootcHost', spec: v, status: v })),
    );
    fc.assert(
      fc.property(input, (t) => {
        try {
          parseBootcStatus(t);
        } catch (e) {
          expect(e).toBeInstanceOf(BootcStatusError);
        }
      }),
    );
  });

  it('/proc/cmdline: never a throw; plain key=value words come back as written, and composefs= is seen only as a key', () => {
    const key = fc.stringMatching(/^[a-z_.-]{1,10}$/);
    const value = fc.option(fc.stringMatching(/^[^\s"]{0,10}$/), { nil: null });
    const params = fc.array(fc.record({ key, value }), { maxLength: 8 });
    fc.assert(
      fc.property(params, fc.constantFrom(' ', '  ', '\t', '\n'), (ps, sep) => {
        const text = `${ps.map((p) => (p.value === null ? p.key : `${p.key}=${p.value}`)).join(sep)}\n`;
        expect(parseKernelCmdline(text)).toEqual(ps);
        expect(hasKernelParam(text, 'composefs')).toBe(ps.some((p) => p.key === 'composefs' && p.value !== null));
        // Inside quotes it belongs to another parameter.
        expect(hasKernelParam(`x="${text.trim()} composefs=abc"`, 'composefs')).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (t) => {
        parseKernelCmdline(t);
      }),
    );
  });
});
