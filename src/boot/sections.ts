// The layout of dist/usr-guard: the boot, the program, then the parts that
// `check` never needs, as sections of comment lines inside a function that is
// never called (the boot reads them back with Function.prototype.toString: V8
// still holds the file's text, so no second read).
//
//   #!/usr/bin/env node
//   <boot>                          src/boot.ts
//   function usrGuardProgram(…) {…} src/cli.ts and what it imports
//   function usrGuardSections() {
//   //@usr-guard chunk ID           a part compiled only when used (status, install, help, execa…)
//   //<line of code>…
//   //@usr-guard end
//   }
//   // usr-guard: end of program    the trailer: a file without it is cut short
//
// As comments, node's own compile of the file skips over them almost for free,
// where the same code as code costs a parse on every run: about 12 ms of each
// run that starts node (npm run bench; README, Speed). scripts/build.mjs
// writes this layout with encodeSection.

// No newline in the constant: minified, it would become one, and the boot would
// hold a line that looks like a header. Headers are found at line starts instead.
export const MARK = '//@usr-guard ';
/** The file's last line: a file without it is cut short (the hook shim checks, as does install). */
export const TRAILER = '// usr-guard: end of program\n';

/** The first `needle` at or after `from` that starts a line. */
function atLineStart(file: string, needle: string, from: number): number {
  for (let i = file.indexOf(needle, from); i >= 0; i = file.indexOf(needle, i + 1))
    if (file.charCodeAt(i - 1) === 10) return i;
  return -1;
}

export interface Section {
  /** The words on the section's first line after its name (and id). */
  args: string[];
  /** The section's text, its lines without the leading `//`. */
  body: string;
}

/** One section as comment lines: the header, then every line of `text` behind `//`. */
export function encodeSection(words: string[], text: string): string {
  if (/[^\x20-\x7e\t\n]/.test(text))
    throw new Error(`section ${words.join(' ')}: only printable ASCII can go into a comment line`);
  return `${MARK}${words.join(' ')}\n//${text.split('\n').join('\n//')}\n`;
}

/** The section whose header starts with `name` (and `id`, for chunks), or undefined. */
export function findSection(file: string, name: string, id?: string): Section | undefined {
  const head = `${MARK}${name}${id === undefined ? '' : ` ${id}`}`;
  let at = atLineStart(file, head, 0);
  // The name must end there: "chunk a" is not "chunk ab".
  while (at >= 0 && file[at + head.length] !== ' ' && file[at + head.length] !== '\n')
    at = atLineStart(file, head, at + 1);
  const start = at < 0 ? 0 : file.indexOf('\n', at) + 1;
  const end = atLineStart(file, MARK, start);
  if (start === 0 || end < 0) return undefined;
  const args = file
    .slice(at + head.length, start - 1)
    .split(' ')
    .filter(Boolean);
  return { args, body: file.slice(start + 2, end - 1).replaceAll('\n//', '\n') };
}
