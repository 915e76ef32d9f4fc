// The installed packages and the files they own under /usr, as dpkg's and
// rpm's databases say, for `usr-guard diff` and the baseline it compares
// with. The parsers are pure; the readers read the databases (rpm's through
// `rpm -qa`, the only way that works for every rpm database format).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** Packages by key ("name" or "name:arch"), each with its version. */
export type PackageVersions = Map<string, string>;
/** Files under /usr, each with the key of the package that owns it. */
export type Owners = Map<string, string>;

export interface PackageView {
  versions: PackageVersions;
  /** The files under /usr of `keys`. */
  filesOf(keys: Iterable<string>): Owners;
}

/**
 * dpkg's status file (deb822 stanzas): the packages that are installed
 * (also half-configured or unpacked: their files are there), keyed by name,
 * or name:arch for a foreign architecture. Pure; anything odd is skipped.
 */
export function parseDpkgStatus(text: string, nativeArch?: string): PackageVersions {
  return new Map([...dpkgPackages(text, nativeArch)].map(([key, p]) => [key, p.version]));
}

/** An installed package as dpkg's status says it: its version, and the name of its file list in info/. */
export interface DpkgPackage {
  name: string;
  version: string;
  /** Its Architecture field: "all", or one such as "amd64". */
  arch: string;
  /** NAME.list, or NAME:ARCH.list for a Multi-Arch: same package (dpkg names those by architecture, the native one too). */
  list: string;
}

/** The packages of dpkg's status, by key (as parseDpkgStatus says them). Pure. */
export function dpkgPackages(text: string, nativeArch = nativeArchOf(text)): Map<string, DpkgPackage> {
  const out = new Map<string, DpkgPackage>();
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = stanzaFields(stanza);
    const name = fields.get('package');
    const version = fields.get('version');
    const status = fields.get('status') ?? '';
    if (!name || !version || !/\b(installed|unpacked|half-configured|triggers-awaited|triggers-pending)$/.test(status))
      continue;
    const arch = fields.get('architecture') ?? '';
    const same = fields.get('multi-arch') === 'same' && arch !== '' && arch !== 'all';
    const key = arch && arch !== 'all' && nativeArch && arch !== nativeArch ? `${name}:${arch}` : name;
    out.set(key, { name, version, arch, list: same ? `${name}:${arch}.list` : `${name}.list` });
  }
  return out;
}

const FIELDS = new Set(['package', 'version', 'status', 'architecture', 'multi-arch']);
/**
 * The fields dpkgPackages reads from a stanza, named in lower case, each its first line's value, trimmed.
 * (A regular expression per field and stanza made this the most of a change's last-boot record.)
 */
function stanzaFields(stanza: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of stanza.split(/\r\n|[\n\r\u2028\u2029]/)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon > 0 && FIELDS.has(name) && !fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * The native architecture: dpkg's own, as its status entry says (exact, and
 * no process: /var/lib/dpkg/arch is there only on a host that added a foreign
 * one). "" without an entry for dpkg. Pure.
 */
export function nativeArchOf(status: string): string {
  return /(?:^|\n)Package:[ \t]*dpkg[ \t]*\n(?:[^\n]+\n)*?Architecture:[ \t]*(\S+)/i.exec(status)?.[1] ?? '';
}

/** The lines of a dpkg .list file that lie under /usr, owned by `key`. */
export function listFiles(text: string, key: string, into: Owners): void {
  for (const line of text.split('\n')) if (line.startsWith('/usr/')) into.set(line, key);
}

/** dpkg's view, from a database folder (/var/lib/dpkg, or the snapshot's copy of it). */
export function dpkgView(db: string): PackageView | null {
  let status: string;
  try {
    status = readFileSync(`${db}/status`, 'utf8');
  } catch {
    return null;
  }
  const packages = dpkgPackages(status);
  return {
    versions: new Map([...packages].map(([key, p]) => [key, p.version])),
    filesOf(keys) {
      const owners: Owners = new Map();
      for (const key of keys) {
        // A key no longer installed (a removed package's, from the baseline) is looked up by its key.
        const list = packages.get(key)?.list ?? `${key}.list`;
        try {
          listFiles(readFileSync(`${db}/info/${list}`, 'utf8'), key, owners);
        } catch {
          // gone, or it never had a list
        }
      }
      return owners;
    },
  };
}

/** rpm's output (what it could say: a query for one package that is gone still answers for the others), or null without rpm. */
function rpm(args: string[]): string | null {
  const bin = ['/usr/bin/rpm', '/bin/rpm'].find((p) => existsSync(p));
  if (!bin) return null;
  const r = spawnSync(bin, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * 1024 * 1024,
  });
  return r.error ? null : r.stdout;
}

/** "key\tvalue" lines. Pure. */
export function parseTabLines(text: string): [string, string][] {
  return text.split('\n').flatMap((l) => {
    const tab = l.indexOf('\t');
    return tab > 0 ? [[l.slice(0, tab), l.slice(tab + 1)] as [string, string]] : [];
  });
}

/** rpm's view (packages keyed by name, or name.arch where one name has several); empty with an empty database, null without rpm. */
export function rpmView(): PackageView | null {
  const all = rpm(['-qa', '--qf', '%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\n']);
  if (all === null) return null;
  const lines = parseTabLines(all);
  const versions: PackageVersions = new Map(lines.map(([n, v]) => [n, v.replace(/^0:/, '')]));
  return {
    versions,
    filesOf(keys) {
      const names = [...keys];
      const owners: Owners = new Map();
      if (names.length === 0) return owners;
      for (const [file, key] of parseTabLines(rpm(['-q', '--qf', '[%{FILENAMES}\t%{NAME}\n]', ...names]) ?? ''))
        if (file.startsWith('/usr/')) owners.set(file, key);
      return owners;
    },
  };
}
