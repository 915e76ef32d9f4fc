// runstate's table of who speaks, as data: caller x run facts -> speaker. The
// shim spells the same table (test/integration/who-speaks.test.ts holds the two together).
import { describe, expect, it } from 'vitest';
import { type RunFacts, roleOf, type Speaker, settle, whoSpeaks } from '../../../src/runstate/index.js';
import type { Caller } from '../../../src/types.js';
import { callersFor } from '../../../src/runstate/replay.js';

const base: Omit<RunFacts, 'caller'> = {
  usr: 'writable',
  runMarked: false,
  frontEndMarked: false,
  dnfDecided: false,
  replayHolds: false,
  roomLow: false,
  plainChange: true,
  prePrompt: null,
};

const ROWS: [string, Caller, Partial<RunFacts>, Speaker][] = [
  ['a mutable host: nobody', 'apt-json', { usr: 'mutable' }, 'quiet'],
  ['a mutable host, even a bare dpkg', 'dpkg', { usr: 'mutable' }, 'quiet'],
  ["apt's JSON hook, nothing kept: node decides", 'apt-json', {}, 'decide'],
  ["apt's JSON hook, a record that holds: Pre-Install-Pkgs says it", 'apt-json', { replayHolds: true }, 'quiet'],
  [
    "apt's JSON hook, a record that holds, the overlay's room below the floor: node checks the room",
    'apt-json',
    { replayHolds: true, roomLow: true },
    'room',
  ],
  ["apt's JSON hook, room low, after the run's hook decided", 'apt-json', { runMarked: true, roomLow: true }, 'quiet'],
  [
    'Pre-Invoke, a record that holds, room low: the JSON hook checked it',
    'apt',
    { replayHolds: true, roomLow: true },
    'quiet',
  ],
  ["apt's JSON hook after the run's hook decided", 'apt-json', { runMarked: true }, 'quiet'],
  ["apt's JSON hook, a later notification (node reads it)", 'apt-json', { prePrompt: false }, 'quiet'],
  ["apt's JSON hook on a locked host", 'apt-json', { usr: 'read-only', replayHolds: true }, 'decide'],
  ['Pre-Invoke after the JSON hook decided, locked', 'apt', { usr: 'read-only', runMarked: true }, 'quiet'],
  [
    "apt's JSON hook, a record that holds, a package file named: node keeps a copy",
    'apt-json',
    { replayHolds: true, plainChange: false },
    'decide',
  ],
  ['Pre-Install-Pkgs, a record that holds', 'apt-pkgs', { replayHolds: true }, 'replay'],
  ['Pre-Install-Pkgs, nothing kept', 'apt-pkgs', {}, 'decide'],
  ['Pre-Install-Pkgs after the run decided, writable', 'apt-pkgs', { runMarked: true }, 'quiet'],
  ['Pre-Install-Pkgs after the run decided, locked', 'apt-pkgs', { usr: 'read-only', runMarked: true }, 'backstop'],
  ['dpkg under a front end whose run is marked', 'dpkg', { frontEndMarked: true }, 'quiet'],
  [
    'dpkg under a front end whose run is marked, locked',
    'dpkg',
    { usr: 'read-only', frontEndMarked: true },
    'backstop',
  ],
  [
    'dpkg with no mark of a front end (gdebi, --status-fd): a record that holds',
    'dpkg',
    { replayHolds: true },
    'replay',
  ],
  [
    'a bare dpkg -i, a record that holds, room low: node checks the room',
    'dpkg',
    { replayHolds: true, roomLow: true },
    'room',
  ],
  ['dpkg under a marked front end, room low', 'dpkg', { frontEndMarked: true, roomLow: true }, 'quiet'],
  ['dpkg --no-act, a record that holds: node', 'dpkg', { replayHolds: true, plainChange: false }, 'decide'],
  ['dpkg on a locked host', 'dpkg', { usr: 'read-only' }, 'decide'],
  ['dnf 4 plugin after the dnf shim decided', 'dnf', { dnfDecided: true }, 'quiet'],
  ['dnf 4 plugin, a record that holds', 'dnf', { replayHolds: true }, 'replay'],
  ["dnf5's action, a record that holds: node (no replay of dnf5 yet)", 'dnf5', { replayHolds: true }, 'decide'],
  ['dnf5 after the shim decided, locked', 'dnf5', { usr: 'read-only', dnfDecided: true }, 'backstop'],
  [
    "pacman's hook, a record that holds for pacman: its run's only hook says it",
    'pacman',
    { replayHolds: true },
    'replay',
  ],
  [
    'pacman, a record that holds, room low: pacman checks its own room',
    'pacman',
    { replayHolds: true, roomLow: true },
    'replay',
  ],
  [
    'pacman --root, --sysroot or --dbonly, a record that holds: node',
    'pacman',
    { replayHolds: true, plainChange: false },
    'decide',
  ],
  ['pacman, no record for it', 'pacman', {}, 'decide'],
  ['pacman on a locked host', 'pacman', { usr: 'read-only' }, 'decide'],
  ['cli', 'cli', {}, 'decide'],
];

describe('whoSpeaks', () => {
  it.each(ROWS)('%s', (_what, caller, over, speaker) => {
    expect(whoSpeaks({ ...base, caller, ...over })).toBe(speaker);
  });

  it("node's role: a replay that reached node decides, as a room check does; a quiet hook backs up", () => {
    expect((['decide', 'replay', 'room', 'backstop', 'quiet'] as Speaker[]).map(roleOf)).toEqual([
      'decide',
      'decide',
      'decide',
      'backstop',
      'backstop',
    ]);
  });
});

describe('callersFor: a record holds for a package manager only once its database is saved', () => {
  it.each([
    [{ dpkg: true, pacman: true }, 'apt-json apt apt-pkgs dpkg dnf pacman'],
    [{ dpkg: false, pacman: true }, 'dnf pacman'],
    [{ dpkg: true, pacman: false }, 'apt-json apt apt-pkgs dpkg dnf'],
    [{ dpkg: false, pacman: false }, 'dnf'],
  ])('%o: %s', (kept, callers) => {
    expect(callersFor(kept).join(' ')).toBe(callers);
  });
});

describe('settle', () => {
  const asked = {
    caller: 'apt' as Caller,
    manager: 'apt' as const,
    frontend: 'apt-get',
    changes: true,
    root: '/',
    interactive: false,
    packages: ['htop'],
    operation: 'install' as const,
  };
  // A pid that is no process: no run to find, no mark.
  const NO_PID = 2 ** 22 + 1;

  it("root's Pre-Invoke with no mark decides", () => {
    const inv = settle(asked, { jsonHooked: true }, 'read-only', {}, NO_PID, 0);
    expect([inv.role, inv.said, inv.runKey]).toEqual(['decide', null, null]);
  });

  it("another user's Pre-Invoke under apt-get install takes it that the JSON hook spoke (one refusal)", () => {
    const inv = settle(asked, { jsonHooked: true }, 'read-only', {}, NO_PID, 1000);
    expect([inv.role, inv.said]).toEqual(['backstop', 'refuse']);
  });

  it("another user's Pre-Invoke for build-dep (no JSON hook) decides", () => {
    const inv = settle(asked, { jsonHooked: false }, 'read-only', {}, NO_PID, 1000);
    expect([inv.role, inv.said]).toEqual(['decide', null]);
  });

  it('the shell handed the room to node (USR_GUARD_ROOM_ONLY): a JSON hook checks only the room', () => {
    const json = { ...asked, caller: 'apt-json' as Caller };
    const inv = settle(json, { prePrompt: true }, 'writable', { USR_GUARD_ROOM_ONLY: 'warn' }, NO_PID, 0);
    expect([inv.role, inv.roomOnly]).toEqual(['decide', true]);
    // A later notification of the run, or no handover: no room-only check.
    expect(settle(json, { prePrompt: false }, 'writable', { USR_GUARD_ROOM_ONLY: 'warn' }, NO_PID, 0).roomOnly).toBe(
      undefined,
    );
    expect(settle(json, { prePrompt: true }, 'writable', { USR_GUARD_ROOM_ONLY: '' }, NO_PID, 0).roomOnly).toBe(
      undefined,
    );
  });

  it('dnf backs up the shim that decided', () => {
    const inv = settle(
      { ...asked, caller: 'dnf', manager: 'dnf' },
      {},
      'read-only',
      { USR_GUARD_DECIDED: '1' },
      NO_PID,
    );
    expect(inv.role).toBe('backstop');
  });
});
