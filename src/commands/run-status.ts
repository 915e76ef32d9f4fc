// `usr-guard status`: probe (and with --deep ask bootc), then print.

import { loadConfig } from '../config/index.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import { runBootcStatus, type DeepResult } from '../probe/bootc.js';
import { probeSystem } from '../probe/index.js';
import { refineWithBootc } from '../probe/classify.js';
import { renderStatus, statusJson } from './status.js';

export async function statusCommand(
  opts: { json: boolean; deep: boolean },
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
): Promise<number> {
  const { config, warnings } = await loadConfig(env, isRoot);
  out.err(warnings.map((w) => `usr-guard: warning: ${w}`));
  let state = probeSystem({ env, bootcPath: config.paths.bootc, forStatus: true });
  let deep: DeepResult | null = null;
  if (opts.deep) {
    deep =
      state.host.bootcInstalled || isRoot
        ? await runBootcStatus(config.paths.bootc)
        : { ok: false, error: `${config.paths.bootc} is not installed` };
    // Only where the probe saw an image host: bootc speaks for the booted system, not a container.
    if (deep.ok && state.host.imageBased) state = refineWithBootc(state, deep.status);
  }
  const db = state.dpkgDatabase ? (await import('../dpkg-db/report.js')).dpkgDbReport() : null;
  out.out(opts.json ? statusJson(state, config, deep, db) : renderStatus(state, config, deep, db));
  return EXIT.OK;
}
