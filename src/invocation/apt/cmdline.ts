// apt's own command-line parser (apt-pkg/contrib/cmndline.cc, CommandLine::
// Parse and HandleOpt), redone for the options of apt and apt-get
// (apt-private/private-cmndline.cc), so that APT::Install::Pre-Invoke reads a
// command line as apt reads it: values and not just names (`--simulate=no`,
// `-s no`, `--no-simulate`), the last setting winning, and a value never
// taken for the command. Pure: argv in, the configuration it sets out.

/** How an option reads its argument (cmndline.h AFlags). */
type Kind = 'bool' | 'arg' | 'level' | 'file' | 'item';
interface Arg {
  short: string | null;
  long: string | null;
  conf: string;
  kind: Kind;
}

const a = (short: string | null, long: string | null, conf: string, kind: Kind = 'bool'): Arg => ({
  short,
  long,
  conf,
  kind,
});
const is = (cmd: string | null, ...names: string[]) => cmd !== null && names.includes(cmd);

/** The commands apt-get and apt know (apt-get.cc, apt.cc): the word apt picks its option table by. */
const COMMANDS = {
  'apt-get':
    'update upgrade install reinstall remove purge autoremove auto-remove autopurge markauto unmarkauto dist-upgrade full-upgrade dselect-upgrade build-dep satisfy clean autoclean auto-clean distclean dist-clean check source download changelog indextargets moo',
  apt: 'list search show install reinstall remove autoremove auto-remove autopurge purge update upgrade full-upgrade history-list history-info history-redo history-undo history-rollback edit-sources modernize-sources moo satisfy why why-not dist-upgrade showsrc depends rdepends policy build-dep clean distclean dist-clean autoclean auto-clean source download changelog info',
};

const SIMULATE = ['simulate', 'just-print', 'recon', 'dry-run', 'no-act'].map((l) => a('s', l, 'APT::Get::Simulate'));

/** addArgumentsAPTGet: returns whether a command-specific option was added. */
function aptGetArgs(args: Arg[], cmd: string | null): boolean {
  if (
    is(
      cmd,
      'install',
      'reinstall',
      'remove',
      'purge',
      'upgrade',
      'dist-upgrade',
      'dselect-upgrade',
      'autoremove',
      'autopurge',
      'full-upgrade',
    )
  ) {
    args.push(
      a(null, 'show-progress', 'DpkgPM::Progress'),
      a('f', 'fix-broken', 'APT::Get::Fix-Broken'),
      a(null, 'purge', 'APT::Get::Purge'),
      a('V', 'verbose-versions', 'APT::Get::Show-Versions'),
      a(null, 'list-columns', 'APT::Get::List-Columns'),
      a(null, 'autoremove', 'APT::Get::AutomaticRemove'),
      a(null, 'auto-remove', 'APT::Get::AutomaticRemove'),
      a(null, 'reinstall', 'APT::Get::ReInstall'),
      a(null, 'solver', 'APT::Solver', 'arg'),
      a(null, 'strict-pinning', 'APT::Solver::Strict-Pinning'),
      a(null, 'planner', 'APT::Planner', 'arg'),
      a(null, 'comment', 'APT::History::Comment', 'arg'),
      a('U', 'update', 'APT::Update'),
    );
    if (is(cmd, 'upgrade')) args.push(a(null, 'new-pkgs', 'APT::Get::Upgrade-Allow-New'));
  } else if (is(cmd, 'update', 'install')) {
    args.push(a('e', 'error-on', 'APT::Update::Error-Mode', 'arg'));
  } else if (is(cmd, 'source')) {
    args.push(
      a('a', 'host-architecture', 'APT::Get::Host-Architecture', 'arg'),
      a('b', 'compile', 'APT::Get::Compile'),
      a('b', 'build', 'APT::Get::Compile'),
      a('P', 'build-profiles', 'APT::Build-Profiles', 'arg'),
    );
  } else if (is(cmd, 'build-dep', 'satisfy')) {
    args.push(
      a('a', 'host-architecture', 'APT::Get::Host-Architecture', 'arg'),
      a('P', 'build-profiles', 'APT::Build-Profiles', 'arg'),
      a(null, 'purge', 'APT::Get::Purge'),
      a(null, 'solver', 'APT::Solver', 'arg'),
      a('f', 'fix-broken', 'APT::Get::Fix-Broken'),
    );
  } else if (is(cmd, 'indextargets')) {
    args.push(a(null, 'format', 'APT::Get::IndexTargets::Format', 'arg'));
  }
  if (
    is(
      cmd,
      'install',
      'reinstall',
      'remove',
      'purge',
      'upgrade',
      'dist-upgrade',
      'dselect-upgrade',
      'autoremove',
      'auto-remove',
      'autopurge',
      'check',
      'clean',
      'autoclean',
      'auto-clean',
      'distclean',
      'dist-clean',
      'build-dep',
      'satisfy',
      'full-upgrade',
      'source',
    )
  ) {
    args.push(...SIMULATE);
  }
  const found = args.length > 0;
  args.push(
    a('d', 'download-only', 'APT::Get::Download-Only'),
    a('y', 'yes', 'APT::Get::Assume-Yes'),
    a('y', 'assume-yes', 'APT::Get::Assume-Yes'),
    a(null, 'assume-no', 'APT::Get::Assume-No'),
    a('u', 'show-upgraded', 'APT::Get::Show-Upgraded'),
    a('m', 'ignore-missing', 'APT::Get::Fix-Missing'),
    a('t', 'target-release', 'APT::Default-Release', 'arg'),
    a('t', 'default-release', 'APT::Default-Release', 'arg'),
    a('S', 'snapshot', 'APT::Snapshot', 'arg'),
    a(null, 'print-uris', 'APT::Get::Print-URIs'),
    a(null, 'with-source', 'APT::Sources::With::', 'arg'),
  );
  return found;
}

/** addArgumentsAPTCache, the parts with arguments or short letters that matter for parsing. */
function aptCacheArgs(args: Arg[], cmd: string | null): boolean {
  if (is(cmd, 'depends', 'rdepends', 'unmet')) args.push(a('i', 'important', 'APT::Cache::Important'));
  else if (is(cmd, 'search'))
    args.push(a('n', 'names-only', 'APT::Cache::NamesOnly'), a('f', 'full', 'APT::Cache::ShowFull'));
  else if (is(cmd, 'show', 'info')) args.push(a('a', 'all-versions', 'APT::Cache::AllVersions'));
  else if (
    !is(
      cmd,
      'pkgnames',
      'showsrc',
      'gencaches',
      'showpkg',
      'stats',
      'dump',
      'dumpavail',
      'showauto',
      'policy',
      'madison',
    )
  )
    return false;
  args.push(
    a('t', 'target-release', 'APT::Default-Release', 'arg'),
    a('S', 'snapshot', 'APT::Snapshot', 'arg'),
    a('p', 'pkg-cache', 'Dir::Cache::pkgcache', 'arg'),
    a('s', 'src-cache', 'Dir::Cache::srcpkgcache', 'arg'),
  );
  return true;
}

/** getCommandArgs for apt and apt-get: the options this command line is parsed with. */
export function optionTable(binary: 'apt' | 'apt-get', cmd: string | null): Arg[] {
  const args: Arg[] = [];
  if (cmd !== 'help') {
    if (binary === 'apt-get') aptGetArgs(args, cmd);
    else if (is(cmd, 'list'))
      args.push(
        a('i', 'installed', 'APT::Cmd::Installed'),
        a('u', 'upgradable', 'APT::Cmd::Upgradable'),
        a('v', 'verbose', 'APT::Cmd::List-Include-Summary'),
        a('a', 'all-versions', 'APT::Cmd::All-Versions'),
        a('t', 'target-release', 'APT::Default-Release', 'arg'),
      );
    else if (is(cmd, 'show', 'info'))
      args.push(a('a', 'all-versions', 'APT::Cache::AllVersions'), a('f', 'full', 'APT::Cache::ShowFull'));
    else if (!aptGetArgs(args, cmd)) aptCacheArgs(args, cmd);
  }
  args.push(
    a('h', 'help', 'help'),
    a('v', 'version', 'version'),
    a(null, 'color', 'APT::Color'),
    a('q', 'quiet', 'quiet', 'level'),
    a('q', 'silent', 'quiet', 'level'),
    a('c', 'config-file', '', 'file'),
    a('o', 'option', '', 'item'),
    a(null, 'cli-version', 'APT::Version', 'arg'),
  );
  return args;
}

/** CommandLine::GetCommand: the first word that names a command (before or right after a `--`). */
export function tableCommand(binary: 'apt' | 'apt-get', argv: string[]): string | null {
  const known = new Set(['help', ...COMMANDS[binary].split(' ')]);
  const dash = argv.indexOf('--');
  if (dash >= 0) {
    const before = argv.slice(0, dash).find((w) => known.has(w));
    if (before !== undefined) return before;
    return argv[dash + 1] !== undefined && known.has(argv[dash + 1]!) ? argv[dash + 1]! : null;
  }
  return argv.find((w) => !w.startsWith('-') && known.has(w)) ?? null;
}

/** StringToBool: 0/1, or the words apt knows; anything else is `dflt`. */
export function aptBool(text: string, dflt = -1): number {
  // strtol(text, &end, 0) over the whole text: "", "0", "+1", "0x1", "01" (octal) and the like.
  if (text === '') return 0;
  const num = /^\s*([+-]?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9]\d*))$/.exec(text);
  if (num) {
    const n =
      (num[1] === '-' ? -1 : 1) *
      Number.parseInt(num[2] ?? num[3] ?? num[4]!, num[2] !== undefined ? 16 : num[3] !== undefined ? 8 : 10);
    if (n === 0 || n === 1) return n === 1 ? 1 : 0;
  }
  const t = text.toLowerCase();
  if (['no', 'false', 'without', 'off', 'disable'].includes(t)) return 0;
  if (['yes', 'true', 'with', 'on', 'enable'].includes(t)) return 1;
  return dflt;
}

/** A -c file, or a setting of the command line as a -o item: apt reads them where they stand. */
export interface ConfigSource {
  kind: 'file' | 'item';
  value: string;
}

export interface AptCommandLine {
  /** Every configuration item the command line set, by lower-case key, in order (the last one wins). */
  config: Map<string, string>;
  /** Every setting (as a -o item) and -c file, in order: apt-config reads them as apt does (apt-config.ts). */
  sources: ConfigSource[];
  /** The words that are not options: the command, then its arguments. */
  files: string[];
  /** Why apt itself would stop before running anything, or null. */
  error: string | null;
}

/** Parse argv (without argv[0]) the way `binary` does. */
export function parseAptCommandLine(binary: 'apt' | 'apt-get', argv: string[]): AptCommandLine {
  const table = optionTable(binary, tableCommand(binary, argv));
  const config = new Map<string, string>();
  const sources: ConfigSource[] = [];
  const files: string[] = [];
  const set = (key: string, value: string) => {
    config.set(key.toLowerCase(), value);
    sources.push({ kind: 'item', value: `${key}=${value}` });
  };
  const fail = (error: string): AptCommandLine => ({ config, sources, files, error });

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith('-')) {
      files.push(word);
      continue;
    }
    if (word === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith('--')) {
      // A cluster of short options: each letter in turn, until one takes the rest as its argument.
      for (let at = 1; at < word.length; at++) {
        const opt = table.find((o) => o.short === word[at]);
        if (!opt) return fail(`option '${word[at]}' not understood`);
        const r = handle(opt, word.slice(at + 1), argv[i + 1], null, set, sources);
        if (r.error) return fail(r.error);
        i += r.nextUsed ? 1 : 0;
        if (r.restUsed) break;
      }
      continue;
    }
    const body = word.slice(2);
    const eq = body.indexOf('=');
    const name = (eq < 0 ? body : body.slice(0, eq)).toLowerCase();
    const inline = eq < 0 ? '' : body.slice(eq);
    let opt = table.find((o) => o.long === name);
    let sense: string | null = null;
    if (!opt) {
      // --no-simulate, --without-foo: the word before the first dash is the sense (booleans only).
      const dash = name.indexOf('-');
      if (dash < 0) return fail(`option ${word} not understood`);
      const rest = name.slice(dash + 1);
      opt = table.find((o) => o.long === rest) ?? (rest.length === 1 ? table.find((o) => o.short === rest) : undefined);
      if (opt?.kind !== 'bool') return fail(`option ${word} not understood`);
      sense = name.slice(0, dash);
    }
    const r = handle(opt, inline, argv[i + 1], sense, set, sources);
    if (r.error) return fail(r.error);
    i += r.nextUsed ? 1 : 0;
  }
  return { config, sources, files, error: null };
}

/**
 * HandleOpt: `rest` is what follows the option in its own word ("" for none,
 * "=x" for an explicit value); `next` the following word, which an option may
 * take when its own word ends and the next does not start with a dash.
 */
function handle(
  opt: Arg,
  rest: string,
  next: string | undefined,
  sense: string | null,
  set: (k: string, v: string) => void,
  sources: ConfigSource[],
) {
  let arg: string | null = null;
  let certain = false;
  let fromNext = false;
  if (rest === '') {
    if (next !== undefined && !next.startsWith('-')) {
      arg = next;
      fromNext = true;
    }
  } else if (rest.startsWith('=')) {
    arg = rest.slice(1);
    certain = true;
  } else {
    arg = rest;
  }
  const used = (value: boolean) => ({
    nextUsed: value && fromNext,
    restUsed: value && !fromNext,
    error: null as string | null,
  });

  if (opt.kind === 'arg' || opt.kind === 'file' || opt.kind === 'item') {
    if (arg === null) return { ...used(false), error: `option ${opt.long ?? opt.short} requires an argument` };
    if (opt.kind === 'item') {
      const eq = arg.indexOf('=');
      if (eq < 0) return { ...used(false), error: 'configuration item specification must have an =<val>' };
      set(arg.slice(0, eq), arg.slice(eq + 1));
    } else if (opt.kind === 'arg') {
      set(opt.conf, arg);
    } else {
      // A configuration file (-c) is read by apt where it stands; what it sets is not known here.
      sources.push({ kind: 'file', value: arg });
    }
    return used(true);
  }
  if (opt.kind === 'level') {
    if (arg !== null && /^-?\d+$/.test(arg)) {
      set(opt.conf, arg);
      return used(true);
    }
    if (certain) return { ...used(false), error: `option ${opt.long ?? opt.short} requires an integer argument` };
    return used(false);
  }
  // A boolean: its sense from the argument when that is a boolean word, else from a --no- prefix, else true.
  let value = arg === null ? -1 : aptBool(arg);
  const eaten = value >= 0;
  if (value < 0 && certain) return { ...used(false), error: `sense ${arg} is not understood, try true or false` };
  if (value < 0 && sense !== null) {
    value = aptBool(sense);
    if (value < 0) return { ...used(false), error: `sense ${sense} is not understood, try true or false` };
  }
  set(opt.conf, value === 0 ? '0' : '1');
  return used(eaten);
}

/** Configuration::FindB on what the command line set (apt's own files may say more). */
export function findB(config: Map<string, string>, key: string): boolean {
  const v = config.get(key.toLowerCase());
  return v !== undefined && aptBool(v, 0) === 1;
}
