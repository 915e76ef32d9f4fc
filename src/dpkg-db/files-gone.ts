// Which packages dpkg lists as installed whose files are not in /usr: what the
// next boot takes off the database when the only snapshot of the overlay's boot
// was taken at its first change (./restore.ts), so what that boot changed
// before it is not known. A package is taken off only when every regular file
// its info/PKG.list names under /usr is missing: an image's own package never
// lacks its files, one the overlay upgraded keeps the image's at mostly the
// same paths (not known as changed, so kept, as the best evidence says), and a
// package some of whose files a path-exclude left out (docs) still has the
// rest. A package that lists nothing under /usr but folders is kept. Pure but
// for the probe, and fuzzed (test/unit/dpkg-db-files-gone.test.ts).

import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { stanzas } from './package-state.js';

/** What lstat finds at a path: a folder (shared by packages: says nothing), anything else, or nothing. */
export type Found = 'folder' | 'thing' | 'missing';

/** Installed in dpkg's sense: its files are (or should be) on disk. */
const ON_DISK =
  /^Status:[ \t]*\S+[ \t]+\S+[ \t]+(installed|unpacked|half-configured|triggers-awaited|triggers-pending)[ \t]*$/m;

/** The "package:arch" keys that `status` lists with files on disk, and the info/ name of each (PKG or PKG:ARCH). */
export function onDisk(status: string): { key: string; infoNames: string[] }[] {
  const out: { key: string; infoNames: string[] }[] = [];
  for (const [key, s] of stanzas(status)) {
    if (!ON_DISK.test(s)) continue;
    const name = key.slice(0, key.lastIndexOf(':'));
    // Multi-Arch: same packages have info/PKG:ARCH.list; others info/PKG.list.
    out.push({ key, infoNames: /^Multi-Arch:[ \t]*same[ \t]*$/m.test(s) ? [key, name] : [name, key] });
  }
  return out;
}

/** A package's .list says its files are gone: something listed under /usr is missing and nothing but folders is there. */
export function filesGone(list: string, probe: (path: string) => Found): boolean {
  let missing = false;
  for (const path of list.split('\n')) {
    if (!path.startsWith('/usr/')) continue;
    const found = probe(path);
    if (found === 'thing') return false;
    if (found === 'missing') missing = true;
  }
  return missing;
}

/** dpkg's status without the given packages' stanzas, as if never installed (as after a purge). */
export function withoutPackages(status: string, keys: readonly string[]): string {
  const out = [...stanzas(status)].filter(([k]) => !keys.includes(k)).map(([, s]) => `${s}\n\n`);
  return out.join('');
}

/** An info/ file's package (PKG or PKG:ARCH), as dpkg parses it: all before the last dot. */
export const infoOwner = (file: string) => file.slice(0, file.lastIndexOf('.'));

/** The edge: the packages `status` lists on disk whose files are gone from /usr, by the .list files in `db`/info. */
export function packagesGone(db: string, status: string): string[] {
  const probe = (path: string): Found => {
    const st = lstatSync(path, { throwIfNoEntry: false });
    return st === undefined ? 'missing' : st.isDirectory() ? 'folder' : 'thing';
  };
  const list = (name: string) => {
    try {
      return readFileSync(`${db}/info/${name}.list`, 'utf8');
    } catch {
      return null;
    }
  };
  return onDisk(status)
    .filter(({ infoNames }) => {
      const text = infoNames.map(list).find((t) => t !== null);
      return text !== undefined && text !== null && filesGone(text, probe);
    })
    .map(({ key }) => key);
}

/** Take the info/ files of the packages (keys "package:arch") out of a copy of dpkg's database. */
export function dropInfo(db: string, keys: readonly string[]): void {
  const owners = new Set(keys.flatMap((k) => [k, k.slice(0, k.lastIndexOf(':'))]));
  for (const f of readdirSync(`${db}/info`)) if (owners.has(infoOwner(f))) rmSync(`${db}/info/${f}`, { force: true });
}
