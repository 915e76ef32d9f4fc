// What an apt, apt-get or aptitude command line asks for. Pure.
// APT::Install::Pre-Invoke gets no configuration, so the front end's argv
// (read from /proc by the caller) is how the hook tells `-s` from a real install.

export interface AptCommand {
  command: string | null;
  /** -s, --download-only, --print-uris …: nothing will be unpacked. */
  readOnly: boolean;
  /** Target root from -o Dir=, RootDir=, DPkg::Chroot-Directory=, DPkg::Options::=--root=. */
  root: string;
  assumeYes: boolean;
  packages: string[];
}

const READ_ONLY_FLAGS = new Set([
  '-s', '--simulate', '--just-print', '--dry-run', '--recon', '--no-act',
  '-d', '--download-only', '--print-uris',
]);
const YES_FLAGS = new Set(['-y', '--yes', '--assume-yes']);
/** Options that take a value as the next word. */
const VALUE_OPTIONS = new Set([
  '-o', '--option', '-c', '--config-file', '-t', '--target-release', '--default-release',
  '-a', '--host-architecture', '-P', '--build-profiles', '--solver', '-e', '--error-on',
]);
const SHORT_READ_ONLY = new Set(['s', 'd']);
const SHORT_BOOLEAN = new Set(['s', 'd', 'y', 'q', 'f', 'm', 'u', 'b', 'V', 'h', 'v', 'D']);

/** How apt spells true in its configuration. */
export const APT_TRUE = /^(1|yes|true|with|on|enable)$/i;
const READ_ONLY_KEYS = ['apt::get::simulate', 'apt::get::download-only', 'apt::get::print-uris'];

/** Apply one -o Key=Value to the result (keys are case-insensitive in apt). */
function applyOption(kv: string, out: AptCommand): void {
  const eq = kv.indexOf('=');
  if (eq < 0) return;
  const key = kv.slice(0, eq).toLowerCase().replace(/::$/, '');
  const value = kv.slice(eq + 1);
  if (READ_ONLY_KEYS.includes(key) && APT_TRUE.test(value)) out.readOnly = true;
  if (key === 'apt::get::assume-yes' && APT_TRUE.test(value)) out.assumeYes = true;
  if ((key === 'dir' || key === 'rootdir' || key === 'dpkg::chroot-directory') && value !== '') out.root = value;
  if (key === 'dpkg::options') {
    const m = /^--(?:root|instdir)=(.+)$/.exec(value);
    if (m) out.root = m[1]!;
  }
}

/** ./foo_1.0_all.deb names package foo; foo/trixie and foo=1.0 stay as typed. */
export function debPackageName(arg: string): string {
  return arg.endsWith('.deb') ? arg.replace(/^.*\//, '').replace(/(_.*)?\.deb$/, '') : arg;
}

/** Normalise a root such as "/target/" or "/" to compare with "/". */
export function normaliseRoot(root: string): string {
  const r = root.replace(/\/+$/, '');
  return r === '' ? '/' : r;
}

export function parseAptArgv(argv: string[]): AptCommand {
  const out: AptCommand = { command: null, readOnly: false, root: '/', assumeYes: false, packages: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.packages.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, null];
      if (READ_ONLY_FLAGS.has(name)) out.readOnly = true;
      if (YES_FLAGS.has(name)) out.assumeYes = true;
      if (VALUE_OPTIONS.has(name)) {
        const value = inline ?? argv[++i] ?? '';
        if (name === '--option') applyOption(value, out);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (a.startsWith('-o')) {
        applyOption(a.length > 2 ? a.slice(2) : (argv[++i] ?? ''), out);
      } else if (VALUE_OPTIONS.has(a.slice(0, 2))) {
        if (a.length === 2) i++; // value is the next word
      } else {
        // Bundled short flags such as -sy: only when every letter is a known flag.
        const letters = [...a.slice(1)];
        if (letters.every((c) => SHORT_BOOLEAN.has(c))) {
          if (letters.some((c) => SHORT_READ_ONLY.has(c))) out.readOnly = true;
          if (letters.includes('y')) out.assumeYes = true;
        }
      }
      continue;
    }
    if (out.command === null) out.command = a;
    else out.packages.push(debPackageName(a));
  }
  out.root = normaliseRoot(out.root);
  return out;
}
