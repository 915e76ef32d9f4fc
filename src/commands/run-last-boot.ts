// `usr-guard diff --last-boot [--json | --containerfile]`: what the last
// boot's overlay on /usr held (the record kept in /var as it changed), and
// what its packages left behind in /etc and /var. Reads only, removes
// nothing: it prints the command where one is unambiguous.

import { containerfileLines, type FileChange } from '../diff/compute.js';
import { type Leftovers, leftovers } from '../diff/last-boot-leftovers.js';
import type { LastBoot } from '../diff/last-boot.js';
import { readLastBoot } from '../diff/last-boot-note.js';
import { EXIT } from '../exit-codes.js';
import type { Out } from '../output.js';

/** One shell word, for the commands printed. */
const word = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const WHO: Record<LastBoot['how'], string> = {
  change: 'at its last package change usr-guard saw',
  boot: "at the next boot, from the database the overlay left (its hand changes: at that boot's last change usr-guard saw)",
  drop: "by 'usr-guard overlay --drop', before it went",
};

export function lastBootLines(r: LastBoot, left: Leftovers): string[] {
  const count = (xs: { change: string }[], kinds: string[]) =>
    kinds.map((k) => `${xs.filter((x) => x.change === k).length} ${k}`).join(', ');
  const lines = [
    `The overlay on /usr of boot ${r.bootId} (${r.state}) held, as recorded ${WHO[r.how]} (${r.updated}):`,
  ];
  if (r.packages.length === 0 && r.files.length === 0) lines.push('no changes.');
  if (r.packages.length > 0) {
    lines.push(`packages: ${count(r.packages, ['added', 'removed', 'upgraded'])}`);
    for (const p of r.packages) {
      const v =
        p.change === 'removed'
          ? `(was ${p.fromVersion})`
          : p.change === 'upgraded'
            ? `${p.fromVersion} -> ${p.version}`
            : p.version;
      lines.push(`  ${p.manager.padEnd(6)} ${p.change.padEnd(9)} ${p.name} ${v}`);
    }
  }
  if (r.files.length > 0) {
    lines.push(`files changed by hand: ${count(r.files, ['added', 'changed', 'deleted'])}`);
    for (const f of r.files) lines.push(`  ${f.change.padEnd(8)} ${f.path}`);
  }
  if (r.filesCut > 0) lines.push(`  (and ${r.filesCut} more, not kept: the record keeps ${r.files.length})`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  const any = left.conffiles.length + left.links.length + left.folders.length + left.users.length > 0;
  lines.push(
    any
      ? 'Left behind in /etc and /var (usr-guard removes nothing itself):'
      : 'Nothing of theirs is left in /etc or /var that usr-guard can tell.',
  );
  for (const c of left.conffiles) lines.push(`  conffile of ${c.package}, which is gone: rm ${word(c.path)}`);
  for (const l of left.links)
    lines.push(
      `  enablement link to ${l.unit}, which is gone${l.package ? ` (of ${l.package})` : ''}: systemctl disable ${word(l.unit)}   # ${l.link}`,
    );
  if (left.folders.length + left.users.length > 0) lines.push('For a person to judge (data may be in them):');
  for (const f of left.folders) lines.push(`  state folder of ${f.package}: ${f.path}`);
  for (const u of left.users) lines.push(`  system user ${u.name} (uid ${u.uid}, home ${u.home})`);
  if (r.packages.length > 0 || r.files.length > 0)
    lines.push('To put them into the image: usr-guard diff --last-boot --containerfile');
  return lines;
}

/** The Containerfile lines that would keep what the overlay held; hand-changed files one line each. */
export function lastBootContainerfile(r: LastBoot): string[] {
  const groups = r.files.map((f: FileChange) => ({ path: f.path, files: [f] }));
  const lines = containerfileLines(r.packages, groups);
  lines[0] = `# What the transient overlay on /usr of boot ${r.bootId} held, as Containerfile lines (usr-guard diff --last-boot).`;
  if (r.files.length > 0)
    lines.push('# The files changed by hand went with the overlay: their content must come from where they were made.');
  return lines;
}

export async function lastBootCommand(opts: { json: boolean; containerfile: boolean }, out: Out): Promise<number> {
  const r = readLastBoot();
  if (r !== null && 'error' in r) {
    out.err([`usr-guard: diff --last-boot: the record of the last boot's overlay is damaged (${r.error}).`]);
    return EXIT.INTERNAL;
  }
  const none = [
    "nothing recorded: no earlier boot's overlay on /usr held a change that usr-guard saw (the record is kept from the first change of a boot on).",
  ];
  if (opts.json) {
    out.out(`${JSON.stringify(r === null ? { lastBoot: null } : { lastBoot: r, leftovers: leftovers(r) }, null, 2)}\n`);
  } else if (opts.containerfile) {
    out.out(`${(r === null ? none.map((l) => `# ${l}`) : lastBootContainerfile(r)).join('\n')}\n`);
  } else {
    out.out(`${(r === null ? none : lastBootLines(r, leftovers(r))).join('\n')}\n`);
  }
  return EXIT.OK;
}
