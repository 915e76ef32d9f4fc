// `usr-guard install|uninstall [--root DIR]`: put the program and every hook
// where apt, dpkg and man look for them. Idempotent: unchanged files are not
// rewritten, and the report says so.

import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import aptConf from '../../apt-conf.d/50usr-guard?raw';
import hookShim from '../../hooks/usr-guard-hook?raw';
import dpkgCfg from '../../hooks/dpkg.cfg?raw';
import exampleConf from '../../config/usr-guard.conf?raw';
import manApt from '../../man/apt-image-based.7?raw';
import manDnf from '../../man/dnf-image-based.7?raw';
import manGuard from '../../man/usr-guard.8?raw';
import { UsageError } from '../exit-codes.js';

export interface InstallFile {
  path: string;
  mode: number;
  content: () => Buffer;
}

/** Parts by name, for --without. Each lists the files it owns. */
export function parts(programPath: string): Record<string, InstallFile[]> {
  const text = (s: string) => () => Buffer.from(s);
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
  };
}

/** Files that belong to usr-guard without being installed as such (the package renames the apt hook). */
const LEFTOVERS = ['/etc/apt/apt.conf.d/50usr-guard.disabled'];
/** Folders that are usr-guard's own, removed when empty. */
const OWN_DIRS = ['/usr/libexec/usr-guard', '/etc/usr-guard'];

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
    const content = f.content();
    let same = false;
    try {
      same = readFileSync(target).equals(content);
    } catch {
      // absent: write it
    }
    if (same) {
      chmodSync(target, f.mode); // cheap, and repairs a changed mode
      report.push(`unchanged ${target}`);
      continue;
    }
    if (dryRun) {
      report.push(`would write ${target}`);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode: f.mode });
    chmodSync(target, f.mode);
    report.push(`wrote ${target}`);
  }
  return report;
}

export function uninstall(root: string, files: InstallFile[], dryRun: boolean): string[] {
  const report: string[] = [];
  for (const path of [...files.map((f) => f.path), ...LEFTOVERS]) {
    const target = join(root, path);
    if (!existsSync(target)) continue;
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
