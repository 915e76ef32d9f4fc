// Ask a yes/no question on /dev/tty, never on stdin (apt may use it for data).
// Default no: EOF, Ctrl-C, an unreadable terminal or no answer in time all mean no;
// a question that timed out says so on the terminal, where a silent "no" reads like a refusal out of nowhere.
// The terminal stays in the mode we found it (cooked): we never switch it to raw,
// and we open our own /dev/tty, so apt's descriptors keep their flags.

import { openSync, writeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { promptText, timedOutLine } from '../messages/offer.js';

export type Answer = 'yes' | 'no' | 'timeout' | 'eof' | 'interrupt' | 'no terminal';

export async function askYesNo(question: string, timeoutMs: number): Promise<Answer> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
    writeSync(fd, promptText(question));
  } catch {
    return 'no terminal';
  }
  // A tty stream, not an fs stream: its read can be cancelled when time is up.
  const input = new ReadStream(fd);
  const answer = await new Promise<Answer>((resolve) => {
    let buf = '';
    const done = (a: Answer) => {
      clearTimeout(timer);
      process.removeListener('SIGINT', onInt);
      input.removeAllListeners('data');
      input.removeAllListeners('end');
      resolve(a);
    };
    const onInt = () => done('interrupt');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    process.on('SIGINT', onInt);
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(/^\s*(y|yes)\s*$/i.test(buf.slice(0, nl)) ? 'yes' : 'no');
    });
    input.on('end', () => done('eof'));
    input.on('error', () => done('eof'));
  });
  // Finish the prompt line when nothing ended it (timeout, Ctrl-C, EOF).
  if (answer !== 'yes' && answer !== 'no') {
    try {
      writeSync(fd, answer === 'timeout' ? `\n${timedOutLine(timeoutMs)}\n` : '\n');
    } catch {
      // the terminal went away; nothing to tidy
    }
  }
  input.destroy(); // closes fd
  return answer;
}
