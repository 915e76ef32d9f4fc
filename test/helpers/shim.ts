// The hook shim's parts, for tests that ask one of its functions alone (the
// shim itself has no entry for tests: its main block always runs).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './sandbox.js';

export const SHIM = readFileSync(join(REPO, 'hooks/usr-guard-hook'), 'utf8');

/** The text of the shim's function `name` (from its line `name() {` to the next line `}`). */
export function shimFunction(name: string): string {
  const m = new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(SHIM);
  if (!m) throw new Error(`no function ${name} in hooks/usr-guard-hook`);
  return m[0];
}

/**
 * The two sides of a conformance test (who-speaks*.test.ts), written into `dir`: `shell`, the shim (or
 * `shell`'s text), and `node`, the same shim whose record lookup always answers "node", so that
 * `usr-guard check` decides every hook.
 */
export function writeShimSides(dir: string, shell = SHIM): void {
  const node = SHIM.replace(/^usr_guard_speaker "\$@"$/m, 'usr_guard_speaks=node');
  if (node === SHIM) throw new Error('no line \'usr_guard_speaker "$@"\' in hooks/usr-guard-hook to take out');
  writeFileSync(join(dir, 'shell'), shell);
  writeFileSync(join(dir, 'node'), node);
}
