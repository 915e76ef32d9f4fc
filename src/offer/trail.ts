// The trail: refusals, offers, answers, overlays and bypasses go to the system
// log with tag "usr-guard" (the journal where there is one, through /dev/log),
// with the command that asked. Through logger(1), started and not waited for:
// Node cannot write to a datagram socket, and the trail must never slow down
// or fail a package-manager run, so every error here is swallowed.

import { spawn } from 'node:child_process';
import type { Invocation } from '../types.js';
import { childEnv, systemProgram } from './programs.js';

export async function trail(
  event: string,
  inv: Pick<Invocation, 'caller' | 'frontend' | 'commandLine'>,
  priority: 'notice' | 'warning' = 'notice',
): Promise<void> {
  const asked = inv.commandLine ? ` by '${inv.commandLine}'` : ` by ${inv.frontend}`;
  const message = `${event} (${inv.caller === 'cli' ? 'command line' : `${inv.caller} hook`}${asked})`;
  // By its path, never through the caller's PATH; no logger: no trail, and no failure.
  const logger = systemProgram('logger');
  if (logger === null) return;
  try {
    const child = spawn(logger, ['-t', 'usr-guard', '-p', `user.${priority}`, '--', message], {
      stdio: 'ignore',
      detached: true,
      env: childEnv(),
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // the trail is best effort
  }
}
