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

/** The login line, from the "manager\tnames" lines of this boot's runs. Pure. */
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
  return `usr-guard: this boot's overlay on /usr holds changes (${what}); they go ${whenGone(hotfix)}. To keep them: usr-guard diff --containerfile`;
}

/** Called before the change of a run on an overlay: keep the baseline, note the run, write the summary. */
export async function recordChange(state: SystemState, inv: Invocation): Promise<void> {
  runDir();
  // Every package manager's: a run of one may change what the other's database says too (alien, rpm -i).
  // Loaded only when one is missing: reading the databases loads child_process, a few ms on every run.
  const missing = (['apt', 'dnf', 'pacman'] as PackageManager[]).filter((m) => !existsSync(baselineFile(m)));
  if (missing.length > 0) {
    const { takeBaseline } = await import('./baseline.js');
    missing.forEach(takeBaseline);
  }
  const changes = `${RUN_DIR}/changes`;
  appendFileSync(changes, `${inv.manager}\t${inv.packages.join(' ')}\n`, { mode: 0o644 });
  writeRunFile(`${RUN_DIR}/summary`, summaryLine(readFileSync(changes, 'utf8'), state.state === 'image-hotfix') + '\n');
  if (state.usr?.upperdir) writeRunFile(`${RUN_DIR}/upperdir`, state.usr.upperdir + '\n');
}
