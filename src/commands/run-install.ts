// `usr-guard install|uninstall`: report every file, one per line, on stdout.

import { commandUsage, EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import tmpfiles from '../../systemd/usr-guard-dpkg.tmpfiles?raw';
import { relocateDpkgDb } from '../dpkg-db/relocate.js';
import { existingRoot, install, runningProgram, selectFiles, uninstall } from './install.js';
import { nodeFor, parts } from './install-parts.js';

export function installCommand(command: 'install' | 'uninstall', root: string, without: string[], dryRun: boolean, out: Out, relocate = false): number {
  if (root === '') throw commandUsage(command, "option '--root' needs a folder");
  const dir = existingRoot(command, root);
  if (command === 'install') {
    const node = nodeFor(dir);
    const files = selectFiles(parts(without.includes('program') ? '' : runningProgram(), dir, node), without);
    // Relocation first: it refuses (and writes nothing) when the database is in use or elsewhere.
    const moved = relocate ? relocateDpkgDb(dir, dryRun) : [];
    if (relocate) files.push({ path: '/usr/lib/tmpfiles.d/usr-guard-dpkg.conf', mode: 0o644, content: () => Buffer.from(tmpfiles) });
    out.out([...moved, ...install(dir, files, dryRun)].join('\n') + '\n');
    if (node === null && !without.includes('hooks')) {
      out.err([`usr-guard: warning: no node in ${dir} (/usr/bin/node): until there is one, the hooks only refuse where /usr is read-only, with no warnings or offers`]);
    }
  } else {
    const report = uninstall(dir, dryRun);
    out.out((report.length > 0 ? report : [`nothing of usr-guard's in ${dir}`]).join('\n') + '\n');
  }
  return EXIT.OK;
}
