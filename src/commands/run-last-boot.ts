// `usr-guard diff --last-boot [--json | --containerfile]`: what the last
// boot's overlay on /usr held (the record kept in /var as it changed), and
// what its packages left behind in /etc and /var. Reads only, removes
// nothing: it prints the command where one is unambiguous.

import { containerfileLines, type FileChange } from '../diff/compute.js';
import { leftovers } from '../diff/last-boot-leftovers.js';
import type { LastBoot } from '../diff/last-boot.js';
import { readLastBoot } from '../diff/last-boot-note.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';
import {
  HAND_FILES_GONE,
  lastBootContainerfileHead,
  lastBootDamaged,
  lastBootLines,
  NOTHING_RECORDED,
} from '../messages/diff.js';

/** The Containerfile lines that would keep what the overlay held; hand-changed files one line each. */
export function lastBootContainerfile(r: LastBoot): string[] {
  const groups = r.files.map((f: FileChange) => ({ path: f.path, files: [f] }));
  const lines = containerfileLines(r.packages, groups);
  lines[0] = lastBootContainerfileHead(r.bootId);
  if (r.files.length > 0) lines.push(HAND_FILES_GONE);
  return lines;
}

export async function lastBootCommand(opts: { json: boolean; containerfile: boolean }, out: Out): Promise<number> {
  const r = readLastBoot();
  if (r !== null && 'error' in r) {
    out.err([lastBootDamaged(r.error)]);
    return EXIT.INTERNAL;
  }
  const none = [NOTHING_RECORDED];
  if (opts.json) {
    out.out(`${JSON.stringify(r === null ? { lastBoot: null } : { lastBoot: r, leftovers: leftovers(r) }, null, 2)}\n`);
  } else if (opts.containerfile) {
    out.out(`${(r === null ? none.map((l) => `# ${l}`) : lastBootContainerfile(r)).join('\n')}\n`);
  } else {
    out.out(`${(r === null ? none : lastBootLines(r, leftovers(r))).join('\n')}\n`);
  }
  return EXIT.OK;
}
