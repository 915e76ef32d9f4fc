// What a dnf, dnf5 or yum command line asks for. Pure. The dnf shim, the dnf4
// plugin (which rebuilds a command line from dnf's own view) and the dnf5
// action (which reads dnf5's argv from /proc) all come through here.

import type { Operation } from '../../types.js';
import { normaliseRoot } from '../root.js';
import { FLAG_OPTIONS, longOption, VALUE_OPTIONS } from './options.js';

export interface DnfCommand {
  command: string | null;
  /** Will it change installed packages in the target root? */
  changes: boolean;
  /** Nothing will change whatever the command: --downloadonly, --assumeno, a test transaction, --help. */
  noChange: boolean;
  root: string;
  /** The root came from the command line (--installroot, --setopt=installroot=): it wins over dnf's configuration. */
  rootGiven: boolean;
  /** -c/--config FILE: the configuration dnf reads instead of /etc/dnf/dnf.conf. */
  config: string | null;
  assumeYes: boolean;
  /** --transient: dnf makes its own overlay on /usr. */
  transient: boolean;
  /** What the command does to packages, for the advice. */
  operation: Operation;
  packages: string[];
}

const nevra = (base: string) => [base, `${base}-n`, `${base}-na`, `${base}-nevra`];
/** Commands that change packages, by every name and alias dnf 4, dnf5 and their plugins know. */
const CHANGING = new Set([
  ...nevra('install'),
  'in',
  'localinstall',
  'reinstall',
  'rei',
  ...nevra('remove'),
  'rm',
  ...nevra('erase'),
  ...nevra('autoremove'),
  'upgrade',
  'update',
  'up',
  'upgrade-to',
  'update-to',
  'localupdate',
  'upgrade-minimal',
  'update-minimal',
  'up-min',
  'downgrade',
  'dg',
  'swap',
  'distro-sync',
  'distrosync',
  'dsync',
  'distribution-synchronization',
  'builddep',
  'build-dep',
  'debuginfo-install',
  'groupinstall',
  'groupremove',
  'groupupdate',
  'groupupgrade',
  'shell',
  'sh',
  'replay',
  'do',
  'automatic',
]);
const REMOVING = new Set([...nevra('remove'), 'rm', ...nevra('erase'), ...nevra('autoremove'), 'groupremove']);
const UPGRADING = new Set([
  'upgrade',
  'update',
  'up',
  'upgrade-to',
  'update-to',
  'localupdate',
  'upgrade-minimal',
  'update-minimal',
  'up-min',
  'distro-sync',
  'distrosync',
  'dsync',
  'distribution-synchronization',
  'groupupdate',
  'groupupgrade',
  'system-upgrade',
  'offline-upgrade',
  'offline-distrosync',
  'offline',
  'automatic',
]);
/** What a command (and its subcommand) does to packages. */
function dnfOperation(command: string, sub: string | undefined): Operation {
  const word = CHANGING_SUB.has(command) ? (sub ?? '') : command;
  if (REMOVING.has(word) || word === 'erase') return 'remove';
  if (UPGRADING.has(command) || ['upgrade', 'update'].includes(word)) return 'upgrade';
  if (word === 'install' || (CHANGING.has(word) && !['shell', 'sh', 'replay', 'do'].includes(word))) return 'install';
  return 'other';
}
/** Commands known to change nothing installed. A command in neither set counts as a change. */
const READ_ONLY = new Set([
  'search',
  'se',
  'info',
  'if',
  'list',
  'ls',
  'provides',
  'whatprovides',
  'prov',
  'wp',
  'check-update',
  'check-upgrade',
  'repolist',
  'repoinfo',
  ...nevra('repoquery'),
  'rq',
  'makecache',
  'mc',
  'clean',
  'check',
  'deplist',
  'help',
  'alias',
  'updateinfo',
  'upif',
  'list-updateinfo',
  'list-security',
  'list-sec',
  'info-updateinfo',
  'info-security',
  'info-sec',
  'summary-updateinfo',
  'advisory',
  'leaves',
  'download',
  'changelog',
  'config-manager',
  'copr',
  'needs-restarting',
  'repoclosure',
  'repograph',
  'repodiff',
  'repomanage',
  'reposync',
  'versionlock',
  'repo',
  'mark',
  'debug-dump',
  'version',
]);
/** Commands whose subcommand decides: `dnf group install` changes, `dnf group list` does not. */
// A Map, not an object: a command named "toString" is a word, not a property.
const CHANGING_SUB = new Map<string, Set<string>>([
  ['group', new Set(['install', 'remove', 'upgrade', 'update'])],
  ['module', new Set(['install', 'remove', 'erase', 'update', 'upgrade', 'switch-to', 'enable', 'disable', 'reset'])],
  ['history', new Set(['undo', 'redo', 'rollback', 'replay'])],
  ['system-upgrade', new Set(['reboot', 'upgrade'])],
  ['offline', new Set(['reboot'])],
  ['environment', new Set(['install', 'remove', 'upgrade'])],
  ['manifest', new Set(['install'])],
]);
for (const [alias, of] of [
  ['groups', 'group'],
  ['grp', 'group'],
  ['hist', 'history'],
  ['offline-upgrade', 'system-upgrade'],
  ['offline-distrosync', 'system-upgrade'],
] as const) {
  CHANGING_SUB.set(alias, CHANGING_SUB.get(of)!);
}
/** dnf 4's `repository-packages REPO SUB`: the subcommand is the third word. */
const REPO_PKGS = new Set(['repository-packages', 'repo-pkgs', 'repo-packages', 'repository-pkgs']);
const REPO_PKGS_CHANGING = new Set([
  'install',
  'move-to',
  'reinstall-old',
  'reinstall',
  'remove-or-distro-sync',
  'remove-or-reinstall',
  'remove',
  'upgrade',
  'upgrade-to',
]);

const YES = new Set(['-y', '--assumeyes']);
const NO_CHANGE = new Set([
  '--assumeno',
  '--downloadonly',
  '--store',
  '--test',
  '-h',
  '--help',
  '--help-cmd',
  '--version',
]);
const SHORT_VALUE = new Set([...VALUE_OPTIONS].filter((o) => /^-[^-]$/.test(o)).map((o) => o[1]!));
const SHORT_FLAG = new Set([...FLAG_OPTIONS].filter((o) => /^-[^-]$/.test(o)).map((o) => o[1]!));
const DNF_TRUE = /^(1|yes|true|on)$/i;

/** The options of argv as [name, value] pairs, and the words that are not options. */
function split(argv: string[]): { options: [string, string | null][]; words: string[] } {
  const options: [string, string | null][] = [];
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
    } else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = longOption(eq > 0 ? a.slice(0, eq) : a);
      const value = eq > 0 ? a.slice(eq + 1) : VALUE_OPTIONS.has(name) ? (argv[++i] ?? '') : null;
      options.push([name, value]);
    } else {
      // A cluster of short options (-yC, -xfoo, -c/etc/dnf.conf): a letter that takes a value takes the rest, or the next word.
      for (let at = 1; at < a.length; at++) {
        const c = a[at]!;
        if (SHORT_VALUE.has(c)) {
          const rest = a.slice(at + 1).replace(/^=/, '');
          options.push([`-${c}`, rest !== '' ? rest : (argv[++i] ?? '')]);
          break;
        }
        if (!SHORT_FLAG.has(c)) break; // dnf rejects the line
        options.push([`-${c}`, null]);
      }
    }
  }
  return { options, words };
}

export function parseDnfArgv(argv: string[]): DnfCommand {
  const out: DnfCommand = {
    command: null,
    changes: false,
    noChange: false,
    root: '/',
    rootGiven: false,
    config: null,
    assumeYes: false,
    transient: false,
    operation: 'other',
    packages: [],
  };
  const { options, words } = split(argv);
  for (const [name, value] of options) {
    if (YES.has(name)) out.assumeYes = true;
    if (NO_CHANGE.has(name)) out.noChange = true;
    if (name === '--transient') out.transient = true;
    if ((name === '-c' || name === '--config') && value) out.config = value;
    if (name === '--installroot' && value) out.root = value;
    if (name === '--installroot' && value) out.rootGiven = true;
    if (name === '--setopt' && value?.includes('=')) {
      const key = value.slice(0, value.indexOf('='));
      const val = value.slice(value.indexOf('=') + 1);
      if (key === 'installroot' && val) out.root = val;
      if (key === 'installroot' && val) out.rootGiven = true;
      if (key === 'tsflags' && val.split(/[\s,]+/).includes('test')) out.noChange = true;
      if (key === 'assumeyes' && DNF_TRUE.test(val)) out.assumeYes = true;
      if (key === 'assumeno' && DNF_TRUE.test(val)) out.noChange = true;
      if (key === 'persistence' && val === 'transient') out.transient = true;
    }
  }
  const [command = null, ...rest] = words;
  out.command = command;
  let changing: boolean;
  let args = rest;
  if (command === null) changing = false;
  else if (REPO_PKGS.has(command)) {
    changing = rest[1] !== undefined && REPO_PKGS_CHANGING.has(rest[1]);
    args = rest.slice(2);
  } else if (CHANGING_SUB.has(command)) {
    changing = rest[0] !== undefined && CHANGING_SUB.get(command)!.has(rest[0]);
    args = rest.slice(1);
  } else {
    // What dnf does not list as a command of its own is a plugin's: fail closed, it may change packages.
    changing = !READ_ONLY.has(command);
  }
  if (command !== null) out.operation = dnfOperation(command, rest[0]);
  out.changes = changing && !out.noChange;
  out.packages = args.map((w) => (w.endsWith('.rpm') ? w.replace(/^.*\//, '').replace(/-[^-]+-[^-]+\.rpm$/, '') : w));
  out.root = normaliseRoot(out.root);
  return out;
}
