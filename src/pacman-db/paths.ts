// Where pacman's database is, and usr-guard's care of it. A module of its
// own, so that the hooks' path can look for them without loading the code
// that acts.
import { readFileSync } from 'node:fs';
import { dbPathOf, PACMAN_CONF, parsePacmanConf } from '../probe/pacman-conf.js';

export const PACMAN_SNAPSHOT = '/var/lib/usr-guard/pacman-snapshot';
export const PACMAN_RESTORE_UNIT = '/usr/lib/systemd/system/usr-guard-restore-pacman-db.service';

/** pacman's DBPath as this host's pacman.conf sets it, or null where pacman is not installed (no pacman.conf). */
export function pacmanDbPath(): string | null {
  let text: string;
  try {
    text = readFileSync(PACMAN_CONF, 'utf8');
  } catch {
    return null;
  }
  return dbPathOf(parsePacmanConf(text));
}
