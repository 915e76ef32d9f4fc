// Starting bootc and the builder for `usr-guard keep`: by absolute path, with
// the system's PATH; the builder's output goes whole to its log, and each
// line to a callback (the progress lines).

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { childEnv, systemProgram } from '../offer/programs.js';

export interface Ran {
  code: number;
  output: string;
}

/** Run a program to its end; its output (stdout and stderr) and exit code. Never throws. */
export function runQuiet(file: string, args: string[], env: NodeJS.ProcessEnv): Ran {
  const r = spawnSync(file, args, {
    env: childEnv(env),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return { code: 127, output: `${file}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}` };
  return { code: r.status ?? 128, output: `${r.stdout}${r.stderr}` };
}

/** Run a program, its output appended to `log` and each line handed to `line`; the exit code and the output. */
export function runLogged(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log: string,
  line: (l: string) => void,
): Promise<Ran> {
  return new Promise((resolve) => {
    const fd = openSync(log, 'a', 0o600);
    writeSync(fd, `$ ${[file, ...args].join(' ')}\n`);
    let output = '';
    let partial = '';
    const child = spawn(file, args, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d: Buffer) => {
      writeSync(fd, d);
      const text = partial + d.toString();
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) line(l);
      output += d.toString();
      if (output.length > 4 * 1024 * 1024) output = output.slice(-2 * 1024 * 1024);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let finished = false;
    const done = (code: number, extra = '') => {
      if (finished) return;
      finished = true;
      if (partial) line(partial);
      closeSync(fd);
      resolve({ code, output: output + extra });
    };
    child.on('error', (e) => done(127, `${file}: ${(e as NodeJS.ErrnoException).code ?? e.message}`));
    child.on('close', (code) => done(code ?? 128));
  });
}

export const has = (name: string) => systemProgram(name) !== null;
export const program = (name: string) => systemProgram(name) ?? name;
