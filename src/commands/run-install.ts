// `usr-guard install|uninstall`: report every file, one per line, on stdout.

import { isAbsolute, resolve } from 'node:path';
import { EXIT, UsageError } from '../exit-codes.js';
import type { Out } from '../output.js';
import tmpfiles from '../../systemd/usr-guard-dpkg.tmpfiles?raw';
import { relocateDpkgDb } from '../dpkg-db/relocate.js';
import { install, parts, runningProgram, selectFiles, uninstall } from './install.js';

export function installCommand(command: 'install' | 'uninstall', root: string, without: string[], dryRun: boolean, out: Out, relocate = false): number {
  if (root === '') throw new UsageError(`${command}: --root needs a folder`);
  const dir = isAbsolute(root) ? root : resolve(root);
  if (command === 'install') {
    const files = selectFiles(parts(without.includes('program') ? '' : runningProgram(), dir), without);
    // Relocation first: it refuses (and writes nothing) when the database is in use or elsewhere.
    const moved = relocate ? relocateDpkgDb(dir, dryRun) : [];
    if (relocate) files.push({ path: '/usr/lib/tmpfiles.d/usr-guard-dpkg.conf', mode: 0o644, content: () => Buffer.from(tmpfiles) });
    out.out([...moved, ...install(dir, files, dryRun)].join('\n') + '\n');
  } else {
    if (without.length > 0) throw new UsageError('uninstall: --without is only for install');
    const report = uninstall(dir, dryRun);
    out.out((report.length > 0 ? report : [`nothing of usr-guard's in ${dir}`]).join('\n') + '\n');
  }
  return EXIT.OK;
}
