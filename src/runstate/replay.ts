// What node said to a change on this host, kept for the later runs of the
// boot: while nothing it depended on changes, the hook shim says it again in
// the shell, in one line, without node (hooks/usr-guard-hook, replay). The
// shell computes the key of those inputs and hands it over in
// USR_GUARD_REPLAY_KEY; node only keeps it beside its verdict, in a folder
// that only root can write (the shell checks who owns the record and folder). Only where
// /usr is writable (a transient or hotfix overlay), only "proceed" and "warn",
// and only once what the first change needs (dpkg's snapshot, diff's
// baseline) has been kept: else the next run asks node again.
// Its lines: the key, the verdict, the line to say, the room floor in KiB
// (check/room.ts ROOM_FLOOR_KIB; 0: the shell never checks the room), and the
// callers it holds for (callersFor: apt's and dpkg's only once dpkg's
// database is saved for this boot, pacman's once pacman's is: each is saved
// at its own package manager's first change).

import { lstatSync } from 'node:fs';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { rootOnly } from '../trust.js';
import { runDir } from '../diff/run-dir.js';
import { replayLine } from '../messages/overlay.js';
import { TRANSIENT } from '../check/decide.js';
import { ROOM_FLOOR_KIB } from '../check/room.js';
import type { Caller, Invocation, SystemState, Verdict } from '../types.js';

export const REPLAY_FILE = '/run/usr-guard/replay';

/** Callers whose later runs of a boot the shell replays (apt's first two hooks leave it to Pre-Install-Pkgs). */
export const REPLAYED_CALLERS: ReadonlySet<Caller> = new Set(['apt-json', 'apt', 'apt-pkgs', 'dpkg', 'dnf', 'pacman']);

/** May this verdict be said again by the shell? Pure. */
export function replayable(s: SystemState, inv: Invocation, v: Verdict): boolean {
  return (
    TRANSIENT.has(s.state) &&
    REPLAYED_CALLERS.has(inv.caller) &&
    inv.changes &&
    inv.root === '/' &&
    (v.verdict === 'warn' || v.verdict === 'proceed')
  );
}

/** Which databases are saved for this boot, or need no saving (check/index.ts keepDpkgTrue, pacman-db/keep.ts). */
export interface Kept {
  dpkg: boolean;
  pacman: boolean;
}

/** The callers a record holds for: a package manager's only once its database is saved for this boot. Pure. */
export const callersFor = (kept: Kept): Caller[] =>
  [...REPLAYED_CALLERS].filter((c) => (c === 'pacman' ? kept.pacman : c === 'dnf' || kept.dpkg));

/** Keep it (root only; never fatal: without the record the next run asks node again). */
export function keepReplay(key: string | undefined, s: SystemState, inv: Invocation, v: Verdict, kept: Kept): void {
  if (!key || process.getuid?.() !== 0 || !replayable(s, inv, v)) return;
  try {
    // The shell checks only who owns it: nobody but root may write the folder either.
    if (!rootOnly(lstatSync(runDir()))) return;
    // The room is checked where the verdict is a warning (check/index.ts), in the shell's later runs as in node.
    const floor = v.verdict === 'warn' ? ROOM_FLOOR_KIB : 0;
    writeFileAtomic(
      REPLAY_FILE,
      Buffer.from(`${key}\n${v.verdict}\n${replayLine(s)}\n${floor}\n${callersFor(kept).join(' ')}\n`),
      0o644,
    );
  } catch {
    // a full /run: node decides again next time
  }
}
