// A name as it may be printed: on root's terminal, in a log, in a line meant
// for a Containerfile. A file's name is whatever its maker chose (a tarball
// unpacked into /usr/local as root): a newline in it would start a line of
// its own (a live RUN line under a comment), an escape byte would reach the
// terminal. Such a name is shown quoted as the shell writes it, $'...', with
// each of those characters spelt out; every other name is shown as it is.
// JSON needs none of this: JSON.stringify escapes control characters.

/** C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what a terminal shows. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

const hex = (c: string, width: number) => c.codePointAt(0)!.toString(16).padStart(width, '0');

/** `name` unchanged, or quoted as $'...' where it holds a character that must not be printed raw. Pure. */
export function printable(name: string): string {
  if (!UNSAFE.test(name)) return name;
  const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\u001b': '\\E' };
  const body = name
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(UNSAFE_ALL, (c) => named[c] ?? (c < '\u0080' ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`));
  return `$'${body}'`;
}
