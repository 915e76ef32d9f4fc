// Writing to the terminal: colour only on a terminal and without NO_COLOR
// (no-color.org). Everything a person reads goes to stderr; stdout is kept
// for data (--json) and for protocols that parse it (dnf5 actions).
//
// Plain writeSync on the descriptors: touching process.stdout/stderr builds a
// stream (and loads tty/net) for a few ms, which every hook run would pay;
// for the same reason a terminal is recognised by where fd 2 points.

import { readlinkSync, writeSync } from 'node:fs';

export interface Out {
  err(lines: string[]): void;
  out(text: string): void;
}

const paint = (code: string, s: string) => `\x1b[${code}m${s}\x1b[0m`;

function colourise(line: string): string {
  return line.replace(/^error:/, (m) => paint('1;31', m)).replace(/^usr-guard: warning:/, (m) => paint('1;33', m));
}

function isTerminal(fd: number): boolean {
  try {
    return /^\/dev\/(pts\/|tty|console)/.test(readlinkSync(`/proc/self/fd/${fd}`));
  } catch {
    return false;
  }
}

function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking pipe: try again
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') return; // the reader left: nothing to tell
      throw e;
    }
  }
}

export function makeOut(env: NodeJS.ProcessEnv): Out {
  let colour: boolean | undefined; // decided on first use: most runs print nothing
  return {
    err(lines) {
      if (lines.length === 0) return;
      colour ??= isTerminal(2) && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
      writeAll(2, `${lines.map((l) => (colour ? colourise(l) : l)).join('\n')}\n`);
    },
    out(text) {
      writeAll(1, text);
    },
  };
}
