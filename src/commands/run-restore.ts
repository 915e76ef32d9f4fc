// `usr-guard restore-dpkg-db`: what usr-guard-restore-dpkg-db.service runs early
// in a boot. Exit 0 when restored or when there is nothing to do, 1 when dpkg
// held its database and nothing was done.

import { trail } from '../act/trail.js';
import { loadConfig } from '../config.js';
import { restoreSnapshot } from '../dpkg-db/snapshot.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { probeSystem } from '../probe/index.js';

const WHO = { caller: 'cli', frontend: 'usr-guard restore-dpkg-db', commandLine: 'usr-guard restore-dpkg-db' } as const;

export async function restoreCommand(env: NodeJS.ProcessEnv, isRoot: boolean, out: Out): Promise<number> {
  const { config } = await loadConfig(env, isRoot);
  const state = probeSystem({ env, bootcPath: config.paths.bootc });
  if (state.dpkgProtection === 'relocated') {
    out.err(["usr-guard: dpkg's database lives in the image: nothing to restore."]);
    return EXIT.OK;
  }
  const r = restoreSnapshot(state.usr?.overlay !== 'unlock');
  out.err([`usr-guard: ${r.message}.`]);
  if (r.done || ('failed' in r && r.failed)) await trail(r.message, WHO, r.done ? 'notice' : 'warning');
  return 'failed' in r && r.failed ? EXIT.INTERNAL : EXIT.OK;
}
