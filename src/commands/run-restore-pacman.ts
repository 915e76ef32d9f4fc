// `usr-guard restore-pacman-db`: what usr-guard-restore-pacman-db.service runs
// early in a boot. Exit 0 when restored or when there is nothing to do, 1 when
// it could not (pacman held its database, a snapshot not to be trusted, a full disk).

import { trail } from '../offer/trail.js';
import { loadConfig } from '../config/index.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { restorePacmanSnapshot } from '../pacman-db/snapshot.js';
import { probeSystem } from '../probe/index.js';
import { guardLine } from '../messages/check.js';
import { PACMAN_IN_IMAGE, PACMAN_NOT_INSTALLED } from '../messages/pacman.js';

const WHO = {
  caller: 'cli',
  frontend: 'usr-guard restore-pacman-db',
  commandLine: 'usr-guard restore-pacman-db',
} as const;

export async function restorePacmanCommand(env: NodeJS.ProcessEnv, isRoot: boolean, out: Out): Promise<number> {
  const { config } = await loadConfig(env, isRoot);
  const state = probeSystem({ env, bootcPath: config.paths.bootc });
  if (state.pacmanProtection === 'relocated') {
    out.err([PACMAN_IN_IMAGE]);
    return EXIT.OK;
  }
  if (!state.pacmanDatabase) {
    out.err([PACMAN_NOT_INSTALLED]);
    return EXIT.OK;
  }
  const gone = state.usr?.overlay !== 'unlock';
  // What the last boot's overlay held, from the database it left, before the snapshot goes back (diff --last-boot).
  if (gone)
    for (const kept of (await import('../diff/last-boot-finish.js')).keepLastBoot(state.pacmanDatabase.path))
      out.err([guardLine(`${kept}.`)]);
  const r = restorePacmanSnapshot(state.pacmanDatabase.path, gone);
  out.err([guardLine(`${r.message}.`)]);
  if (r.done || r.failed) await trail(r.message, WHO, r.done ? 'notice' : 'warning');
  return r.failed ? EXIT.INTERNAL : EXIT.OK;
}
