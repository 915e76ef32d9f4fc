// What a fleet sees of one host: the state, whether the overlay holds changes
// (how many packages and files), whether a package database is stale or
// unprotected, and the last boot's overlay. Pure: gathered by collect.ts,
// written as a node_exporter textfile (Prometheus' text format) and as
// Ansible local facts (JSON).

import { METRIC_HELP, type MetricName } from '../messages/export.js';
import { type PackageManager, STATE_NAMES, type StateName } from '../types.js';

export interface DatabaseFact {
  name: 'dpkg' | 'rpm' | 'pacman';
  path: string;
  /** What keeps it true to /usr when a transient overlay goes (dpkg and pacman; null for rpm). */
  protection: 'relocated' | 'snapshot' | 'none' | null;
  /** It describes another image than the running one (dpkg, as the boot unit finds). */
  stale: boolean;
  /** On an image host, in /var and with nothing to put it back after an overlay. */
  unprotected: boolean;
}

export interface FleetFacts {
  version: string;
  state: StateName;
  hostKind: string;
  imageBased: boolean;
  mode: string;
  overlay: {
    /** /usr has an overlay with an upper layer (an unlock). */
    present: boolean;
    holdsChanges: boolean;
    packages: Record<PackageManager, number>;
    files: number;
  };
  databases: DatabaseFact[];
  lastBoot: { bootId: string; packages: number; files: number } | null;
  /** When this was gathered, in seconds since the epoch. */
  time: number;
}

/** A label value in Prometheus' text format: backslash, double quote and newline escaped. */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** One metric family: its HELP and TYPE lines, then its samples. */
function family(name: MetricName, samples: [Record<string, string>, number][]): string[] {
  const lines = [`# HELP ${name} ${METRIC_HELP[name]}`, `# TYPE ${name} gauge`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels)
      .map(([k, v]) => `${k}="${label(v)}"`)
      .join(',');
    lines.push(`${name}${l ? `{${l}}` : ''} ${value}`);
  }
  return lines;
}

const bit = (b: boolean) => (b ? 1 : 0);

/** The node_exporter textfile: usr_guard_… gauges, labels on _info, one sample per state. */
export function prometheusText(f: FleetFacts): string {
  const managers: PackageManager[] = ['apt', 'dnf', 'pacman'];
  return `${[
    ...family('usr_guard_info', [[{ version: f.version, host_kind: f.hostKind, mode: f.mode }, 1]]),
    ...family(
      'usr_guard_state',
      STATE_NAMES.map((s) => [{ state: s }, bit(s === f.state)]),
    ),
    ...family('usr_guard_image_based', [[{}, bit(f.imageBased)]]),
    ...family('usr_guard_overlay_present', [[{}, bit(f.overlay.present)]]),
    ...family('usr_guard_overlay_changes', [[{}, bit(f.overlay.holdsChanges)]]),
    ...family(
      'usr_guard_overlay_packages',
      managers.map((m) => [{ manager: m }, f.overlay.packages[m]]),
    ),
    ...family('usr_guard_overlay_files', [[{}, f.overlay.files]]),
    ...family(
      'usr_guard_database_stale',
      f.databases.map((d) => [{ database: d.name }, bit(d.stale)]),
    ),
    ...family(
      'usr_guard_database_unprotected',
      f.databases.map((d) => [{ database: d.name }, bit(d.unprotected)]),
    ),
    ...family('usr_guard_last_boot_packages', [[{}, f.lastBoot?.packages ?? 0]]),
    ...family('usr_guard_last_boot_files', [[{}, f.lastBoot?.files ?? 0]]),
    ...family('usr_guard_report_timestamp_seconds', [[{}, f.time]]),
  ].join('\n')}\n`;
}

/** Ansible's local facts (ansible_local.usr_guard): the same, as one JSON object. */
export function ansibleFacts(f: FleetFacts): string {
  return `${JSON.stringify(
    {
      version: f.version,
      state: f.state,
      host_kind: f.hostKind,
      image_based: f.imageBased,
      mode: f.mode,
      overlay: {
        present: f.overlay.present,
        holds_changes: f.overlay.holdsChanges,
        packages: f.overlay.packages,
        files: f.overlay.files,
      },
      databases: f.databases,
      last_boot:
        f.lastBoot === null
          ? null
          : { boot_id: f.lastBoot.bootId, packages: f.lastBoot.packages, files: f.lastBoot.files },
      time: f.time,
    },
    null,
    2,
  )}\n`;
}
