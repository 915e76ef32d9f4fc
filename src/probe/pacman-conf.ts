// Where pacman keeps its database: pacman.conf's DBPath, read as libalpm's
// ini parser and pacman's conf.c read it. A `#` starts a comment anywhere on
// a line; `[name]` opens a section; `Key = value`, keys case-sensitive; in
// [options] the first DBPath (and RootDir) counts. Without DBPath it is
// RootDir's var/lib/pacman/, and /var/lib/pacman/ without either. Include
// lines are not followed (DBPath is set in pacman.conf itself in practice).
// Pure.

export interface PacmanConf {
  dbPath: string | null;
  rootDir: string | null;
}

export const PACMAN_CONF = '/etc/pacman.conf';
export const DEFAULT_DBPATH = '/var/lib/pacman';

export function parsePacmanConf(text: string): PacmanConf {
  const out: PacmanConf = { dbPath: null, rootDir: null };
  let section: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.split('#')[0]!.trim();
    if (line === '') continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      section = line.slice(1, -1);
      continue;
    }
    const eq = line.indexOf('=');
    if (section !== 'options' || eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value === '') continue;
    if (key === 'DBPath' && out.dbPath === null) out.dbPath = value;
    else if (key === 'RootDir' && out.rootDir === null) out.rootDir = value;
  }
  return out;
}

/** The database folder pacman uses, without a trailing slash. */
export function dbPathOf(conf: PacmanConf): string {
  const path = conf.dbPath ?? (conf.rootDir ? `${conf.rootDir}/var/lib/pacman` : DEFAULT_DBPATH);
  return path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
}
