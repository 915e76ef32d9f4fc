// What `usr-guard check` was told on its command line, for every caller.

import type { Caller } from '../types.js';

export interface CheckOptions {
  caller: Caller;
  command?: string;
  root?: string;
  downloadOnly: boolean;
  assumeYes: boolean;
  assumeNo: boolean;
  readOnly: boolean;
  packages: string[];
}
