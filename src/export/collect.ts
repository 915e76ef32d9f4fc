// Gather the fleet's facts (facts.ts) on this host, and write the files the
// configuration's [export] section names: the node_exporter textfile and
// Ansible's local facts, each whole (a new file, fsync, rename), so that a
// collector never reads half of one. Run by `status --prometheus`/`--export`,
// the boot unit (usr-guard-export.service), and at each change node sees on
// an overlay (src/diff/last-boot-change.ts): never on the hooks' other paths.

import { compute } from '../commands/run-diff.js';
import type { Diff } from '../diff/compute.js';
import type { FileChange, PackageChange } from '../diff/compute.js';
import { readLastBoot } from '../diff/last-boot-note.js';
import { dirname } from 'node:path';
import { makeDirs, writeFileAtomic } from '../fs/atomic-write.js';
import { ANSIBLE_FILE, couldNotWriteFile, PROMETHEUS_FILE, wroteExport } from '../messages/export.js';
import type { Config, PackageManager, SystemState } from '../types.js';
import { VERSION } from '../version.js';
import { ansibleFacts, type DatabaseFact, type FleetFacts, prometheusText } from './facts.js';

/** What the overlay holds now, where there is one: the diff's own computation. */
export function overlayDiff(s: SystemState): Diff | null {
  return s.usr?.overlay === 'unlock' && s.host.imageBased && !s.container.detected ? compute(s).diff : null;
}

/** What the overlay holds, as far as the fleet's files count it. */
type Held = { packages: PackageChange[]; files: FileChange[] } | null;

export async function collectFacts(s: SystemState, config: Config, diff: Held = overlayDiff(s)): Promise<FleetFacts> {
  const imageHost = s.host.imageBased && !s.container.detected;
  const packages: Record<PackageManager, number> = { apt: 0, dnf: 0, pacman: 0 };
  for (const p of diff?.packages ?? []) packages[p.manager]++;
  const files = diff?.files.length ?? 0;
  const stale = s.dpkgDatabase ? (await import('../dpkg-db/report.js')).dpkgDbReport().stale !== null : false;
  const databases: DatabaseFact[] = [];
  const db = (
    name: DatabaseFact['name'],
    facts: SystemState['dpkgDatabase'],
    protection: DatabaseFact['protection'],
  ) => {
    if (facts)
      databases.push({
        name,
        path: facts.path,
        protection,
        stale: name === 'dpkg' && stale,
        unprotected: imageHost && !facts.onUsr && protection === 'none',
      });
  };
  db('dpkg', s.dpkgDatabase, s.dpkgProtection);
  db('rpm', s.rpmDatabase, null);
  db('pacman', s.pacmanDatabase, s.pacmanProtection);
  const last = readLastBoot();
  return {
    version: VERSION,
    state: s.state,
    hostKind: s.host.kind,
    imageBased: imageHost,
    mode: config.mode,
    overlay: {
      present: diff !== null,
      holdsChanges: packages.apt + packages.dnf + packages.pacman + files > 0,
      packages,
      files,
    },
    databases,
    lastBoot:
      last === null || 'error' in last
        ? null
        : { bootId: last.bootId, packages: last.packages.length, files: last.files.length + last.filesCut },
    time: Math.floor(Date.now() / 1000),
  };
}

/** Write the files [export] names; one line each saying what was written, or why not. Never throws. */
export function writeExports(config: Config, facts: FleetFacts): { wrote: string[]; failed: string[] } {
  const wrote: string[] = [];
  const failed: string[] = [];
  const files: [string | null, () => string, string][] = [
    [config.export.prometheus, () => prometheusText(facts), PROMETHEUS_FILE],
    [config.export.ansibleFacts, () => ansibleFacts(facts), ANSIBLE_FILE],
  ];
  for (const [path, text, what] of files) {
    if (path === null) continue;
    try {
      // The configuration asked for it: its folder too (Ansible's facts.d is often not there yet).
      makeDirs(dirname(path), 0o755);
      // Readable by all: node_exporter and Ansible's setup do not run as root everywhere.
      writeFileAtomic(path, Buffer.from(text()), 0o644);
      wrote.push(wroteExport(what, path));
    } catch (e) {
      failed.push(couldNotWriteFile(what, (e as Error).message));
    }
  }
  return { wrote, failed };
}
