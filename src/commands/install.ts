// `usr-guard install|uninstall [--root DIR]`: put the program and every hook
// where apt, dpkg and man look for them, or take them away. Idempotent:
// unchanged files are not rewritten, and the report says so. Every file is
// written whole or not at all, and only inside the root (src/fs/).

import {
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { TRAILER } from '../boot/sections.js';
import { DB, KEPT_PREFIX, SNAPSHOT, SYSIMAGE_DB } from '../dpkg-db/paths.js';
import { commandUsage, Failure, UsageError } from '../exit-codes.js';
import { makeDirs, symlinkAtomic, writeError, writeFileAtomic } from '../fs/atomic-write.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';
import { PACMAN_SNAPSHOT } from '../pacman-db/paths.js';
import { dnfPluginDirs, DNF_NAMES, isOurShim, PACMAN_FILES, parts, type InstallFile } from './install-parts.js';
import {
  dbStaysInImage,
  earlierImageDbKept,
  linkedLine,
  notBuiltProgram,
  onImageFailure,
  programCutShort,
  removedLine,
  rootNotFolder,
  snapshotWaits,
  unchangedLine,
  unknownPart,
  wroteLine,
} from '../messages/install.js';

/**
 * Files that belong to usr-guard without being installed as such: the apt hook
 * the package renames on removal, --relocate-dpkg-db's tmpfiles.d entry, and
 * the code cache that usr-guard 0.1 kept in /var/cache.
 */
const LEFTOVERS = ['/etc/apt/apt.conf.d/50usr-guard.disabled', '/var/cache/usr-guard/check.v8'];
/** What the move of dpkg's database into the image wrote: it stays while the database does. */
const WITH_MOVED_DB = ['/usr/lib/tmpfiles.d/usr-guard-dpkg.conf', '/etc/apt/apt.conf.d/40usr-guard-dpkg-db'];
/** Folders that are usr-guard's own, removed when empty. */
const OWN_DIRS = ['/usr/libexec/usr-guard', '/etc/usr-guard', '/var/cache/usr-guard'];

/** The root as a real folder that exists: a typo in an image build must not grow a new tree. */
export function existingRoot(command: string, root: string): string {
  try {
    const real = realpathSync(root);
    if (statSync(real).isDirectory()) return real;
  } catch {
    // said below
  }
  throw commandUsage(command, rootNotFolder(root));
}

export function selectFiles(all: Record<string, InstallFile[]>, without: string[]): InstallFile[] {
  for (const w of without) {
    if (!Object.hasOwn(all, w)) throw commandUsage('install', unknownPart(w, Object.keys(all)));
  }
  return Object.entries(all).flatMap(([name, files]) => (without.includes(name) ? [] : files));
}

/** The bundle that is running: install copies itself, and only a whole one. */
export function runningProgram(): string {
  const p = realpathSync(process.argv[1] ?? '');
  const text = readFileSync(p, 'latin1');
  if (!text.startsWith('#!/usr/bin/env node')) throw new UsageError(notBuiltProgram(p));
  if (!text.endsWith(TRAILER)) throw new Failure(programCutShort(p));
  return p;
}

/** A write that fails on / because / is an image: say what to do instead. */
function onImage(root: string, e: unknown): unknown {
  return root === '/' && e instanceof Failure && e.message.endsWith('read-only file system')
    ? new Failure(onImageFailure(e.message))
    : e;
}

export function install(root: string, files: InstallFile[], dryRun: boolean): string[] {
  const report: string[] = [];
  for (const f of files) {
    const target = resolveInRoot(root, f.path, false);
    try {
      report.push(f.link !== undefined ? installLink(target, f.link, dryRun) : installFile(target, f, dryRun));
    } catch (e) {
      throw onImage(root, e);
    }
  }
  return report;
}

function installFile(target: string, f: InstallFile, dryRun: boolean): string {
  const content = f.content();
  let same = false;
  try {
    same = lstatSync(target).isFile() && readFileSync(target).equals(content);
  } catch {
    // absent: write it
  }
  if (same && (statSync(target).mode & 0o7777) === f.mode) return unchangedLine(target);
  if (dryRun) return wroteLine(target, true);
  makeDirs(dirname(target));
  writeFileAtomic(target, content, f.mode);
  return wroteLine(target, false);
}

function installLink(target: string, to: string, dryRun: boolean): string {
  let current: string | null = null;
  try {
    current = readlinkSync(target);
  } catch {
    // absent (or not a link): make it
  }
  if (current === to) return unchangedLine(target, to);
  if (dryRun) return linkedLine(target, to, true);
  makeDirs(dirname(target));
  symlinkAtomic(to, target);
  return linkedLine(target, to, false);
}

/** Every file usr-guard may have written in a root, whatever is installed there now. */
function removable(root: string): string[] {
  const shims = DNF_NAMES.map((n) => `/usr/sbin/${n}`).filter((p) => isOurShim(resolveInRoot(root, p)));
  return [
    ...Object.entries(parts('', root)).flatMap(([name, files]) =>
      name === 'dnf-shim' ? [] : files.map((f) => f.path),
    ),
    ...dnfPluginDirs(root).flatMap((d) => pycache(root, d)),
    '/etc/dnf/plugins/usr_guard.conf',
    '/etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions',
    ...shims,
    ...PACMAN_FILES,
    ...LEFTOVERS,
    ...(dbInImage(root) ? [] : WITH_MOVED_DB),
  ];
}

/** Is dpkg's database of `root` in its image (/var/lib/dpkg a link to /usr/lib/sysimage/dpkg)? */
function dbInImage(root: string): boolean {
  return (
    lstatSync(resolveInRoot(root, DB, false), { throwIfNoEntry: false })?.isSymbolicLink() === true &&
    resolveInRoot(root, DB) === resolveInRoot(root, SYSIMAGE_DB)
  );
}

/** uninstall never moves dpkg's database back: say where it stays, and what stays with it. */
function movedDb(root: string): string[] {
  if (!dbInImage(root)) return [];
  return [dbStaysInImage(resolveInRoot(root, SYSIMAGE_DB), resolveInRoot(root, DB, false), WITH_MOVED_DB)];
}

/**
 * usr-guard's state in /var/lib: removed, unless a snapshot of dpkg's (or
 * pacman's) database waits there to be put back at the next boot (by the image's usr-guard).
 */
function stateFolder(root: string, dryRun: boolean): string[] {
  const dir = resolveInRoot(root, dirname(SNAPSHOT), false);
  if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  for (const [snapshot, whose] of [
    [SNAPSHOT, 'dpkg'],
    [PACMAN_SNAPSHOT, 'pacman'],
  ] as const) {
    if (lstatSync(resolveInRoot(root, snapshot, false), { throwIfNoEntry: false })) {
      return [snapshotWaits(dir, whose)];
    }
  }
  if (readdirSync(dir).some((n) => n.startsWith(KEPT_PREFIX))) return [earlierImageDbKept(dir, KEPT_PREFIX)];
  if (!dryRun) rmSync(dir, { recursive: true, force: true });
  return [removedLine(`${dir}/`, dryRun)];
}

function pycache(root: string, dir: string): string[] {
  try {
    return readdirSync(resolveInRoot(root, `${dir}/__pycache__`))
      .filter((n) => n.startsWith('usr_guard.'))
      .map((n) => `${dir}/__pycache__/${n}`);
  } catch {
    return [];
  }
}

export function uninstall(root: string, dryRun: boolean): string[] {
  const report: string[] = [];
  for (const path of new Set(removable(root))) {
    // The file itself, even when it is a link: never what a link points to.
    const target = resolveInRoot(root, path, false);
    if (lstatSync(target, { throwIfNoEntry: false }) === undefined) continue;
    if (!dryRun) {
      try {
        unlinkSync(target);
      } catch (e) {
        throw onImage(root, writeError('remove', target, e));
      }
    }
    report.push(removedLine(target, dryRun));
  }
  report.push(...stateFolder(root, dryRun), ...movedDb(root));
  for (const dir of OWN_DIRS) {
    const target = resolveInRoot(root, dir, false);
    const st = lstatSync(target, { throwIfNoEntry: false });
    if (st?.isDirectory() && readdirSync(target).length === 0) {
      if (!dryRun) rmdirSync(target);
      report.push(removedLine(`${target}/`, dryRun));
    }
  }
  return report;
}
