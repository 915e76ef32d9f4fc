// Does the dnf that runs have --transient (its own overlay on /usr)? dnf 4.23
// and dnf5 5.4.3 brought it; an older dnf rejects it ("unrecognized
// arguments"), so a refusal offers it only where it is there. Looked up only
// for a refusal, and without running dnf: dnf 4's version is in its python
// module (dnf/const.py), dnf5's option in its binary (the option's help text,
// which came with it; dnf5's version is compiled into libdnf5 as numbers).

import { readFileSync } from 'node:fs';
import { pythonSitesWith } from './python.js';
import semver from 'semver';

const DNF5_OPTION = Buffer.from('Set up a transient overlay on /usr');

/** dnf 4's version from its python module, wherever python3 keeps it. */
function dnf4Version(): string | null {
  for (const site of pythonSitesWith('/', 'dnf')) {
    try {
      const m = /^VERSION\s*=\s*['"]([^'"]+)['"]/m.exec(readFileSync(`${site}/dnf/const.py`, 'utf8'));
      if (m) return m[1]!;
    } catch {
      // not readable: the next one
    }
  }
  return null;
}

const atLeast = (version: string | null | undefined, min: string) => {
  const v = version ? semver.coerce(version) : null;
  return v !== null && semver.gte(v, min);
};

/**
 * For the dnf 4 plugin, its own dnf.const.VERSION (USR_GUARD_DNF_VERSION);
 * for the dnf5 action, the binary of the pid that runs it; for the shim, the
 * dnf it is about to run (USR_GUARD_DNF_REAL): a script is dnf 4, a binary is
 * dnf5, which has the option when the option's help text is in it.
 */
export function dnfHasTransient(caller: string, env: NodeJS.ProcessEnv, dnf5Pid?: string): boolean {
  if (caller === 'dnf') return atLeast(env.USR_GUARD_DNF_VERSION ?? dnf4Version(), '4.23.0');
  const binary = caller === 'dnf5' ? `/proc/${dnf5Pid}/exe` : env.USR_GUARD_DNF_REAL;
  let data: Buffer;
  try {
    data = readFileSync(binary ?? '');
  } catch {
    return false;
  }
  return data.subarray(0, 2).toString('latin1') === '#!'
    ? atLeast(dnf4Version(), '4.23.0')
    : data.includes(DNF5_OPTION);
}
