// `usr-guard install|uninstall`: report every file, one per line, on stdout.

import { EXIT, commandUsage } from '../exit-codes.js';
import type { Out } from '../output.js';
import type { DpkgDbChoice } from '../dpkg-db/where.js';
import { placeDpkgDb } from './dpkg-db.js';
import { existingRoot, install, runningProgram, selectFiles, uninstall } from './install.js';
import { nodeFor, parts } from './install-parts.js';
import { noNodeLine, nothingInstalled, ROOT_NEEDS_FOLDER } from '../messages/install.js';

export function installCommand(
  command: 'install' | 'uninstall',
  root: string,
  without: string[],
  dryRun: boolean,
  out: Out,
  dpkgDb?: DpkgDbChoice,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (root === '') throw commandUsage(command, ROOT_NEEDS_FOLDER);
  const dir = existingRoot(command, root);
  if (command === 'install') {
    const node = nodeFor(dir);
    const files = selectFiles(parts(without.includes('program') ? '' : runningProgram(), dir, node), without);
    // dpkg's database first: a move refuses (and writes nothing) when the database is in use or elsewhere.
    const placed = placeDpkgDb(dir, dpkgDb, env, dryRun);
    const paths = new Set(files.map((f) => f.path));
    files.push(...placed.files.filter((f) => !paths.has(f.path)));
    out.out(`${[...placed.lines, ...install(dir, files, dryRun)].join('\n')}\n`);
    if (node === null && !without.includes('hooks')) {
      out.err([noNodeLine(dir)]);
    }
  } else {
    const report = uninstall(dir, dryRun);
    out.out(`${(report.length > 0 ? report : [nothingInstalled(dir)]).join('\n')}\n`);
  }
  return EXIT.OK;
}
