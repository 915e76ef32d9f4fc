// The hook shim's parts, for tests that ask one of its functions alone (the
// shim itself has no entry for tests: its main block always runs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './sandbox.js';

export const SHIM = readFileSync(join(REPO, 'hooks/usr-guard-hook'), 'utf8');

/** The text of the shim's function `name` (from its line `name() {` to the next line `}`). */
export function shimFunction(name: string): string {
  const m = new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(SHIM);
  if (!m) throw new Error(`no function ${name} in hooks/usr-guard-hook`);
  return m[0];
}
