// Who speaks in a package-manager run: the one table, for node and the hook
// shim alike. This folder owns /run/usr-guard: the run marks (run-record.ts:
// one file per run whose hook decided, named by the run's pid and start time),
// the replay record (replay.ts: what node said to a change this boot, with the
// key of what it depended on). The shim (hooks/usr-guard-hook, usr_guard_main)
// spells the same table in `case` arms, as lookups of those records; the
// conformance test (test/integration/who-speaks.test.ts) runs both on the same
// rows and derives what it expects from whoSpeaks below.
//
// A run hears one message. For each hook:
// - decide:   node judges, and speaks (warns, offers, refuses);
// - backstop: node judges, and only refuses (a hook of the run spoke already);
// - replay:   the shell says node's record again, in one line (or in silence);
// - room:     the record holds, but the overlay is getting full (issue 29): node checks
//             only the room, and says the record's line where the change fits;
// - quiet:    nothing to say: go on without node.

import type { Caller, Invocation, VerdictKind } from '../types.js';
import { argvOf, parentOf } from '../invocation/proc.js';
import { hookRunner, readRun, runKey } from './run-record.js';
import { unkeptFiles } from '../diff/store-path.js';

export type Speaker = 'decide' | 'backstop' | 'replay' | 'room' | 'quiet';

/** What a hook knows of its run when it starts (the shell and node read the same files). */
export interface RunFacts {
  caller: Caller;
  /** 'mutable': not image-based and /usr writable (the shim's fast path); 'writable': an image host's overlay. */
  usr: 'mutable' | 'writable' | 'read-only';
  /** A hook of this run decided in node, or the shell replayed for it: the run's mark is there. */
  runMarked: boolean;
  /** dpkg: a front end runs it (apt, aptitude, python-apt) and that run's mark is there. */
  frontEndMarked: boolean;
  /** dnf: the dnf shim decided before it started dnf (USR_GUARD_DECIDED=1). */
  dnfDecided: boolean;
  /** The replay record is root's, its key is this run's, and it holds for this caller (pacman: once its database is saved). */
  replayHolds: boolean;
  /**
   * The record's room floor (check/room.ts ROOM_FLOOR_KIB) is above the overlay's free room: read
   * (one `stat -f`) only where the record holds at apt's JSON hook and at dpkg's -i or --unpack.
   */
  roomLow: boolean;
  /**
   * A change of this root, as the shell can tell (apt: no package file named that the store has no copy of
   * (diff/store-path.ts); dpkg: no such package file, dry run,
   * DPKG_ROOT or architecture; dnf: --installroot=/; pacman: libalpm's process is pacman, not chrooted, with no
   * --root, --sysroot or --dbonly).
   */
  plainChange: boolean;
  /** apt's JSON hook: the notification is install.pre-prompt (null: the shell cannot tell, it reads no socket). */
  prePrompt: boolean | null;
}

/** Who speaks for this hook. Pure: the spec of the shim's main block. */
export function whoSpeaks(f: RunFacts): Speaker {
  if (f.usr === 'mutable') return 'quiet';
  const writable = f.usr === 'writable';
  // Where /usr is writable a backstop has nothing to refuse: it says nothing.
  const backstop: Speaker = writable ? 'quiet' : 'backstop';
  switch (f.caller) {
    case 'apt-json':
    case 'apt':
      // apt's first hooks: a run whose hook decided has heard it. A record that holds is said by
      // Pre-Install-Pkgs, which runs only when dpkg is about to (a run that changes nothing hears nothing).
      if (f.runMarked || f.prePrompt === false) return 'quiet';
      // The JSON hook, before the download, hands the room to node where the overlay is getting full.
      // A run that names a package file the store has no copy of is node's: it keeps one for diff and keep.
      if (writable && f.replayHolds && f.plainChange) return f.roomLow && f.caller === 'apt-json' ? 'room' : 'quiet';
      return 'decide';
    case 'apt-pkgs':
      if (f.runMarked) return backstop;
      return writable && f.replayHolds ? 'replay' : 'decide';
    case 'dpkg':
      // Part of a front end's run only where that run's mark says a hook of it decided:
      // --status-fd and DPKG_FRONTEND_LOCKED alone say nothing (python-apt's dpkg -i FILE).
      if (f.frontEndMarked) return backstop;
      if (writable && f.replayHolds && f.plainChange) return f.roomLow ? 'room' : 'replay';
      return 'decide';
    case 'dnf':
    case 'dnf5':
    case 'dnf-shim':
      if (f.dnfDecided) return backstop;
      return writable && f.caller === 'dnf' && f.replayHolds && f.plainChange ? 'replay' : 'decide';
    case 'pacman':
      // Its run's only hook, in the transaction (after the download): no room to check (pacman checks its own).
      return writable && f.replayHolds && f.plainChange ? 'replay' : 'decide';
    default:
      // cli asks by hand.
      return 'decide';
  }
}

/** The hook's part in node: a replay that reached node (its record no longer holds) decides, as a room check does; a quiet hook backs up. */
export const roleOf = (s: Speaker): Invocation['role'] =>
  s === 'decide' || s === 'replay' || s === 'room' ? 'decide' : 'backstop';

/** What the builders of an invocation leave to this module. */
export type Asked = Omit<Invocation, 'role' | 'said' | 'runKey' | 'roomOnly'>;

/** What a builder knows of its hook that the table needs. */
export interface HookFacts {
  prePrompt?: boolean;
  /** The command apt and apt-get run their JSON hook for (install, remove, upgrade …): Pre-Invoke is not the first to hear. */
  jsonHooked?: boolean;
}

/**
 * The run a hook is part of, and what its mark says: for apt's hooks the
 * process that runs the hook lines; for dpkg, the front end that runs it where
 * that run's mark is there, else dpkg itself. dnf's hooks tell each other by USR_GUARD_DECIDED.
 */
function runOf(caller: Caller, ppid: number): { key: string | null; frontEnd: boolean } {
  if (!caller.startsWith('apt') && caller !== 'dpkg') return { key: null, frontEnd: false };
  const runner = hookRunner(ppid);
  if (caller !== 'dpkg') return { key: runKey(runner), frontEnd: false };
  const parent = hookRunner(parentOf(runner) ?? runner);
  const theirs = parent !== runner && argvOf(parent) !== null ? runKey(parent) : null;
  if (theirs !== null && readRun(theirs) !== null) return { key: theirs, frontEnd: true };
  return { key: runKey(runner), frontEnd: false };
}

/**
 * Set `role`, `runKey`, `said` and `roomOnly` (here only): who speaks, by the table, from the run's mark.
 * A run that is not root's keeps no mark (only root writes /run/usr-guard): apt and apt-get's
 * Pre-Invoke then takes it that the JSON hook before it said the same (issue 28: one refusal).
 */
export function settle(
  asked: Asked,
  hook: HookFacts,
  usr: RunFacts['usr'],
  env: NodeJS.ProcessEnv,
  ppid: number,
  uid = process.getuid?.() ?? 0,
): Invocation {
  const run = asked.caller === 'cli' ? { key: null, frontEnd: false } : runOf(asked.caller, ppid);
  let said: VerdictKind | null = readRun(run.key);
  // The shell found the record holding and the room low (USR_GUARD_ROOM_ONLY=VERDICT); else node is asked where no record held.
  const room = env.USR_GUARD_ROOM_ONLY === 'warn' || env.USR_GUARD_ROOM_ONLY === 'proceed';
  const speaker = whoSpeaks({
    caller: asked.caller,
    usr,
    runMarked: said !== null && !run.frontEnd,
    frontEndMarked: run.frontEnd,
    dnfDecided: env.USR_GUARD_DECIDED === '1',
    replayHolds: room,
    roomLow: room,
    // (pacman's: pacman's own run, as the shim tells it; another libalpm client is node's.)
    plainChange:
      asked.changes &&
      asked.root === '/' &&
      unkeptFiles(asked.localFiles ?? []).length === 0 &&
      (asked.caller !== 'pacman' || asked.frontend === 'pacman'),
    prePrompt: hook.prePrompt ?? null,
  });
  let role = roleOf(speaker);
  if (uid !== 0 && asked.caller === 'apt' && hook.jsonHooked && said === null) {
    role = 'backstop';
    said = 'refuse';
  }
  return {
    ...asked,
    role,
    runKey: run.key,
    said,
    ...(speaker === 'room' && role === 'decide' ? { roomOnly: true } : {}),
  };
}
