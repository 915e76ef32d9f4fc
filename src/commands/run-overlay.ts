// `usr-guard overlay [--read-only]`: for people and scripts, the same
// run-and-verify as the offer: make the transient overlay with the host's own
// tool, then probe again. Exit 0 when /usr is as asked (or already was), 10 when not.

import { makeUsrWritable } from '../act/overlay.js';
import { trail } from '../act/trail.js';
import { loadConfig } from '../config.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { probeSystem } from '../probe/index.js';
import type { SystemState } from '../types.js';

const WHO = { caller: 'cli', frontend: 'usr-guard overlay' } as const;

/** Is /usr as asked: an overlay, writable unless --read-only? */
const done = (s: SystemState, readOnly: boolean) =>
  readOnly ? s.state === 'image-overlay-readonly' || s.state === 'image-overlay' : s.state === 'image-overlay' || s.state === 'image-hotfix';

export async function overlayCommand(readOnly: boolean, env: NodeJS.ProcessEnv, isRoot: boolean, out: Out): Promise<number> {
  const { config, warnings } = await loadConfig(env, isRoot);
  out.err(warnings.map((w) => `usr-guard: warning: ${w}`));
  const probe = () => probeSystem({ env, bootcPath: config.paths.bootc });
  const before = probe();
  if (!before.host.imageBased) {
    out.err([`usr-guard: overlay: this host is not image-based (state ${before.state}): there is no image overlay to make.`]);
    return EXIT.REFUSED;
  }
  if (done(before, readOnly)) {
    out.err([`usr-guard: /usr already has a transient overlay (${before.state}).`]);
    return EXIT.OK;
  }
  // A read-only overlay that is there already only needs a remount to be written.
  const action = before.state === 'image-overlay-readonly' ? 'remount-rw' : 'usr-overlay';
  const r = await makeUsrWritable(action, config, config.overlayTimeout * 1000, readOnly);
  const after = probe();
  const cmdLine = { ...WHO, commandLine: `usr-guard overlay${readOnly ? ' --read-only' : ''}` };
  if (r.ok && done(after, readOnly)) {
    await trail(`made a transient overlay on /usr with '${r.tool}' (${after.state})`, cmdLine);
    out.err([`usr-guard: /usr now has a transient overlay (${after.state}); it is discarded at reboot, while /etc and /var persist.`]);
    return EXIT.OK;
  }
  const why = r.ok ? `'${r.tool}' ran, but /usr is ${after.state}` : r.error;
  await trail(`could not make a transient overlay on /usr: ${why}`, cmdLine, 'warning');
  out.err([`usr-guard: overlay: ${why}.`]);
  return EXIT.REFUSED;
}
