// The offer: ask (unless mode = overlay), make /usr writable with the host's
// own tool, and let the package manager go on only when a new probe agrees.
// Every step leaves a line in the trail.

import { base } from '../invocation/proc.js';
import { freeBytesOf } from '../check/room.js';
import { roomOf, withRoom } from '../check/room-probe.js';
import { overlayWarningLines } from '../messages/index.js';
import { overlayRoomLine } from '../messages/room.js';
import { offerQuestion, ranButReadOnly, triedLine } from '../messages/offer.js';
import { probeSystem } from '../probe/index.js';
import type { Config, Invocation, SystemState, Verdict } from '../types.js';
import { makeUsrWritable, overlayCommand } from './overlay.js';
import { askYesNo } from './prompt.js';
import { trail } from './trail.js';

/** On success, `state` is the probe after the overlay was made. */
export type OfferResult =
  | { ok: true; message: string[]; state: SystemState }
  | { ok: false; message: string[]; declined?: boolean };

function question(v: Verdict, config: Config, host: string): string {
  const cmd = overlayCommand(v.action!, config);
  const runs = typeof cmd === 'string' ? null : [base(cmd[0]), ...cmd[1]].join(' ');
  return offerQuestion(v.action === 'remount-rw', host, runs);
}

export async function offer(
  v: Verdict,
  inv: Invocation,
  config: Config,
  env: NodeJS.ProcessEnv,
  host: string,
): Promise<OfferResult> {
  if (v.ask) {
    await trail(`offered a transient overlay on /usr`, inv);
    const answer = await askYesNo(question(v, config, host), config.promptTimeout * 1000);
    await trail(`answer to the overlay offer: ${answer}`, inv);
    if (answer !== 'yes') return { ok: false, message: v.message, declined: true };
  }
  const r = await makeUsrWritable(v.action!, config, config.overlayTimeout * 1000);
  const after = probeSystem({ env, bootcPath: config.paths.bootc });
  if (r.ok && after.usr && !after.usr.readOnly) {
    await trail(`made /usr writable with '${r.tool}' (${after.state})`, inv);
    // Its room (issue 29): a change that needs more is stopped before it starts (check/room-probe.ts).
    const fits = inv.transaction ? withRoom({ verdict: 'warn', message: [] }, after, inv, config.mode) : null;
    if (fits?.verdict === 'refuse') return { ok: false, message: fits.message };
    const room = roomOf();
    const roomLine = room === null ? [] : [overlayRoomLine(freeBytesOf(room))];
    return { ok: true, message: [...overlayWarningLines(after, inv), ...roomLine], state: after };
  }
  const why = r.ok ? ranButReadOnly(r.tool) : r.error;
  await trail(`could not make /usr writable: ${why}`, inv, 'warning');
  return { ok: false, message: [...v.message, triedLine(why)] };
}
