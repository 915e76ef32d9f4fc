// dnf's global options, as its own parsers define them: which take a value
// (the next word, or after "="), and which are flags. The dnf shim has to
// know both, or a value is taken for the command: `dnf --disableexcludes all
// install x` is an install, not the command "all".
//
//   dnf 4: dnf/cli/option_parser.py, OptionParser._add_general_options (argparse,
//          which also takes any unique prefix of a long option)
//   dnf5:  dnf5/main.cpp, create_main_options, and the compatibility aliases in
//          dnf5/config/usr/share/dnf5/aliases.d/compatibility.conf
//
// test/unit/dnf-argv.test.ts checks every entry, and checks the dnf 4 table
// against the argparse parser of the dnf that is installed.

export const DNF4_VALUE = [
  '-c',
  '--config',
  '--installroot',
  '--enableplugin',
  '--disableplugin',
  '--releasever',
  '--releasever-major',
  '--releasever-minor',
  '--setopt',
  '-R',
  '--randomwait',
  '-d',
  '--debuglevel',
  '-e',
  '--errorlevel',
  '--rpmverbosity',
  '--enablerepo',
  '--disablerepo',
  '--repo',
  '--repoid',
  '-x',
  '--exclude',
  '--excludepkgs',
  '--disableexcludes',
  '--disableexcludepkgs',
  '--repofrompath',
  '--color',
  '--destdir',
  '--downloaddir',
  '--comment',
  '--advisory',
  '--advisories',
  '--bz',
  '--bzs',
  '--cve',
  '--cves',
  '--sec-severity',
  '--secseverity',
  '--forcearch',
];
export const DNF4_FLAGS = [
  '-q',
  '--quiet',
  '-v',
  '--verbose',
  '--version',
  '--nodocs',
  '--noplugins',
  '--skip-broken',
  '-h',
  '--help',
  '--help-cmd',
  '--allowerasing',
  '-b',
  '--best',
  '--nobest',
  '-C',
  '--cacheonly',
  '--debugsolver',
  '--showduplicates',
  '--obsoletes',
  '-y',
  '--assumeyes',
  '--assumeno',
  '--enable',
  '--disable',
  '--noautoremove',
  '--nogpgcheck',
  '--refresh',
  '-4',
  '-6',
  '--downloadonly',
  '--transient',
  '--bugfix',
  '--enhancement',
  '--newpackage',
  '--security',
];
export const DNF5_VALUE = [
  '-c',
  '--config',
  '--color',
  '--repofrompath',
  '--setopt',
  '--setvar',
  '-x',
  '--exclude',
  '--enable-repo',
  '--disable-repo',
  '--repo',
  '--enable-plugin',
  '--disable-plugin',
  '--comment',
  '--installroot',
  '--releasever',
  '--releasever-major',
  '--releasever-minor',
  '--dump-repo-config',
  '--forcearch',
  // compatibility aliases
  '--enablerepo',
  '--disablerepo',
  '--repoid',
  '--enableplugin',
  '--disableplugin',
];
export const DNF5_FLAGS = [
  '-h',
  '--help',
  '-q',
  '--quiet',
  '-C',
  '--cacheonly',
  '--refresh',
  '-y',
  '--assumeyes',
  '--assumeno',
  '--best',
  '--no-best',
  '--allow-vendor-change',
  '--no-allow-vendor-change',
  '--no-docs',
  '--no-gpgchecks',
  '--no-plugins',
  '--use-host-config',
  '--show-new-leaves',
  '--debugsolver',
  '--dump-main-config',
  '--dump-variables',
  '--version',
  '--skip-file-locks',
  // compatibility aliases
  '--nobest',
  '--nodocs',
  '--nogpgcheck',
  '--noplugins',
];
/**
 * Options of dnf's commands that take a value. They come after the command
 * word, so a miss here only changes which words are read as package names.
 */
export const COMMAND_VALUE = [
  '--from-repo',
  '--advisory-severities',
  '--arch',
  '--archlist',
  '--queryformat',
  '--qf',
  '--what-provides',
  '--whatprovides',
  '--installed-from-repo',
];

export const VALUE_OPTIONS: ReadonlySet<string> = new Set([...DNF4_VALUE, ...DNF5_VALUE, ...COMMAND_VALUE]);
export const FLAG_OPTIONS: ReadonlySet<string> = new Set([...DNF4_FLAGS, ...DNF5_FLAGS]);
const DNF4_LONG = [...DNF4_VALUE, ...DNF4_FLAGS].filter((o) => o.startsWith('--'));

/**
 * A long option as dnf 4's argparse reads it: itself when known, else the one
 * known option it is a prefix of (`--installr` is `--installroot`), else itself.
 */
export function longOption(name: string): string {
  if (VALUE_OPTIONS.has(name) || FLAG_OPTIONS.has(name)) return name;
  const matches = DNF4_LONG.filter((o) => o.startsWith(name));
  return matches.length === 1 ? matches[0]! : name;
}
