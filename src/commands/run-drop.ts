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
    out.err([`usr-guard: overlay --drop: ${why}`]);
    return EXIT.REFUSED;
  };
  if (!s.host.imageBased || s.container.detected)
    return refuse(`this host is not image-based (${s.state}): there is no image overlay to drop.`);
  if (s.usr?.overlay !== 'unlock') return refuse(`/usr has no overlay (${s.state}): nothing to drop.`);
  if (s.state === 'image-hotfix')
    return refuse(
      "/usr has a hotfix overlay (ostree admin unlock --hotfix): it persists across reboots as part of the deployment, and unmounting it here would not drop it. To leave it: 'ostree admin undeploy' of that deployment, or a new one ('bootc upgrade', 'bootc rollback').",
    );
  if (!isRoot) return refuse('only root can unmount /usr and put the package databases back.');
  const said: string[] = [];
  const holders = overlayHolders(s.usr.upperdir);
  if (holders.length > 0) {
    said.push(
      `${holders.length} process(es) still hold files of the overlay; they keep them (and run the overlay's code) until they end:`,
      ...holders.map((h) => `  ${h.pid} ${h.command}: ${h.file}${h.files > 1 ? ` (and ${h.files - 1} more)` : ''}`),
    );
  }
  // What the overlay held, for `usr-guard diff --last-boot`, before the databases change.
  try {
    const d = overlayDiff(s);
    if (d !== null) noteOverlay(s, { ...d, notes: d.overlay?.notes ?? [] }, 'drop');
  } catch (e) {
    said.push(`could not keep what the overlay held for 'usr-guard diff --last-boot': ${(e as Error).message}`);
  }
  const back = putBackDatabases(s);
  said.push(...back.said);
  if (back.stop !== null) {
    out.err([...said.map((l) => `usr-guard: ${l}`), `usr-guard: overlay --drop: not unmounting /usr: ${back.stop}.`]);
    await trail(`did not drop the overlay on /usr: ${back.stop}`, WHO, 'warning');
    return EXIT.INTERNAL;
  }
  const umount = systemTool('umount');
  if (umount === null) {
    out.err([...said.map((l) => `usr-guard: ${l}`), 'usr-guard: overlay --drop: no umount in /usr/bin or /bin.']);
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
    const why = r.failed
      ? r.stderr.trim().split('\n').pop() || r.shortMessage
      : `/usr still has an overlay (${after.state})`;
    out.err([...said.map((l) => `usr-guard: ${l}`), `usr-guard: overlay --drop: ${umount} -l /usr failed: ${why}.`]);
    await trail(`could not drop the overlay on /usr: ${why}`, WHO, 'warning');
    return EXIT.INTERNAL;
  }
  // The overlay is gone: what /run said of it (the login reminder, diff's baseline) goes with it.
  const baselines = (['apt', 'dnf', 'pacman'] as const).flatMap((m) => [baselineFile(m), identityFile(m)]);
  for (const path of [`${RUN_DIR}/summary`, `${RUN_DIR}/upperdir`, ...baselines]) rmSync(path, { force: true });
  for (const m of dropUnlockMarkers()) said.push(`removed ostree's unlock marker ${m}`);
  said.push(`unmounted the overlay on /usr lazily (${umount} -l /usr): /usr is the image's again (${after.state})`);
  await trail(`dropped the transient overlay on /usr (${after.state})`, WHO);
  out.err(said.map((l) => `usr-guard: ${l}`));
  return EXIT.OK;
}
