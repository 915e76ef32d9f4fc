// apt's configuration as the front end that runs the hook sees it, where its
// command line reads configuration files (`-c FILE`, APT_CONFIG) that only apt
// can read as apt does: apt-config with the same -c and -o words in the same
// order, in apt's folder. apt 2.9.11 and later hand the JSON hook the whole
// configuration in its hello; older ones (Debian 12's 2.6) do not.

import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import type { ConfigSource } from './cmdline.js';

const APT_CONFIG = '/usr/bin/apt-config';

/** apt-config dump's lines (`Key "value";`, lists as `Key:: "value";`): the last value of each key, keys in lower case. Pure. */
export function parseConfigDump(text: string): { options: Map<string, string>; lists: Map<string, string[]> } {
  const options = new Map<string, string>();
  const lists = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) "(.*)";$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.replace(/\\(["\\])/g, '$1');
    const at = key.lastIndexOf('::');
    if (at > 0) lists.set(key.slice(0, at), [...(lists.get(key.slice(0, at)) ?? []), value]);
    options.set(key, value);
  }
  return { options, lists };
}

/**
 * The configuration the front end `pid` runs with, or null when it cannot be
 * read (then the command line alone decides). Run by absolute path, in the
 * front end's folder (a -c file is relative to it), with its APT_CONFIG.
 */
export function aptConfigOf(
  sources: ConfigSource[],
  pid: number | null,
  env: NodeJS.ProcessEnv,
): ReturnType<typeof parseConfigDump> | null {
  let cwd = '/';
  try {
    if (pid !== null) cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    // relative -c files then read as from /
  }
  const args = sources.flatMap((s) => [s.kind === 'file' ? '-c' : '-o', s.value]);
  const r = spawnSync(APT_CONFIG, [...args, 'dump'], {
    cwd,
    encoding: 'utf8',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...(env.APT_CONFIG ? { APT_CONFIG: env.APT_CONFIG } : {}) },
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return r.status === 0 ? parseConfigDump(r.stdout) : null;
}
