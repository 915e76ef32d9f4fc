// How status, diff, overlay, overlay --drop and keep begin: the configuration,
// its warnings said once on stderr, then the probe of the system they act on.

import { loadConfig } from '../config/index.js';
import { warningLine } from '../messages/check.js';
import type { Out } from '../output.js';
import { probeSystem } from '../probe/index.js';
import type { Config, SystemState } from '../types.js';

export async function commandStart(
  env: NodeJS.ProcessEnv,
  isRoot: boolean,
  out: Out,
  forStatus = false,
): Promise<{ config: Config; state: SystemState }> {
  const { config, warnings } = await loadConfig(env, isRoot);
  out.err(warnings.map(warningLine));
  return { config, state: probeSystem({ env, bootcPath: config.paths.bootc, forStatus }) };
}
