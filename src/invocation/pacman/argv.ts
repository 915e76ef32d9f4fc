// pacman's command line, read as pacman reads it: getopt_long with pacman's
// table (src/pacman/pacman.c, parseargs; pacman 6.0 to 7.0): options and
// targets in any order, `--` ends the options, a long option may be cut to a
// prefix that names one option only, `-r`/`-b` and the long options below
// take the next word (or `=value`, or the rest of a short cluster) as their
// value, which is never a target. Pure.

import type { Operation } from '../../types.js';

/** Long options that take a value (required_argument). `--debug` takes one only as `--debug=N`. */
const LONG_WITH_VALUE = new Set([
  'dbpath',
  'root',
  'sysroot',
  'config',
  'ignore',
  'assume-installed',
  'overwrite',
  'ask',
  'cachedir',
  'hookdir',
  'logfile',
  'ignoregroup',
  'arch',
  'print-format',
  'gpgdir',
  'color',
]);
const LONG_FLAGS = [
  'database',
  'files',
  'query',
  'remove',
  'sync',
  'deptest',
  'upgrade',
  'version',
  'help',
  'cascade',
  'changelog',
  'clean',
  'nodeps',
  'deps',
  'explicit',
  'groups',
  'info',
  'check',
  'list',
  'foreign',
  'native',
  'nosave',
  'owns',
  'file',
  'print',
  'quiet',
  'recursive',
  'search',
  'regex',
  'machinereadable',
  'unrequired',
  'upgrades',
  'sysupgrade',
  'unneeded',
  'verbose',
  'downloadonly',
  'refresh',
  'noconfirm',
  'confirm',
  'debug',
  'force',
  'noprogressbar',
  'noscriptlet',
  'asdeps',
  'needed',
  'asexplicit',
  'dbonly',
  'disable-download-timeout',
  'disable-sandbox',
  'nokeep',
];
const LONG_NAMES = [...LONG_WITH_VALUE, ...LONG_FLAGS];
/** The operations, by letter and by long name. */
const OPS: Record<string, string> = {
  database: 'D',
  files: 'F',
  query: 'Q',
  remove: 'R',
  sync: 'S',
  deptest: 'T',
  upgrade: 'U',
  version: 'V',
};
const OP_LETTERS = new Set(Object.values(OPS));
const SHORT_WITH_VALUE = new Set(['b', 'r']);
/** -S's short options that make it no transaction: search, info, list, groups, clean. */
const SYNC_QUERIES = new Set(['s', 'i', 'l', 'g', 'c']);
const SYNC_QUERY_NAMES = new Set(['search', 'info', 'list', 'groups', 'clean']);

export interface PacmanCommand {
  /** The operation letter (S, U, R, Q, D, F, T, V), or null when none was given. */
  op: string | null;
  /** -r/--root: the last one counts, as in pacman. */
  root: string | null;
  /** --sysroot: pacman chroots itself into it before anything else. */
  sysroot: string | null;
  dbpath: string | null;
  config: string | null;
  sysupgrade: boolean;
  downloadOnly: boolean;
  print: boolean;
  /** --dbonly: only the database is written, not the files. */
  dbonly: boolean;
  /** -Ss, -Si, -Sl, -Sg, -Sc: -S that reads (or cleans the cache), no transaction. */
  syncQuery: boolean;
  targets: string[];
}

/** The long option `name` stands for: itself, or the one option it is a prefix of; null when none or several. */
export function longOption(name: string): string | null {
  if (LONG_NAMES.includes(name)) return name;
  const matches = LONG_NAMES.filter((n) => n.startsWith(name));
  return name !== '' && matches.length === 1 ? matches[0]! : null;
}

export function parsePacmanArgv(argv: string[]): PacmanCommand {
  const c: PacmanCommand = {
    op: null,
    root: null,
    sysroot: null,
    dbpath: null,
    config: null,
    sysupgrade: false,
    downloadOnly: false,
    print: false,
    dbonly: false,
    syncQuery: false,
    targets: [],
  };
  const shorts: string[] = [];
  const longs: string[] = [];
  const value = (name: string, v: string) => {
    if (name === 'root' || name === 'r') c.root = v;
    else if (name === 'sysroot') c.sysroot = v;
    else if (name === 'dbpath' || name === 'b') c.dbpath = v;
    else if (name === 'config') c.config = v;
    else if (name === 'print-format') c.print = true;
  };
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      c.targets.push(...argv.slice(i + 1));
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = longOption(word.slice(2, eq < 0 ? undefined : eq));
      if (name === null) continue; // pacman would have refused it
      longs.push(name);
      if (LONG_WITH_VALUE.has(name)) value(name, eq >= 0 ? word.slice(eq + 1) : (argv[++i] ?? ''));
    } else if (word.startsWith('-') && word !== '-') {
      for (let j = 1; j < word.length; j++) {
        const ch = word[j]!;
        if (SHORT_WITH_VALUE.has(ch)) {
          value(ch, j + 1 < word.length ? word.slice(j + 1) : (argv[++i] ?? ''));
          break;
        }
        shorts.push(ch);
      }
    } else {
      c.targets.push(word);
    }
  }
  const ops = [
    ...shorts.filter((s) => OP_LETTERS.has(s)),
    ...longs.filter((l) => Object.hasOwn(OPS, l)).map((l) => OPS[l]!),
  ];
  c.op = ops[0] ?? null;
  const has = (letter: string, long: string) => shorts.includes(letter) || longs.includes(long);
  if (c.op === 'S') {
    c.sysupgrade = has('u', 'sysupgrade');
    c.syncQuery = shorts.some((s) => SYNC_QUERIES.has(s)) || longs.some((l) => SYNC_QUERY_NAMES.has(l));
  }
  if (c.op === 'S' || c.op === 'U') c.downloadOnly = has('w', 'downloadonly');
  if (c.op === 'S' || c.op === 'U' || c.op === 'R') c.print = c.print || has('p', 'print');
  c.dbonly = longs.includes('dbonly');
  return c;
}

/**
 * Does the command change files under its root? Only -S, -U and -R make
 * transactions; -Sw and -p do not commit one; --dbonly writes the database
 * alone (pacman 6.0 still runs hooks for it, 6.1 does not).
 */
export function pacmanChanges(c: PacmanCommand): boolean {
  if (c.op !== 'S' && c.op !== 'U' && c.op !== 'R') return false;
  return !c.downloadOnly && !c.print && !c.dbonly && !c.syncQuery;
}

export function pacmanOperation(c: PacmanCommand): Operation {
  if (c.op === 'R') return 'remove';
  if (c.op === 'S') return c.sysupgrade ? 'upgrade' : 'install';
  return c.op === 'U' ? 'install' : 'other';
}
