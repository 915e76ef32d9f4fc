// What the hook that decided said to a package-manager run, kept for the
// other hooks of the same run: apt's JSON hook decides on the transaction,
// and APT::Install::Pre-Invoke, the backstops and aptitude's recovery run of
// dpkg are the same run, which hears one message. A run is the process that
// runs the hooks (apt, aptitude, python-apt's python, dpkg), named by its
// pid and start time (a pid alone can come back within a boot).
//
// One small file per run in /run/usr-guard/runs (a boot starts without it),
// root's, written whole. The hook shim tests only whether the file is there
// (hooks/usr-guard-hook, usr_guard_marked), and writes one where it replayed
// for apt's run; node reads what it says. Who speaks: ./index.ts.

import { lstatSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { makeDirs, writeFileAtomic } from '../fs/atomic-write.js';
import { rootOnly } from '../trust.js';
import type { VerdictKind } from '../types.js';
import { parentOf } from '../invocation/proc.js';

export const RUNS_DIR = '/run/usr-guard/runs';
const SHELLS = new Set(['sh', 'dash', 'bash']);

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** A process's start time in clock ticks after boot (field 22 of /proc/PID/stat), or null. */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const t = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return t !== undefined && /^\d+$/.test(t) ? t : null;
  } catch {
    return null;
  }
}

/**
 * The process that runs the hook lines: past the shells between it and us
 * (apt's `sh -c`, a script's), at most three of them, and past
 * a fork of it (apt runs APT::Install::Pre-Invoke in a child of its own).
 */
export function hookRunner(ppid: number): number {
  let pid = ppid;
  for (let i = 0; i < 3 && SHELLS.has(comm(pid)); i++) pid = parentOf(pid) ?? pid;
  const parent = parentOf(pid);
  return parent !== null && parent > 1 && comm(parent) === comm(pid) ? parent : pid;
}

/** The run's name: pid and start time, as the shim spells it. */
export function runKey(pid: number): string | null {
  const t = startTime(pid);
  return t === null ? null : `${pid}-${t}`;
}

const VERDICTS = new Set<string>(['proceed', 'warn', 'refuse']);

/** What a hook of this run decided before, or null: only from a file that root alone could have written. */
export function readRun(key: string | null): VerdictKind | null {
  if (key === null) return null;
  try {
    const path = `${RUNS_DIR}/${key}`;
    if (!rootOnly(lstatSync(path)) || !rootOnly(lstatSync(RUNS_DIR))) return null;
    const word = readFileSync(path, 'utf8').trim();
    return VERDICTS.has(word) ? (word as VerdictKind) : null;
  } catch {
    return null;
  }
}

/** Runs whose process is gone (or whose pid is another process's now). */
function pruneGone(): void {
  for (const name of readdirSync(RUNS_DIR)) {
    const m = /^(\d+)-(\d+)$/.exec(name);
    if (m && startTime(Number(m[1])) === m[2]) continue;
    try {
      unlinkSync(`${RUNS_DIR}/${name}`);
    } catch {
      // gone already
    }
  }
}

/** Keep what this run was told. Root only (nobody else changes packages); never fatal. */
export function recordRun(key: string | null, verdict: VerdictKind): void {
  if (key === null || process.getuid?.() !== 0) return;
  try {
    makeDirs(RUNS_DIR, 0o755);
    pruneGone();
    writeFileAtomic(`${RUNS_DIR}/${key}`, Buffer.from(`${verdict}\n`), 0o644);
  } catch {
    // A full or read-only /run: the next hook of the run decides again, and may say it twice.
  }
}
