// The edge of apt's JSON hooks: the socket apt hands the hook in
// $APT_HOOK_SOCKET. Read the hello, answer it, read the one notification.
// The bye that follows is not waited for: apt ignores SIGPIPE while it talks
// to a hook and reads only its exit status then (private-json-hooks.cc).

import { readSync, writeSync } from 'node:fs';
import {
  helloAnswer,
  JsonHookError,
  parseHello,
  parseNotification,
  type JsonHello,
  type JsonNotification,
} from './json.js';

const END = Buffer.from('\n\n');

/** Reads whole messages off the socket, however the bytes arrive. */
class MessageReader {
  private buf = Buffer.alloc(0);
  constructor(private readonly fd: number) {}

  next(what: string): string {
    for (;;) {
      const end = this.buf.indexOf(END);
      if (end >= 0) {
        const text = this.buf.subarray(0, end).toString('utf8').trim();
        this.buf = this.buf.subarray(end + END.length);
        if (text !== '') return text;
        continue;
      }
      const chunk = Buffer.alloc(65536);
      let n: number;
      try {
        n = readSync(this.fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw new JsonHookError(
          `apt JSON hook: cannot read the ${what} from descriptor ${this.fd} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
      if (n === 0) throw new JsonHookError(`apt JSON hook: apt closed the socket before the ${what}`);
      this.buf = Buffer.concat([this.buf, chunk.subarray(0, n)]);
    }
  }
}

/** The socket's descriptor from APT_HOOK_SOCKET, said plainly when it is not one. */
export function hookSocket(env: NodeJS.ProcessEnv): number {
  const fd = env.APT_HOOK_SOCKET ?? '';
  if (!/^\d{1,4}$/.test(fd))
    throw new JsonHookError(
      `apt JSON hook: APT_HOOK_SOCKET=${JSON.stringify(fd).slice(0, 40)} is not a file descriptor`,
    );
  return Number(fd);
}

export function exchange(fd: number): { hello: JsonHello; notification: JsonNotification } {
  const reader = new MessageReader(fd);
  const hello = parseHello(reader.next('hello'));
  const answer = Buffer.from(helloAnswer(hello));
  try {
    for (let off = 0; off < answer.length; ) off += writeSync(fd, answer, off);
  } catch (e) {
    throw new JsonHookError(
      `apt JSON hook: cannot answer apt's hello (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return { hello, notification: parseNotification(reader.next('notification')) };
}
