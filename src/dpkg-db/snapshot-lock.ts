// One snapshot at a time: a flock(2) on SNAPSHOT_LOCK while a snapshot of
// dpkg's database is taken or put back. Node has no flock, so util-linux's
// flock(1) takes it on our open file (handed to it as fd 3): the lock belongs
// to that open file, so it stays ours when flock exits, and the kernel drops
// it when we close it or die (a killed run leaves no stale lock).

import { spawnSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { systemTool } from '../fs/trees.js';
import { SNAPSHOT_LOCK } from './paths.js';

/** How long a second taker waits for the first: a copy of a large database takes a second or two. */
const WAIT_SECONDS = 60;

export interface Held {
  /** 'free': taken at once; 'waited': after another run let go; 'no-flock': no flock(1) here, so unlocked. */
  how: 'free' | 'waited' | 'no-flock';
  release(): void;
}

/** Take the lock; `waiting` is told before a wait. null when another run held it for `seconds`. */
export function lockSnapshots(waiting: () => void, seconds = WAIT_SECONDS): Held | null {
  const fd = openSync(SNAPSHOT_LOCK, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  const release = () => closeSync(fd);
  const flock = systemTool('flock');
  if (flock === null) return { how: 'no-flock', release };
  const run = (args: string[]) =>
    spawnSync(flock, [...args, '3'], { stdio: ['ignore', 'ignore', 'ignore', fd] }).status;
  if (run(['-n']) === 0) return { how: 'free', release };
  waiting();
  if (run(['-w', String(seconds)]) === 0) return { how: 'waited', release };
  release();
  return null;
}
