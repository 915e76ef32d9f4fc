// What usr-guard does with no configuration file, and the shape a loaded one
// takes: shared by the loader (index.ts) and the parser (file.ts),
// which is loaded only when a file sets a key.

import type { Config } from '../types.js';

export interface ConfigResult {
  config: Config;
  /** One line each, already naming the file (and line where there is one). */
  warnings: string[];
  /**
   * The variable that chose the mode, as "NAME=value" (USR_GUARD_MODE, or
   * USR_GUARD_CONFIG naming the file that set it), for the trail; undefined
   * when the mode is the default file's or usr-guard's own default.
   */
  variable?: string;
}

export function defaultConfig(): Config {
  return {
    mode: 'auto',
    promptTimeout: 60,
    overlayTimeout: 120,
    paths: { bootc: '/usr/bin/bootc', ostree: '/usr/bin/ostree' },
    export: { prometheus: null, ansibleFacts: null },
  };
}
