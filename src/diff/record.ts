// At a change on an image host with an overlay on /usr, the hook that decides
// keeps what `usr-guard diff` and the login reminder need, in /run (which a
// boot starts empty): the baseline, at the first change of the boot, and a
// one-line summary, which /etc/profile.d/usr-guard.sh shows at login, without node.

import { existsSync, writeSync } from 'node:fs';
import type { Invocation, PackageManager, SystemState } from '../types.js';
import { summaryLine } from '../messages/overlay.js';
import { baselineFile, RUN_DIR, runDir, writeRunFile } from './run-dir.js';
import { warningLine } from '../messages/check.js';

export { summaryLine };

/**
 * Called before a change on an overlay: keep the baseline (at the boot's
 * first change), copies of the package files from no repository the change
 * installs (`inv`; their warnings are returned), write the summary.
 */
export async function recordChange(state: SystemState, inv?: Invocation): Promise<string[]> {
  runDir();
  // Every package manager's: a run of one may change what the other's database says too (alien, rpm -i).
  // Loaded only when one is missing: reading the databases loads child_process, a few ms on every run.
  const missing = (['apt', 'dnf', 'pacman'] as PackageManager[]).filter((m) => !existsSync(baselineFile(m)));
  if (missing.length > 0) {
    const { takeBaseline } = await import('./baseline.js');
    missing.forEach(takeBaseline);
  }
  // The upper layer first: the login reminder reads a summary as "changes were made", and checks them there.
  if (state.usr?.upperdir) writeRunFile(`${RUN_DIR}/upperdir`, `${state.usr.upperdir}\n`);
  writeRunFile(`${RUN_DIR}/summary`, `${summaryLine(state.state === 'image-hotfix')}\n`);
  // What the overlay holds now, kept in /var for the next boot, and the fleet's files (never fatal).
  const { noteChange } = await import('./last-boot-change.js');
  await noteChange(state, (line) => writeSync(2, `${warningLine(line)}\n`));
  const paths = inv?.manager === 'apt' ? (inv.localPaths ?? []) : [];
  if (paths.length === 0) return [];
  // Loaded only for a change that names package files: copying them is no work for every run.
  return (await import('./package-store.js')).keepPackageFiles(paths);
}
