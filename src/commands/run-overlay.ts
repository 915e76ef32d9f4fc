// `usr-guard overlay [--read-only]`: for people and scripts, the same
// run-and-verify as the offer: make the transient overlay with the host's own
// tool, then probe again. Exit 0 when /usr is as asked (or already was), 10 when
// not: a script can rely on the state, so an overlay that is there but not as
// asked is remounted (read-write, or with --read-only read-only).

import { makeUsrWritable, type OverlayAction } from '../offer/overlay.js';
import { trail } from '../offer/trail.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { probeSystem } from '../probe/index.js';
import type { SystemState } from '../types.js';
import { commandStart } from './start.js';
import {
  overlayAlready,
  overlayFailed,
  overlayMade,
  overlayNotAsAsked,
  overlayNotImageBased,
} from '../messages/overlay-command.js';

const WHO = { caller: 'cli', frontend: 'usr-guard overlay' } as const;

/** Is /usr as asked: an overlay, writable, or read-only with --read-only? */
const done = (s: SystemState, readOnly: boolean) =>
  readOnly ? s.state === 'image-overlay-readonly' : s.state === 'image-overlay' || s.state === 'image-hotfix';

/** What makes /usr as asked from `s` (not as asked): an overlay that is there already only needs a remount. */
function actionFor(s: SystemState): OverlayAction {
  if (s.state === 'image-overlay-readonly') return 'remount-rw';
  if (s.state === 'image-overlay' || s.state === 'image-hotfix') return 'remount-ro';
  return 'usr-overlay';
}

export async function overlayCommand(
  readOnly: boolean,
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
): Promise<number> {
  const { config, state: before } = await commandStart(env, isRoot, out);
  const probe = () => probeSystem({ env, bootcPath: config.paths.bootc });
  if (!before.host.imageBased) {
    out.err([overlayNotImageBased(before.state)]);
    return EXIT.REFUSED;
  }
  if (done(before, readOnly)) {
    out.err([overlayAlready(readOnly, before.state)]);
    return EXIT.OK;
  }
  const action = actionFor(before);
  const r = await makeUsrWritable(action, config, config.overlayTimeout * 1000, readOnly);
  const after = probe();
  const cmdLine = { ...WHO, commandLine: `usr-guard overlay${readOnly ? ' --read-only' : ''}` };
  if (r.ok && done(after, readOnly)) {
    const what =
      action === 'usr-overlay'
        ? 'made a transient overlay on /usr'
        : `remounted the overlay on /usr ${readOnly ? 'read-only' : 'read-write'}`;
    await trail(`${what} with '${r.tool}' (${after.state})`, cmdLine);
    out.err([overlayMade(readOnly, after.state)]);
    return EXIT.OK;
  }
  const why = r.ok ? overlayNotAsAsked(r.tool, after.state) : r.error;
  await trail(`could not make a transient overlay on /usr: ${why}`, cmdLine, 'warning');
  out.err([overlayFailed(why)]);
  return EXIT.REFUSED;
}
