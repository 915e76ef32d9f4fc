// The edges of `usr-guard keep` on disk: the build context (written whole: a
// new folder, then a rename), the recipe kept in /etc, the local package
// files usr-guard kept, the record of what keep switched from, and the sizes
// the room check compares.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { STORE } from '../diff/package-store.js';
import { Failure } from '../exit-codes.js';
import { makeDirs, writeFileAtomic } from '../fs/atomic-write.js';
import { packageInFile } from '../invocation/package-files.js';
import type { PackageManager } from '../types.js';
import type { ImageRef } from './bootc.js';
import type { LocalPackage, Recipe } from './recipe.js';
import { contextCopyFailed, keepError } from '../messages/keep.js';

/** The build context of the last keep. */
export const CONTEXT = '/var/lib/usr-guard/keep';
/** The recipe as the user keeps it (and edits it): what keep --rebase builds. */
export const KEPT_RECIPE = '/etc/usr-guard/keep';
/** The builder's log of the last build. */
export const BUILD_LOG = '/var/lib/usr-guard/keep.log';
/** What keep switched from (for --undo and --rebase) and its last number. */
export const RECORD = '/var/lib/usr-guard/keep.json';
/** The copies of local package files usr-guard keeps at a change (src/diff/package-store.ts). */
export const LOCAL_PACKAGES = STORE;

export interface KeepRecord {
  /** The last keep's number. */
  n: number;
  /** The image the host followed before its first keep. */
  followed: ImageRef | null;
  /** The digest of the image the last kept image was built on (--rebase builds again only when the vendor's moved). */
  baseDigest: string | null;
}

export function readRecord(): KeepRecord {
  try {
    const doc = JSON.parse(readFileSync(RECORD, 'utf8')) as Partial<KeepRecord>;
    const f = doc.followed;
    return {
      n: Number.isInteger(doc.n) && (doc.n as number) >= 0 ? (doc.n as number) : 0,
      followed:
        f && typeof f.image === 'string' && typeof f.transport === 'string'
          ? { image: f.image, transport: f.transport }
          : null,
      baseDigest: typeof doc.baseDigest === 'string' ? doc.baseDigest : null,
    };
  } catch {
    return { n: 0, followed: null, baseDigest: null };
  }
}

export function writeRecord(r: KeepRecord): void {
  makeDirs(dirname(RECORD), 0o755);
  writeFileAtomic(RECORD, Buffer.from(`${JSON.stringify(r, null, 2)}\n`), 0o644);
}

const EXT: [RegExp, PackageManager][] = [
  [/\.deb$/, 'apt'],
  [/\.rpm$/, 'dnf'],
  [/\.pkg\.tar(\.[a-z0-9]+)?$/, 'pacman'],
];

/** The kept package files of the packages `wanted` (name -> manager), the newest file per name. */
export function localPackages(wanted: Map<string, PackageManager>, dir = LOCAL_PACKAGES): LocalPackage[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const best = new Map<string, LocalPackage & { mtime: number }>();
  for (const f of names) {
    const kind = EXT.find(([re]) => re.test(f));
    if (!kind || !/^[A-Za-z0-9+._~:-]+$/.test(f)) continue;
    const file = `${dir}/${f}`;
    const name = kind[1] === 'pacman' ? f.replace(/-[^-]+-[^-]+-[^-]+$/, '') : packageInFile(file);
    if (!name || wanted.get(name) !== kind[1]) continue;
    const mtime = statSync(file).mtimeMs;
    if ((best.get(name)?.mtime ?? -1) < mtime)
      best.set(name, { manager: kind[1], name, file, contextName: f.replace(/:/g, '%3a'), mtime });
  }
  return [...best.values()].map(({ mtime: _, ...p }) => p).sort((a, b) => a.name.localeCompare(b.name));
}

/** Copy with cp -a (links stay links, modes and owners kept); a failure says which file. */
function copy(args: string[], cwd?: string): void {
  const r = spawnSync('/bin/cp', ['-a', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Failure(keepError(contextCopyFailed(r.stderr.trim() || r.error)));
}

/**
 * Write the context whole into `dir`: what `earlier` (the recipe kept
 * before) holds, the files of this keep (from the overlay's upper layer), the
 * Containerfile. A new folder beside it, then a rename: never half a context.
 */
export function writeContext(dir: string, recipe: Recipe, upperdir: string, earlier: string | null): void {
  makeDirs(dirname(dir), 0o755);
  const next = `${dir}.new-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  try {
    mkdirSync(next, { mode: 0o700 });
    if (earlier && existsSync(earlier)) copy(['--', `${earlier}/.`, `${next}/`]);
    for (const [from, to] of recipe.files) {
      if (from.startsWith('/usr/')) {
        // cp --parents keeps each folder's owner and mode, as the upper layer has them (the image's).
        const keepDir = `${next}/${to.slice(0, to.indexOf('/usr/'))}/usr`;
        makeDirs(keepDir, 0o755);
        copy(['--parents', '--', from.slice(5).replace(/\/$/, ''), `${keepDir}/`], upperdir);
      } else {
        makeDirs(dirname(`${next}/${to}`), 0o755);
        copy(['--', from, `${next}/${to}`]);
      }
    }
    writeFileAtomic(`${next}/Containerfile`, Buffer.from(recipe.containerfile), 0o644);
    rmSync(dir, { recursive: true, force: true });
    renameSync(next, dir);
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
}

/** A context copied whole to `to` (the recipe kept in /etc, or /etc's into /var for --rebase). */
export function copyContext(from: string, to: string): void {
  makeDirs(dirname(to), 0o755);
  const next = `${to}.new-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  try {
    copy(['--', from, next]);
    rmSync(to, { recursive: true, force: true });
    renameSync(next, to);
  } finally {
    rmSync(next, { recursive: true, force: true });
  }
}

/** Bytes a folder holds (du), 0 when it cannot be read. */
export function folderBytes(dir: string): number {
  const r = spawnSync('/usr/bin/du', ['-sb', '--', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return Number(r.stdout?.split('\t')[0]) || 0;
}

/** Bytes free for root's use at `dir` (or its nearest existing parent), or null. */
export function freeBytes(dir: string): number | null {
  let d = dir;
  while (!existsSync(d) && d !== '/') d = dirname(d);
  const r = spawnSync('/usr/bin/stat', ['-f', '-c', '%a %S', '--', d], { encoding: 'utf8' });
  const [blocks, size] = (r.stdout ?? '').trim().split(' ').map(Number);
  return r.status === 0 && Number.isFinite(blocks) && Number.isFinite(size) ? blocks! * size! : null;
}
