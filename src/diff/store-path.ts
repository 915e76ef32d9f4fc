// Where usr-guard keeps copies of the package files a change installs from no
// repository (package-store.ts), apart from it: the table of who speaks asks
// whether a copy is there without loading what makes one.

import { existsSync } from 'node:fs';
import { basename } from 'node:path';

export const STORE = '/var/lib/usr-guard/package-files';

/**
 * Package files (*.deb) named on a command line of which the store has no copy by that name: the hook shim
 * asks the same (usr_guard_unkept), so a later run that installs one is node's, which keeps it.
 */
export const unkeptFiles = (files: string[]): string[] =>
  files.filter((f) => f.endsWith('.deb') && !existsSync(`${STORE}/${basename(f)}`));
