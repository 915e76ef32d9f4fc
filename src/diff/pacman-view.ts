// pacman's installed packages and the files they own under /usr, from its
// local database (DBPath/local/NAME-VERSION/desc and files: %KEY% lines,
// each followed by its values up to a blank line; files without a leading
// slash), for `usr-guard diff` and the baseline. The parsers are pure.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Owners, PackageView } from './packages.js';

/** The %KEY% sections of a desc or files entry, each with its values. Pure. */
export function parseAlpmEntry(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let key: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^%([A-Z0-9]+)%$/.exec(line);
    if (m) {
      key = m[1]!;
      out.set(key, []);
    } else if (line === '') {
      key = null;
    } else if (key !== null) {
      out.get(key)!.push(line);
    }
  }
  return out;
}

/** The files under /usr of one package's `files` entry, as absolute paths (folders left out). Pure. */
export function alpmUsrFiles(text: string): string[] {
  return (parseAlpmEntry(text).get('FILES') ?? [])
    .filter((f) => f.startsWith('usr/') && !f.endsWith('/'))
    .map((f) => `/${f}`);
}

/** pacman's view, from a local database folder (DBPath/local, or the snapshot's copy of it); null when it is not there. */
export function pacmanView(local: string): PackageView | null {
  let entries: string[];
  try {
    entries = readdirSync(local);
  } catch {
    return null;
  }
  const versions = new Map<string, string>();
  const dirOf = new Map<string, string>();
  for (const entry of entries) {
    try {
      const desc = parseAlpmEntry(readFileSync(join(local, entry, 'desc'), 'utf8'));
      const name = desc.get('NAME')?.[0];
      const version = desc.get('VERSION')?.[0];
      if (!name || !version) continue;
      versions.set(name, version);
      dirOf.set(name, entry);
    } catch {
      // ALPM_DB_VERSION, or an entry without desc: not a package
    }
  }
  return {
    versions,
    filesOf(keys) {
      const owners: Owners = new Map();
      for (const key of keys) {
        const dir = dirOf.get(key);
        if (!dir) continue;
        try {
          for (const path of alpmUsrFiles(readFileSync(join(local, dir, 'files'), 'utf8'))) owners.set(path, key);
        } catch {
          // no files entry: owns nothing we can tell
        }
      }
      return owners;
    },
  };
}
