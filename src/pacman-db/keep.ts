// Before the first change a transient overlay gets in a boot, save pacman's
// database, so that the next boot can put it back (usr-guard-restore-pacman-db).
// A failure here is said, never fatal: the warning has told the risk.
import { existsSync } from 'node:fs';
import { couldNotSavePacman } from '../messages/pacman.js';
import type { Out } from '../output.js';
import type { Invocation, SystemState } from '../types.js';
import { PACMAN_SNAPSHOT } from './paths.js';

/** Whether pacman's database is kept true (saved, or nothing to save): false where it is not (yet). */
export async function keepPacmanTrue(state: SystemState, inv: Invocation, out: Out): Promise<boolean> {
  if (state.state !== 'image-overlay' || state.pacmanProtection !== 'snapshot' || !state.pacmanDatabase) return true;
  // Taken already in this boot (or kept from an earlier one; whole only with its manifest, written last).
  if (existsSync(`${PACMAN_SNAPSHOT}/manifest`)) return true;
  // Saved at pacman's first change, inside pacman's lock.
  if (inv.manager !== 'pacman') return false;
  try {
    const { takePacmanSnapshot } = await import('./snapshot.js');
    takePacmanSnapshot(state.pacmanDatabase.path);
    return true;
  } catch (e) {
    out.err([couldNotSavePacman((e as Error).message)]);
    return false;
  }
}
