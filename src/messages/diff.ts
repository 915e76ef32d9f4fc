// The words of `usr-guard diff` and `diff --last-boot` (src/commands/run-diff.ts,
// run-last-boot.ts): what the overlay holds, or held, and what its packages
// left behind; the notes computing it adds. Pure.

import type { FileGroup, PackageChange } from '../diff/compute.js';
import type { Leftovers } from '../diff/last-boot-leftovers.js';
import type { LastBoot } from '../diff/last-boot.js';
import type { Diff } from '../diff/compute.js';
import { printable } from '../printable.js';
import type { PackageManager } from '../types.js';
import { whenGone } from './overlay.js';

/** A package change's version as diff says it: the new one, the old one gone, or old -> new. */
const versionText = (p: Pick<PackageChange, 'change' | 'version' | 'fromVersion'>): string | null =>
  p.change === 'removed'
    ? `(was ${p.fromVersion})`
    : p.change === 'upgraded'
      ? `${p.fromVersion} -> ${p.version}`
      : p.version;

export const diffNotImageBased = (state: string) =>
  `usr-guard diff: this host is not image-based (${state}): there is no image to compare /usr with.`;

export const diffNoOverlay = (state: string) => `nothing changed: /usr has no overlay (${state}).`;

/** Why the upper layer's files are not listed: mountinfo gives no path to it. */
export const NO_UPPER_LAYER = 'mountinfo names no upper layer';

export const ownersGoneNote = (manager: string) =>
  `${manager}: which files the image's packages owned is no longer known (dpkg's snapshot of this boot's first change is gone): files of packages removed or upgraded may show as changed by hand`;

export const UPPER_CUT_NOTE = 'the upper layer holds more files than are read: the list is cut short';

export const filesNotCompared = (why: string) => `files not compared: ${why}`;

/** The upper layer cannot be read: what that leaves out. `composefs`: a composefs host, whose overlay need not have a path. */
export function filesNotListedNote(why: string, composefs: boolean): string {
  return composefs
    ? `files changed by hand cannot be listed: on this composefs host the overlay's upper layer is not reachable by a path (${why}); only the packages are compared`
    : filesNotCompared(why);
}

const TOOL: Record<PackageManager, string> = { apt: 'apt or dpkg', dnf: 'dnf or rpm', pacman: 'pacman' };

/** No list of the image's packages was kept for `manager` (diff/notes.ts says when this is said). */
export const noBaselineLine = (manager: PackageManager) =>
  `packages changed with ${TOOL[manager]} are not listed: usr-guard did not keep the list of the image's packages before this boot's first change (it was not installed or not watching then), so there is nothing to compare with`;

/** What plain `usr-guard diff` says of an overlay; `groups`: its files, folded into folders (groupFiles). */
export function diffLines(d: Diff, groups: FileGroup[], listed: boolean): string[] {
  const o = d.overlay!;
  const hotfix = o.state === 'image-hotfix';
  const lines = [
    `/usr has ${hotfix ? 'a hotfix' : 'a transient'} overlay (${o.state}): what it holds goes ${whenGone(hotfix)}.`,
  ];
  if (d.packages.length === 0 && d.files.length === 0 && listed)
    lines.push('nothing changed: the overlay holds no changes.');
  const count = (xs: { change: string }[], kinds: string[]) =>
    kinds.map((k) => `${xs.filter((x) => x.change === k).length} ${k}`).join(', ');
  if (d.packages.length > 0) {
    lines.push(`packages: ${count(d.packages, ['added', 'removed', 'upgraded'])}`);
    const width = Math.max(4, ...d.packages.map((p) => p.manager.length));
    for (const p of d.packages) {
      const version = versionText(p);
      const how = p.packageFile ? ` (from ${printable(p.packageFile)})` : p.autoInstalled ? ' (with another)' : '';
      lines.push(
        `  ${p.manager.padEnd(width)} ${p.change.padEnd(9)} ${printable(p.name)} ${printable(version ?? '')}${how}`,
      );
    }
  }
  if (d.files.length > 0) {
    lines.push(`files: ${count(d.files, ['added', 'changed', 'deleted'])} (of no package that changed)`);
    // A group of several is a folder of files added by hand.
    for (const g of groups)
      lines.push(
        `  ${g.files[0]!.change.padEnd(8)} ${printable(g.path)}${g.files.length > 1 ? ` (${g.files.length} files)` : ''}`,
      );
  }
  for (const n of o.notes) lines.push(`note: ${printable(n)}`);
  if (d.packages.length > 0 || d.files.length > 0)
    lines.push('To keep them: usr-guard keep (the lines: usr-guard diff --containerfile)');
  return lines;
}

/** One shell word, for the commands printed. */
const word = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

const WHO: Record<LastBoot['how'], string> = {
  change: 'at its last package change usr-guard saw',
  boot: "at the next boot, from the database the overlay left (its hand changes: at that boot's last change usr-guard saw)",
  drop: "by 'usr-guard overlay --drop', before it went",
};

/** What `usr-guard diff --last-boot` says of the record. */
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
      const v = versionText(p);
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

/** The first line of `diff --last-boot --containerfile`, in place of plain diff's. */
export const lastBootContainerfileHead = (bootId: string) =>
  `# What the transient overlay on /usr of boot ${bootId} held, as Containerfile lines (usr-guard diff --last-boot).`;

export const HAND_FILES_GONE =
  '# The files changed by hand went with the overlay: their content must come from where they were made.';

export const lastBootDamaged = (why: string) =>
  `usr-guard: diff --last-boot: the record of the last boot's overlay is damaged (${why}).`;

export const NOTHING_RECORDED =
  "nothing recorded: no earlier boot's overlay on /usr held a change that usr-guard saw (the record is kept from the first change of a boot on).";
