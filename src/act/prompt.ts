// Ask a yes/no question on /dev/tty, never on stdin (apt may use it for data).
// Default no: EOF, Ctrl-C, an unreadable terminal or no answer in time all mean no.
// The terminal stays in the mode we found it (cooked): we never switch it to raw.

import { openSync, closeSync, writeSync, createReadStream } from 'node:fs';

export async function askYesNo(question: string, timeoutMs: number): Promise<boolean> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    return false;
  }
  try {
    writeSync(fd, `${question} [y/N] `);
  } catch {
    closeSync(fd);
    return false;
  }
  const stream = createReadStream('', { fd, autoClose: false, encoding: 'utf8' });
  const answer = await new Promise<string | null>((resolve) => {
    let buf = '';
    const done = (v: string | null) => {
      clearTimeout(timer);
      process.removeListener('SIGINT', onInt);
      stream.removeAllListeners();
      stream.destroy();
      resolve(v);
    };
    const onInt = () => done(null);
    const timer = setTimeout(() => done(null), timeoutMs);
    process.on('SIGINT', onInt);
    stream.on('data', (chunk: string | Buffer) => {
      buf += chunk.toString();
      if (buf.includes('\n')) done(buf.slice(0, buf.indexOf('\n')));
    });
    stream.on('end', () => done(null));
    stream.on('error', () => done(null));
  });
  // Finish the prompt line when nothing ended it (timeout, Ctrl-C, EOF).
  if (answer === null) {
    try {
      writeSync(fd, '\n');
    } catch {
      // the terminal went away; nothing to tidy
    }
  }
  closeSync(fd);
  return answer !== null && /^\s*(y|yes)\s*$/i.test(answer);
}
