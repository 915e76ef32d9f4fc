// At each change on an image host with an overlay on /usr, the hook that
// decides keeps what `usr-guard diff` and the login reminder need, in /run
// (which a boot starts empty): the baseline, at the first change of the boot;
// the packages each run of the boot changed; and a one-line summary, which
// /etc/profile.d/usr-guard.sh shows at login, without node.

import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Invocation, PackageManager, SystemState } from '../types.js';
import { whenGone } from './compute.js';
import { baselineFile, RUN_DIR, runDir, writeRunFile } from './run-dir.js';

/** More names than this are a count in the summary. */
const MAX_NAMES = 6;

/**
 * What a terminal could take for a command (C0 and C1 controls, DEL, bidi and
 * other format characters, line and paragraph separators): a file name that
 * root installs (`dpkg -i "x\e[2J\e]0;t\ay.deb"`) must not reach every user's login as one.
 */
const CONTROLS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
export const printable = (text: string) => text.replace(CONTROLS, '');

/** The login line, from the "manager\tnames" lines of this boot's runs: one line, without controls. Pure. */
export function summaryLine(changes: string, hotfix: boolean): string {
  const byManager = new Map<string, Set<string>>();
  for (const line of changes.split('\n')) {
    const [manager, names = ''] = line.split('\t');
    if (!manager) continue;
    const set = byManager.get(manager) ?? new Set<string>();
    names.split(' ').filter(Boolean).forEach((n) => set.add(n));
    byManager.set(manager, set);
  }
  const what = [...byManager]
    .map(([m, names]) => (names.size === 0 ? m : names.size > MAX_NAMES ? `${m}: ${names.size} packages` : `${m}: ${[...names].join(', ')}`))
    .join('; ');
  return printable(`usr-guard: this boot's overlay on /usr holds changes (${what}); they go ${whenGone(hotfix)}. To keep them: usr-guard diff --containerfile`);
}

/** Called before the change of a run on an overlay: keep the baseline, note the run, write the summary. */
export async function recordChange(state: SystemState, inv: Invocation): Promise<void> {
  runDir();
  // Every package manager's: a run of one may change what the other's database says too (alien, rpm -i).
  // Loaded only when one is missing: reading the databases loads child_process, a few ms on every run.
  const missing = (['apt', 'dnf'] as PackageManager[]).filter((m) => !existsSync(baselineFile(m)));
  if (missing.length > 0) {
    const { takeBaseline } = await import('./baseline.js');
    missing.forEach(takeBaseline);
  }
  const changes = `${RUN_DIR}/changes`;
  // A name's tab or newline would be a line of its own here.
  appendFileSync(changes, `${inv.manager}\t${(inv.changed ?? inv.packages).map(printable).join(' ')}\n`, { mode: 0o644 });
  // The upper layer first: the login reminder reads a summary as "changes were made", and checks them there.
  if (state.usr?.upperdir) writeRunFile(`${RUN_DIR}/upperdir`, state.usr.upperdir + '\n');
  writeRunFile(`${RUN_DIR}/summary`, summaryLine(readFileSync(changes, 'utf8'), state.state === 'image-hotfix') + '\n');
}
