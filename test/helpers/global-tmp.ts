// Vitest's global setup: one private folder for every temporary folder the
// tests make (os.tmpdir() follows TMPDIR), removed at the end. The tests
// remove their own folders; what is left here is a leak, named on the way out.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;

export function setup(): void {
  dir = mkdtempSync(join(tmpdir(), 'usr-guard-tests-'));
  process.env.TMPDIR = dir;
}

export function teardown(): void {
  if (!dir) return;
  const left = readdirSync(dir);
  if (left.length > 0) console.warn(`usr-guard tests: left behind (removed now): ${left.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
}
