// dnf's own configuration file, read for its installroot where the command
// line names none (dnf -c FILE). A chunk of its own (scripts/build.mjs): ini
// stays out of the program that every hook compiles.

import { readFileSync } from 'node:fs';
import { parse } from 'ini';
import { normaliseRoot } from '../root.js';

/**
 * The installroot of dnf's configuration ([main] of its -c file, else
 * /etc/dnf/dnf.conf), as dnf itself reads it when the command line sets none;
 * null when it sets none (or cannot be read: dnf then stops on it itself).
 */
export function configuredRoot(config: string | null): string | null {
  try {
    const main = (parse(readFileSync(config ?? '/etc/dnf/dnf.conf', 'utf8')) as { main?: { installroot?: unknown } })
      .main;
    const root = typeof main?.installroot === 'string' ? main.installroot.trim() : '';
    return root === '' ? null : normaliseRoot(root);
  } catch {
    return null;
  }
}
