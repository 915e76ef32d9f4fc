// The programs usr-guard starts, by absolute path: it runs as root from hooks
// with the caller's environment, and a program found through that PATH (a
// `logger` or `mount` planted first in it: `su` without `-`, a sloppy sudoers)
// would run as root. Their children get the system's PATH for the same reason
// (bootc runs ostree, mount runs its helpers).

import { existsSync } from 'node:fs';

/** Where the system's programs are, in the order a system PATH has them. */
export const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

/** The system's `name` (the first in SYSTEM_PATH that exists), or null. */
export function systemProgram(name: string): string | null {
  for (const dir of SYSTEM_PATH.split(':')) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`;
  return null;
}

/** The environment for a program usr-guard starts: the caller's, with the system's PATH. */
export const childEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => ({ ...env, PATH: SYSTEM_PATH });
