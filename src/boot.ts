// The first code node runs in dist/usr-guard. The build writes the program
// after it, as the function usrGuardProgram, and the parts that `check` never
// needs as comment lines in usrGuardSections (see boot/sections.ts): the boot
// hands the program a way to compile such a part when it is first asked for.
// Kept small: everything here is paid on every run.

import { findSection } from './boot/sections.js';

/** The program (src/cli.ts and what it imports); the build writes it after the boot. */
declare function usrGuardProgram(
  exports: unknown,
  require: NodeJS.Require,
  module: NodeJS.Module,
  filename: string,
  dirname: string,
  chunk: (id: string) => string,
): void;
/** Holds the lazily compiled parts as its body of comments; the build writes it last. */
declare function usrGuardSections(): void;

/** A part's code, read back from the comment lines (V8 still holds the file's text: no second read). */
function chunk(id: string): string {
  const s = typeof usrGuardSections === 'function' ? findSection(usrGuardSections.toString(), 'chunk', id) : undefined;
  if (s === undefined) {
    process.stderr.write(
      `usr-guard: internal error: ${__filename} is damaged (no part "${id}"); reinstall usr-guard\n`,
    );
    process.exit(1);
  }
  return s.body;
}

usrGuardProgram(exports, require, module, __filename, __dirname, chunk);
