// `usr-guard overlay --drop`: leave this boot's transient overlay on /usr
// without a reboot. What `umount -l /usr` by hand does, with what it forgets:
// say which processes still hold the overlay's files, keep what it held for
// `diff --last-boot`, put dpkg's and pacman's databases back as they were
// before its first change (or stop, saying why), then unmount it lazily and
// say what was done. Refused on a hotfix unlock (it persists, as a deployment
// of its own) and where /usr has no overlay. Exit 0 done, 10 refused, 1 failed.

import { readdirSync, rmSync } from 'node:fs';
import { noteOverlay } from '../diff/last-boot-note.js';
import { identityFile } from '../diff/db-identity.js';
import { baselineFile, RUN_DIR } from '../diff/run-dir.js';
import { EXIT } from '../exit-codes.js';
import { overlayDiff } from '../export/collect.js';
import { systemTool } from '../fs/trees.js';
import { loadExeca } from '../lazy-execa.js';
import { childEnv } from '../offer/programs.js';
import { trail } from '../offer/trail.js';
import type { Out } from '../output.js';
import { overlayHolders } from '../overlay/holders.js';
import { putBackDatabases } from '../overlay/put-back.js';
import { probeSystem } from '../probe/index.js';
import { commandStart } from './start.js';
import { guardLine } from '../messages/check.js';
import {
  DROP_HOTFIX,
  DROP_NOT_ROOT,
  dropNoOverlay,
  dropNotImageBased,
  dropRefused,
  dropStopped,
  holdersLines,
  lastBootNotKept,
  NO_UMOUNT,
  notUnmounting,
  stillOverlay,
  umountFailed,
  unlockMarkerRemoved,
  unmounted,
} from '../messages/overlay-command.js';

const WHO = { caller: 'cli', frontend: 'usr-guard overlay', commandLine: 'usr-guard overlay --drop' } as const;
const DEPLOYMENT_STATE = '/run/ostree/deployment-state';

/** ostree's marker of a development or transient unlock: with it left, `ostree admin unlock` says "already unlocked". */
function dropUnlockMarkers(): string[] {
  const gone: string[] = [];
  let deployments: string[] = [];
  try {
    deployments = readdirSync(DEPLOYMENT_STATE);
  } catch {
    return gone;
  }
  for (const d of deployments)
    for (const kind of ['development', 'transient']) {
      const marker = `${DEPLOYMENT_STATE}/${d}/unlocked-${kind}`;
      try {
        rmSync(marker);
        gone.push(marker);
      } catch {
        // not this one
      }
    }
  return gone;
}

export async function dropCommand(env: NodeJS.ProcessEnv, isRoot: boolean, out: Out): Promise<number> {
  const { config, state: s } = await commandStart(env, isRoot, out);
  const refuse = (why: string) => {
    out.err([dropRefused(why)]);
    return EXIT.REFUSED;
  };
  if (!s.host.imageBased || s.container.detected) return refuse(dropNotImageBased(s.state));
  if (s.usr?.overlay !== 'unlock') return refuse(dropNoOverlay(s.state));
  if (s.state === 'image-hotfix') return refuse(DROP_HOTFIX);
  if (!isRoot) return refuse(DROP_NOT_ROOT);
  const said = holdersLines(overlayHolders(s.usr.upperdir));
  // What the overlay held, for `usr-guard diff --last-boot`, before the databases change.
  try {
    const d = overlayDiff(s);
    if (d !== null) noteOverlay(s, { ...d, notes: d.overlay?.notes ?? [] }, 'drop');
  } catch (e) {
    said.push(lastBootNotKept((e as Error).message));
  }
  const back = putBackDatabases(s);
  said.push(...back.said);
  if (back.stop !== null) {
    out.err(dropStopped(said, notUnmounting(back.stop)));
    await trail(`did not drop the overlay on /usr: ${back.stop}`, WHO, 'warning');
    return EXIT.INTERNAL;
  }
  const umount = systemTool('umount');
  if (umount === null) {
    out.err(dropStopped(said, NO_UMOUNT));
    return EXIT.INTERNAL;
  }
  const { execa } = await loadExeca();
  const r = await execa(umount, ['-l', '/usr'], {
    reject: false,
    stdin: 'ignore',
    env: childEnv(),
    extendEnv: false,
  });
  const after = probeSystem({ env, bootcPath: config.paths.bootc });
  if (r.failed || after.usr?.overlay === 'unlock') {
    const why = r.failed ? r.stderr.trim().split('\n').pop() || r.shortMessage : stillOverlay(after.state);
    out.err(dropStopped(said, umountFailed(umount, why)));
    await trail(`could not drop the overlay on /usr: ${why}`, WHO, 'warning');
    return EXIT.INTERNAL;
  }
  // The overlay is gone: what /run said of it (the login reminder, diff's baseline) goes with it.
  const baselines = (['apt', 'dnf', 'pacman'] as const).flatMap((m) => [baselineFile(m), identityFile(m)]);
  for (const path of [`${RUN_DIR}/summary`, `${RUN_DIR}/upperdir`, ...baselines]) rmSync(path, { force: true });
  for (const m of dropUnlockMarkers()) said.push(unlockMarkerRemoved(m));
  said.push(unmounted(umount, after.state));
  await trail(`dropped the transient overlay on /usr (${after.state})`, WHO);
  out.err(said.map(guardLine));
  return EXIT.OK;
}
