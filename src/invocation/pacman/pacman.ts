// The pacman hook (/usr/share/libalpm/hooks/00-usr-guard.hook) as an
// Invocation. libalpm runs a hook's Exec as pacman → fork → chroot(RootDir)
// unless RootDir is / → /bin/sh -c → the shim → usr-guard, so libalpm's
// process is our shell's parent, and the transaction's packages (the hook's
// NeedsTargets) come on stdin, one name a line. The hook runs only in a
// transaction, after pacman's prompt and download, and never on a terminal:
// it decides alone (there is no other hook to back it up), and never asks.

import { fstatSync, readFileSync, statSync } from 'node:fs';
import type { Asked } from '../../runstate/index.js';
import { argvOf, base, parentOf } from '../proc.js';
import { pacmanChanges, pacmanOperation, parsePacmanArgv } from './argv.js';

/** A pacman package name (makepkg's rule: alphanumerics and @._+-, not starting with - or .). */
const PACKAGE_NAME = /^[A-Za-z0-9@_+][A-Za-z0-9@._+-]*$/;

/** The hook's targets: package names, one a line, each once; anything else is dropped. Pure. */
export function parseTargets(text: string): string[] {
  return [
    ...new Set(
      text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => PACKAGE_NAME.test(l)),
    ),
  ];
}

/** What libalpm wrote to the hook's stdin; nothing when stdin is a terminal or /dev/null (usr-guard run by hand). */
export function readTargets(fd = 0): string[] {
  try {
    if (fstatSync(fd).isCharacterDevice()) return [];
    return parseTargets(readFileSync(fd, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * Has libalpm chrooted the hook into a RootDir that is not this process's
 * "/" before (pacman.conf's RootDir, --root)? Its process still sees the
 * real root: compare the two folders.
 */
function chrootedFrom(pid: number): boolean {
  try {
    const theirs = statSync(`/proc/${pid}/root`);
    const ours = statSync('/');
    return theirs.dev !== ours.dev || theirs.ino !== ours.ino;
  } catch {
    return false; // no /proc here: the root as the command line says
  }
}

export function pacmanInvocation(ppid: number, targets: string[]): Asked {
  const alpm = parentOf(ppid);
  const all = alpm !== null ? (argvOf(alpm) ?? []) : [];
  // Another client of libalpm (pamac, an installer) has no pacman command line: its transaction is a change.
  const isPacman = all.length > 0 && base(all[0]!) === 'pacman';
  const cmd = parsePacmanArgv(isPacman ? all.slice(1) : []);
  // --sysroot: pacman chrooted itself there before reading its configuration; the whole run is that system's.
  let root = cmd.sysroot !== null && cmd.sysroot.replace(/\/+$/, '') !== '' ? cmd.sysroot : (cmd.root ?? '/');
  if (alpm !== null && chrootedFrom(alpm) && root === '/') root = '(pacman.conf RootDir)';
  return {
    caller: 'pacman',
    manager: 'pacman',
    frontend: isPacman ? 'pacman' : base(all[0] ?? 'pacman'),
    changes: isPacman ? pacmanChanges(cmd) : true,
    root,
    interactive: false,
    notAsked: 'pacman runs its hooks without a terminal',
    packages: targets,
    operation: isPacman ? pacmanOperation(cmd) : 'other',
    commandLine: all.length > 0 ? all.join(' ') : undefined,
    ...(cmd.op === 'U' ? { packageFiles: cmd.targets } : {}),
  };
}
