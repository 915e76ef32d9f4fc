// Find the package-manager front end among our ancestors. apt runs hooks as
// apt → fork → /bin/sh -c → shim → usr-guard, and a hook's only view of the
// command line (`-s`, `-o Dir=…`, the packages) is the front end's argv in /proc.

import { readFileSync } from 'node:fs';

export interface Frontend {
  name: string;
  argv: string[];
  /** The process that runs it (null where the command line came from elsewhere). */
  pid: number | null;
}

const FRONTENDS = new Set([
  'apt',
  'apt-get',
  'aptitude',
  'aptitude-curses',
  'synaptic',
  'packagekitd',
  'unattended-upgrade',
  'unattended-upgrades',
  'dpkg',
  'dnf',
  'dnf-3',
  'dnf4',
  'dnf5',
  'yum',
  'microdnf',
]);
// Scripts run as "python3 /usr/bin/unattended-upgrade" or "sh /path/dnf5".
const INTERPRETERS = /^(python3?(\.\d+)?|perl|sh|dash|bash)$/;

export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : null;
  } catch {
    return null;
  }
}

export function argvOf(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((_, i, all) => i < all.length - 1 || all[i] !== '');
  } catch {
    return null;
  }
}

export const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** The front end a command line runs, past an interpreter, or null when it is none we know. */
export function frontendOf(argv: string[]): Frontend | null {
  if (argv.length === 0) return null;
  if (FRONTENDS.has(base(argv[0]!))) return { name: base(argv[0]!), argv: argv.slice(1), pid: null };
  if (INTERPRETERS.test(base(argv[0]!)) && argv[1] && FRONTENDS.has(base(argv[1])))
    return { name: base(argv[1]), argv: argv.slice(2), pid: null };
  return null;
}

/** The closest ancestor that is a known front end, or null (at most 12 steps up). */
export function findFrontend(startPid: number): Frontend | null {
  let pid: number | null = startPid;
  for (let step = 0; pid !== null && pid > 1 && step < 12; step++) {
    const found = frontendOf(argvOf(pid) ?? []);
    if (found) return { ...found, pid };
    pid = parentOf(pid);
  }
  return null;
}
