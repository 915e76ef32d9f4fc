// dnf5's actions plugin in "json" mode (actions(8), libdnf5-plugins/actions):
// the action writes requests on stdout and reads one reply per line on stdin.
// At goal_resolved it asks for the transaction (dnf5 runs the action for an
// empty one too: "Nothing to do" is then no change), and stops dnf5 with the
// `stop` operation (actions 1.4.0, dnf5 5.2.11.0).

import { readSync, writeSync } from 'node:fs';
import { UsageError } from '../../exit-codes.js';

/** Bad input from dnf5: exit 2 with this one line, never a stack trace. */
export class Dnf5ActionError extends UsageError {}

function send(request: object): void {
  const line = Buffer.from(`${JSON.stringify(request)}\n`);
  for (let off = 0; off < line.length; ) off += writeSync(1, line, off);
}

/** One reply line from stdin, however the bytes arrive. */
function reply(what: string): Record<string, unknown> {
  let buf = Buffer.alloc(0);
  for (;;) {
    const end = buf.indexOf(10);
    if (end >= 0) {
      try {
        const v: unknown = JSON.parse(buf.subarray(0, end).toString('utf8'));
        if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
      } catch {
        // said below
      }
      throw new Dnf5ActionError(`dnf5 action: the reply about ${what} is not a JSON object`);
    }
    const chunk = Buffer.alloc(65536);
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      throw new Dnf5ActionError(
        `dnf5 action: cannot read the reply about ${what} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      );
    }
    if (n === 0) throw new Dnf5ActionError(`dnf5 action: dnf5 closed the pipe before the reply about ${what}`);
    buf = Buffer.concat([buf, chunk.subarray(0, n)]);
  }
}

function get(domain: string, args: object): Record<string, unknown> {
  send({ op: 'get', domain, args });
  const r = reply(domain);
  if (r.status !== 'OK')
    throw new Dnf5ActionError(`dnf5 action: ${domain}: ${String(r.message ?? 'not OK')}`.slice(0, 200));
  return typeof r.return === 'object' && r.return !== null ? (r.return as Record<string, unknown>) : {};
}

export interface Dnf5Transaction {
  /** Coming in (installed, upgraded, downgraded, reinstalled), and erased. */
  incoming: string[];
  erased: string[];
}

/** Parse the reply. Pure. */
export function dnf5Transaction(trans: Record<string, unknown>): Dnf5Transaction {
  const items = Array.isArray(trans.trans_packages) ? trans.trans_packages : [];
  const names = (actions: string) => [
    ...new Set(
      items
        .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null)
        .filter((p) => typeof p.name === 'string' && actions.includes(String(p.action)))
        .map((p) => p.name as string),
    ),
  ];
  // "O" (replaced) and "?" (a changed reason) go with an incoming package or change nothing on disk.
  return { incoming: names('IUDR'), erased: names('E') };
}

/** The transaction dnf5 resolved (package files named on its command line are read from its argv: dnf5 tells them only earlier). */
export function readDnf5Transaction(): Dnf5Transaction {
  return dnf5Transaction(get('trans_packages', { output: ['name', 'action'] }));
}

/** The request that stops dnf5 (the hook shim's fallback sends the same: test/unit/messages.test.ts). Pure. */
export const stopRequest = (message: string) => ({ op: 'stop', domain: 'stop', args: { message } });

/** Stop dnf5 with `message` (it prints "Action calls for stop: <message>"). */
export function stopDnf5(message: string): void {
  send(stopRequest(message));
}
