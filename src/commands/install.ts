// `usr-guard install|uninstall [--root DIR]`: put the program and every hook
// where apt, dpkg and man look for them. Idempotent: unchanged files are not
// rewritten, and the report says so.

import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmdirSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import dnfShim from '../../hooks/dnf-shim?raw';
import dnfActions from '../../dnf-plugin/usr-guard.actions?raw';
import dnfPluginConf from '../../dnf-plugin/usr_guard.conf?raw';
import dnfPlugin from '../../dnf-plugin/usr_guard.py?raw';
import aptConf from '../../apt-conf.d/50usr-guard?raw';
import hookShim from '../../hooks/usr-guard-hook?raw';
import dpkgCfg from '../../hooks/dpkg.cfg?raw';
import exampleConf from '../../config/usr-guard.conf?raw';
import manApt from '../../man/apt-image-based.7?raw';
import manDnf from '../../man/dnf-image-based.7?raw';
import manGuard from '../../man/usr-guard.8?raw';
import restoreUnit from '../../systemd/usr-guard-restore-dpkg-db.service?raw';
import { UsageError } from '../exit-codes.js';
import { cachePath, DEFAULT_CACHE_DIR } from '../boot/code-cache.js';

export interface InstallFile {
  path: string;
  mode: number;
  content: () => Buffer;
  /** A symbolic link to this target instead of a file (systemd's .wants). */
  link?: string;
}

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * Where dnf 4 looks for plugins in a root: `dnf-plugins` beside the python3 `dnf`
 * package (Debian: dist-packages, Fedora: site-packages), as root-relative
 * paths. The folder itself may not exist until a first plugin is installed.
 */
export function dnfPluginDirs(root: string): string[] {
  const found: string[] = [];
  for (const lib of ['/usr/lib', '/usr/lib64']) {
    let names: string[] = [];
    try {
      names = readdirSync(join(root, lib)).filter((n) => /^python3(\.\d+)?$/.test(n));
    } catch {
      continue;
    }
    for (const py of names) {
      for (const site of ['dist-packages', 'site-packages']) {
        const dir = `${lib}/${py}/${site}`;
        if (existsSync(join(root, dir, 'dnf'))) found.push(`${dir}/dnf-plugins`);
      }
    }
  }
  return found;
}

const DNF_NAMES = ['dnf', 'dnf5', 'yum'];
/** The shim goes to /usr/sbin, ahead of /usr/bin, unless sbin is merged into bin there (it would replace dnf). */
function sbinIsSeparate(root: string): boolean {
  try {
    return realpathSync(join(root, 'usr/sbin')) !== realpathSync(join(root, 'usr/bin'));
  } catch {
    return true; // not there yet: it will be a folder of its own
  }
}

/** Parts by name, for --without. Each lists the files it owns in this root; the dnf parts only where dnf is. */
export function parts(programPath: string, root: string): Record<string, InstallFile[]> {
  const text = (s: string) => () => Buffer.from(s);
  const hasDnf = DNF_NAMES.filter((n) => existsSync(join(root, 'usr/bin', n)));
  return {
    program: [{ path: '/usr/bin/usr-guard', mode: 0o755, content: () => readFileSync(programPath) }],
    hooks: [{ path: '/usr/libexec/usr-guard/hook', mode: 0o755, content: text(hookShim) }],
    apt: [{ path: '/etc/apt/apt.conf.d/50usr-guard', mode: 0o644, content: text(aptConf) }],
    dpkg: [{ path: '/etc/dpkg/dpkg.cfg.d/usr-guard', mode: 0o644, content: text(dpkgCfg) }],
    config: [{ path: '/etc/usr-guard/usr-guard.conf', mode: 0o644, content: text(exampleConf) }],
    man: [
      { path: '/usr/share/man/man7/apt-image-based.7', mode: 0o644, content: text(manApt) },
      { path: '/usr/share/man/man7/dnf-image-based.7', mode: 0o644, content: text(manDnf) },
      { path: '/usr/share/man/man8/usr-guard.8', mode: 0o644, content: text(manGuard) },
    ],
    'dpkg-snapshot': [
      { path: '/usr/lib/systemd/system/usr-guard-restore-dpkg-db.service', mode: 0o644, content: text(restoreUnit) },
      { path: '/usr/lib/systemd/system/sysinit.target.wants/usr-guard-restore-dpkg-db.service', mode: 0o777, content: text(''), link: '../usr-guard-restore-dpkg-db.service' },
    ],
    'dnf-plugin': [
      ...dnfPluginDirs(root).map((dir) => ({ path: `${dir}/usr_guard.py`, mode: 0o644, content: text(dnfPlugin) })),
      ...(hasDnf.length > 0 ? [{ path: '/etc/dnf/plugins/usr_guard.conf', mode: 0o644, content: text(dnfPluginConf) }] : []),
    ],
    'dnf5-actions': hasDnf.length > 0 ? [{ path: '/etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions', mode: 0o644, content: text(dnfActions) }] : [],
    'dnf-shim': sbinIsSeparate(root) ? hasDnf.map((n) => ({ path: `/usr/sbin/${n}`, mode: 0o755, content: text(dnfShim) })) : [],
  };
}

/** Every file usr-guard may have written in a root, whatever is installed there now. */
function removable(root: string): string[] {
  const shims = DNF_NAMES.map((n) => `/usr/sbin/${n}`).filter((p) => {
    // Only our shim: on a merged /usr/sbin this path is the real dnf.
    try {
      return readFileSync(join(root, p), 'utf8').includes("usr-guard's dnf shim");
    } catch {
      return false;
    }
  });
  return [
    ...Object.entries(parts('', root)).flatMap(([name, files]) => (name === 'dnf-shim' ? [] : files.map((f) => f.path))),
    ...dnfPluginDirs(root).flatMap((d) => pycache(root, d)),
    '/etc/dnf/plugins/usr_guard.conf',
    '/etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions',
    ...shims,
  ];
}

function pycache(root: string, dir: string): string[] {
  try {
    return readdirSync(join(root, dir, '__pycache__')).filter((n) => n.startsWith('usr_guard.')).map((n) => `${dir}/__pycache__/${n}`);
  } catch {
    return [];
  }
}

/** Files that belong to usr-guard without being installed as such (the package renames the apt hook; --relocate-dpkg-db; the code cache). */
const LEFTOVERS = ['/etc/apt/apt.conf.d/50usr-guard.disabled', '/usr/lib/tmpfiles.d/usr-guard-dpkg.conf', cachePath({})!];
/** Folders that are usr-guard's own, removed when empty. */
const OWN_DIRS = ['/usr/libexec/usr-guard', '/etc/usr-guard', DEFAULT_CACHE_DIR];

export function selectFiles(all: Record<string, InstallFile[]>, without: string[]): InstallFile[] {
  for (const w of without) {
    if (!(w in all)) throw new UsageError(`install: --without: unknown part "${w}" (parts: ${Object.keys(all).join(', ')})`);
  }
  return Object.entries(all).flatMap(([name, files]) => (without.includes(name) ? [] : files));
}

/** The bundle that is running: install copies itself. */
export function runningProgram(): string {
  const p = realpathSync(process.argv[1] ?? '');
  const head = readFileSync(p, 'utf8').slice(0, 64);
  if (!head.startsWith('#!/usr/bin/env node')) throw new UsageError(`install must run from the built program (dist/usr-guard), not ${p}`);
  return p;
}

export function install(root: string, files: InstallFile[], dryRun: boolean): string[] {
  const report: string[] = [];
  for (const f of files) {
    const target = join(root, f.path);
    if (f.link !== undefined) {
      report.push(installLink(target, f.link, dryRun));
      continue;
    }
    const content = f.content();
    let same = false;
    try {
      same = readFileSync(target).equals(content);
    } catch {
      // absent: write it
    }
    if (same && (statSync(target).mode & 0o7777) === f.mode) {
      report.push(`unchanged ${target}`);
      continue;
    }
    if (dryRun) {
      report.push(`would ${same ? 'chmod' : 'write'} ${target}`);
      continue;
    }
    writeOrSay(target, () => {
      mkdirSync(dirname(target), { recursive: true });
      if (!same) writeFileSync(target, content, { mode: f.mode });
      chmodSync(target, f.mode);
    });
    report.push(`${same ? 'chmod' : 'wrote'} ${target}`);
  }
  return report;
}

/** A root that cannot be written (a read-only /usr) is the user's to fix: say so plainly. */
function writeOrSay(target: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') throw new UsageError(`install: cannot write ${target}: ${(e as Error).message.split(':')[1]?.trim() ?? code}`);
    throw e;
  }
}

function installLink(target: string, to: string, dryRun: boolean): string {
  let current: string | null = null;
  try {
    current = readlinkSync(target);
  } catch {
    // absent (or not a link): make it
  }
  if (current === to) return `unchanged ${target} -> ${to}`;
  if (dryRun) return `would link ${target} -> ${to}`;
  writeOrSay(target, () => {
    mkdirSync(dirname(target), { recursive: true });
    rmSync(target, { force: true });
    symlinkSync(to, target);
  });
  return `linked ${target} -> ${to}`;
}

export function uninstall(root: string, dryRun: boolean): string[] {
  const report: string[] = [];
  for (const path of [...new Set([...removable(root), ...LEFTOVERS])]) {
    const target = join(root, path);
    if (!exists(target)) continue;
    if (!dryRun) unlinkSync(target);
    report.push(`${dryRun ? 'would remove' : 'removed'} ${target}`);
  }
  for (const dir of OWN_DIRS) {
    const target = join(root, dir);
    if (existsSync(target) && readdirSync(target).length === 0) {
      if (!dryRun) rmdirSync(target);
      report.push(`${dryRun ? 'would remove' : 'removed'} ${target}/`);
    }
  }
  return report;
}
