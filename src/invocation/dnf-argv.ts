// What a dnf, dnf5 or yum command line asks for. Pure. The dnf shim, the dnf4
// plugin (which rebuilds a command line from dnf's own view) and the dnf5
// action (which reads dnf5's argv from /proc) all come through here.

import { normaliseRoot } from './apt-argv.js';

export interface DnfCommand {
  command: string | null;
  /** Will it change installed packages in the target root? */
  changes: boolean;
  root: string;
  assumeYes: boolean;
  /** --transient: dnf makes its own overlay on /usr. */
  transient: boolean;
  packages: string[];
}

/** Commands that change packages, by every name and alias dnf 4 and dnf5 know. */
const CHANGING = new Set([
  'install', 'in', 'localinstall', 'reinstall', 'rei', 'remove', 'rm', 'erase', 'autoremove',
  'upgrade', 'update', 'up', 'upgrade-minimal', 'update-minimal', 'up-min', 'downgrade', 'dg',
  'swap', 'distro-sync', 'distrosync', 'dsync', 'distribution-synchronization', 'builddep', 'build-dep',
  'groupinstall', 'groupremove', 'groupupdate', 'groupupgrade', 'shell', 'sh', 'replay',
]);
/** Commands whose subcommand decides: `dnf group install` changes, `dnf group list` does not. */
const CHANGING_SUB: Record<string, Set<string>> = {
  group: new Set(['install', 'remove', 'upgrade', 'update', 'mark']),
  groups: new Set(['install', 'remove', 'upgrade', 'update', 'mark']),
  module: new Set(['install', 'remove', 'update', 'upgrade', 'switch-to', 'enable', 'disable', 'reset']),
  history: new Set(['undo', 'redo', 'rollback', 'replay', 'store']),
  'system-upgrade': new Set(['reboot', 'upgrade']),
  'offline-upgrade': new Set(['reboot', 'upgrade']),
  offline: new Set(['reboot']),
  environment: new Set(['install', 'remove', 'upgrade']),
};

/** Options that take a value as the next word (dnf 4 and dnf5). */
const VALUE_OPTIONS = new Set([
  '-c', '--config', '--installroot', '--releasever', '--setopt', '--repo', '--repoid', '--enablerepo',
  '--disablerepo', '-x', '--exclude', '--excludepkgs', '--disableplugin', '--enableplugin', '--disable-plugin',
  '--enable-plugin', '--forcearch', '-d', '--debuglevel', '-e', '--errorlevel', '--rpmverbosity', '--color',
  '--destdir', '--downloaddir', '--comment', '--advisory', '--advisories', '--bz', '--cve', '--sec-severity',
  '--secseverity', '--repofrompath', '--use-host-config', '--from-repo', '--installonly-limit', '--dump-variables',
]);
const YES = new Set(['-y', '--assumeyes', '--assume-yes']);
const NO_CHANGE = new Set(['--assumeno', '--assume-no', '--downloadonly', '--download-only', '--store', '--test']);

export function parseDnfArgv(argv: string[]): DnfCommand {
  const out: DnfCommand = { command: null, changes: false, root: '/', assumeYes: false, transient: false, packages: [] };
  const words: string[] = [];
  let noChange = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : VALUE_OPTIONS.has(a) ? (argv[++i] ?? '') : null;
    if (YES.has(name)) out.assumeYes = true;
    if (NO_CHANGE.has(name)) noChange = true;
    if (name === '--transient') out.transient = true;
    if (name === '--installroot' && value) out.root = value;
    if (name === '--setopt' && value) {
      if (/^installroot=/.test(value)) out.root = value.slice('installroot='.length);
      if (/^tsflags=.*\btest\b/.test(value)) noChange = true;
      if (/^assumeyes=(1|true|yes)$/i.test(value)) out.assumeYes = true;
    }
    // Bundled short flags such as -yq.
    if (/^-[a-zA-Z]{2,}$/.test(a) && a.includes('y')) out.assumeYes = true;
  }
  out.command = words[0] ?? null;
  const sub = words[1];
  const subSet = out.command ? CHANGING_SUB[out.command] : undefined;
  const changing = out.command !== null && (CHANGING.has(out.command) || (subSet !== undefined && sub !== undefined && subSet.has(sub)));
  out.changes = changing && !noChange;
  out.packages = words.slice(subSet ? 2 : 1).map((w) => (w.endsWith('.rpm') ? w.replace(/^.*\//, '').replace(/-[^-]+-[^-]+\.rpm$/, '') : w));
  out.root = normaliseRoot(out.root);
  return out;
}
