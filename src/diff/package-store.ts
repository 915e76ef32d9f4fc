// Copies of the package files a change installed from no repository (dpkg -i
// ./mytool_2.0_all.deb): the file may be gone by the time the change is to be
// kept, and a build needs it (diff's COPY line names it; usr-guard keep can use
// it). In /var (it outlasts the overlay), root's only, at most 256 MiB in
// all: the oldest copies go first. Each copy is written whole (a new file,
// synced, renamed into place), under the name dpkg-deb and apt give the
// package (name_version_arch.deb, from its control data), so that diff finds
// it by the installed package. /run/usr-guard/package-files lists the names
// kept this boot, so that diff can tell a copy let go from one never made.
// Loaded only where a change names a package file: off the hooks' hot path.

import { spawnSync } from 'node:child_process';
import {
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  chmodSync,
  unlinkSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { makeDirs, syncDir } from '../fs/atomic-write.js';
import { couldNotKeepCopy, NOT_A_DEB, tooLargeToKeep } from '../messages/containerfile.js';
import { RUN_DIR, writeRunFile } from './run-dir.js';

import { STORE } from './store-path.js';

export { STORE };
export const STORE_LIMIT = 256 * 1024 * 1024;
export const KEPT_NAMES = `${RUN_DIR}/package-files`;

export interface StoredFile {
  name: string;
  size: number;
  mtimeMs: number;
}

/** The copies to let go, oldest first, until the rest fit in `limit`. Pure. */
export function toLetGo(files: StoredFile[], limit: number): string[] {
  let total = files.reduce((n, f) => n + f.size, 0);
  const out: string[] = [];
  for (const f of [...files].sort((a, b) => a.mtimeMs - b.mtimeMs || (a.name < b.name ? -1 : 1))) {
    if (total <= limit) break;
    out.push(f.name);
    total -= f.size;
  }
  return out;
}

/** name_version_arch.deb from a .deb's control data (the version without its epoch), or null. */
function canonicalName(path: string): string | null {
  const r = spawnSync('/usr/bin/dpkg-deb', ['--showformat=${Package}\t${Version}\t${Architecture}', '--show', path], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
  });
  const [name, version, arch] = r.status === 0 ? r.stdout.trim().split('\t') : [];
  if (!name || !version || !arch) return null;
  const file = `${name}_${version.replace(/^\d+:/, '')}_${arch}.deb`;
  return /^[A-Za-z0-9][A-Za-z0-9+.~_-]*\.deb$/.test(file) ? file : null;
}

/** Copy `from` to `store`/`name` whole: a new file, synced, renamed into place; only root reads it. */
function copyWhole(from: string, store: string, name: string): void {
  const tmp = join(store, `.${name}.usr-guard-${process.pid}`);
  try {
    copyFileSync(from, tmp, constants.COPYFILE_EXCL);
    chmodSync(tmp, 0o600);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(store, name));
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never made
    }
    throw e;
  }
  syncDir(store);
}

/** What the store holds (copies, not a copy under way). */
function stored(store: string): StoredFile[] {
  return readdirSync(store)
    .filter((n) => !n.startsWith('.'))
    .flatMap((name) => {
      try {
        const st = statSync(join(store, name));
        return st.isFile() ? [{ name, size: st.size, mtimeMs: st.mtimeMs }] : [];
      } catch {
        return [];
      }
    });
}

/** Keep copies of the .deb files at `paths` (absolute); the warnings to say (never fatal to the change). */
export function keepPackageFiles(paths: string[], store = STORE, limit = STORE_LIMIT, record = KEPT_NAMES): string[] {
  const warnings: string[] = [];
  const kept: string[] = [];
  makeDirs(store, 0o700);
  chmodSync(store, 0o700);
  for (const path of paths.filter((p) => p.endsWith('.deb'))) {
    const name = canonicalName(path);
    try {
      const size = statSync(path).size;
      if (name === null) throw new Error(NOT_A_DEB);
      if (size > limit) throw new Error(tooLargeToKeep(limit / 1024 / 1024));
      copyWhole(path, store, name);
      kept.push(name);
    } catch (e) {
      warnings.push(couldNotKeepCopy(basename(path), (e as Error).message));
    }
  }
  for (const name of toLetGo(stored(store), limit)) unlinkSync(join(store, name));
  if (kept.length > 0) {
    let before = '';
    try {
      before = readFileSync(record, 'utf8');
    } catch {
      // the first this boot
    }
    const names = new Set([...before.split('\n').filter(Boolean), ...kept]);
    writeRunFile(record, `${[...names].join('\n')}\n`);
  }
  return warnings;
}

/** Where a copy of package file `name` is (its path), was let go ('let-go'), or was never made (null). */
export function storedCopy(name: string, store = STORE): string | 'let-go' | null {
  try {
    if (statSync(join(store, name)).isFile()) return join(store, name);
  } catch (e) {
    // Only root reads the store: for another user a copy noted this boot is there, as far as can be told.
    if ((e as NodeJS.ErrnoException).code === 'EACCES') return join(store, name);
  }
  try {
    if (readFileSync(KEPT_NAMES, 'utf8').split('\n').includes(name)) return 'let-go';
  } catch {
    // nothing kept this boot
  }
  return null;
}
