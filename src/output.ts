// Writing to the terminal: colour only on a terminal and without NO_COLOR
// (no-color.org). Everything a person reads goes to stderr; stdout is kept
// for data (--json) and for protocols that parse it (dnf5 actions).

export interface Out {
  err(lines: string[]): void;
  out(text: string): void;
}

const paint = (code: string, s: string) => `\x1b[${code}m${s}\x1b[0m`;

function colourise(line: string): string {
  return line
    .replace(/^error:/, (m) => paint('1;31', m))
    .replace(/^usr-guard: warning:/, (m) => paint('1;33', m));
}

export function makeOut(env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Out {
  const colour = stderrIsTTY && !('NO_COLOR' in env && env.NO_COLOR !== '');
  return {
    err(lines) {
      if (lines.length > 0) process.stderr.write(lines.map((l) => (colour ? colourise(l) : l)).join('\n') + '\n');
    },
    out(text) {
      process.stdout.write(text);
    },
  };
}
