// The one mutating action: make /usr writable for this boot with the host's own
// tool. Run with no shell; its output is shown on stderr (stdout may be a protocol).

import { existsSync, writeSync } from 'node:fs';
import { type LockBinds, rebindLocks } from '../dpkg-db/lock-binds.js';
import { loadExeca } from '../lazy-execa.js';
import type { Config, Verdict } from '../types.js';
import { childEnv, systemProgram } from './programs.js';
import { warningLine } from '../messages/check.js';
import { NO_MOUNT, noOverlayTool, rebindFailed, toolFailed } from '../messages/offer.js';

export type OverlayResult = { ok: true; tool: string } | { ok: false; error: string };

/** What the offer does, and what `usr-guard overlay --read-only` does to a writable overlay. */
export type OverlayAction = NonNullable<Verdict['action']> | 'remount-ro';

/** The command to run, or why there is none. Pure but for the existence checks. */
export function overlayCommand(action: OverlayAction, config: Config, readOnly = false): [string, string[]] | string {
  if (action === 'remount-rw' || action === 'remount-ro') {
    // By its path: never a mount first on the caller's PATH.
    const mount = systemProgram('mount');
    return mount ? [mount, ['-o', action === 'remount-rw' ? 'remount,rw' : 'remount,ro', '/usr']] : NO_MOUNT;
  }
  if (existsSync(config.paths.bootc))
    return [config.paths.bootc, readOnly ? ['usr-overlay', '--read-only'] : ['usr-overlay']];
  if (existsSync(config.paths.ostree))
    return [config.paths.ostree, readOnly ? ['admin', 'unlock', '--transient'] : ['admin', 'unlock']];
  return noOverlayTool(config.paths.bootc, config.paths.ostree);
}

// An existing unlock is what we wanted; the probe afterwards confirms it.
const ALREADY = /already (in unlocked state|mounted)|An overlayfs is already mounted/i;

export async function makeUsrWritable(
  action: OverlayAction,
  config: Config,
  timeoutMs: number,
  readOnly = false,
): Promise<OverlayResult> {
  const cmd = overlayCommand(action, config, readOnly);
  if (typeof cmd === 'string') return { ok: false, error: cmd };
  const [file, args] = cmd;
  const { execa } = await loadExeca();
  const r = await execa(file, args, {
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    all: true,
    env: childEnv(),
    extendEnv: false,
  });
  const shown = (r.all ?? '').trim();
  // Shown on stderr: stdout may be a protocol (dnf5's actions).
  if (shown) writeSync(2, `${shown}\n`);
  const tool = [file, ...args].join(' ');
  if (!r.failed || ALREADY.test(shown)) {
    // The new /usr hides the boot's binds of dpkg's lock files: this run's locks hold only once they are bound again.
    // Said, never fatal: the overlay is made.
    let binds: LockBinds;
    try {
      binds = rebindLocks(timeoutMs);
    } catch (e) {
      binds = { failed: true, lines: [rebindFailed((e as Error).message)] };
    }
    if (binds.failed) writeSync(2, binds.lines.map((l) => `${warningLine(l)}\n`).join(''));
    return { ok: true, tool };
  }
  const how = r.timedOut ? { timeoutMs } : { notFound: r.code === 'ENOENT', exit: r.exitCode ?? r.signal };
  return { ok: false, error: toolFailed(tool, how) };
}
