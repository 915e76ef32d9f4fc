// `usr-guard status [--json] [--deep]`: the state, for a person at a glance or as JSON.

import type { DpkgDbReport } from '../dpkg-db/report.js';
import {
  AFTER_REBOOT,
  dbLine,
  deepRows,
  dpkgRows,
  EFFECT,
  hostLine,
  lockedLines,
  OFF_LINE,
  PACMAN_AFTER_REBOOT,
  usrLine,
} from '../messages/status.js';
import type { DeepResult } from '../probe/bootc.js';
import type { Config, SystemState } from '../types.js';

export function renderStatus(
  s: SystemState,
  config: Config,
  deep: DeepResult | null,
  db: DpkgDbReport | null = null,
): string {
  // Reboots and images matter only on an image host, not in a container or on a mutable one.
  const imageHost = s.host.imageBased && !s.container.detected;
  const rows: [string, string][] = [
    ['host', hostLine(s)],
    ['container', s.container.detected ? `yes (${s.container.signs.join(', ')})` : 'no'],
    ['/usr', usrLine(s)],
    ['dpkg db', dbLine(s.dpkgDatabase, imageHost)],
    ...(imageHost && s.dpkgDatabase ? [['after a reboot', AFTER_REBOOT[s.dpkgProtection]] as [string, string]] : []),
    ...dpkgRows(db, imageHost),
    ['rpm db', dbLine(s.rpmDatabase, imageHost)],
    // Only where pacman is installed: most hosts have none, and need no line saying so.
    ...(s.pacmanDatabase ? [['pacman db', dbLine(s.pacmanDatabase, imageHost)] as [string, string]] : []),
    ...(imageHost && s.pacmanDatabase
      ? [['after a reboot', PACMAN_AFTER_REBOOT[s.pacmanProtection]] as [string, string]]
      : []),
    ['mode', config.mode],
  ];
  if (deep) rows.push(...deepRows(deep));
  for (const u of s.unknowns) rows.push(['unknown', u]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `state: ${s.state}`,
    `  ${s.why}`,
    ...(config.mode === 'off' ? [OFF_LINE] : (lockedLines(s, config.mode) ?? [EFFECT[s.state]])).map((l) => `  ${l}`),
    '',
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    '',
  ].join('\n');
}

/**
 * The state as JSON, one name per thing: what is known of dpkg's database
 * (where it is, and usr-guard's care of it: dpkg-db/report.ts) under
 * dpkgDatabase, and pacman's under pacmanDatabase, its snapshot with it. Every
 * field is listed in `status --help` and usr-guard(8).
 */
export function statusJson(
  s: SystemState,
  config: Config,
  deep: DeepResult | null,
  db: DpkgDbReport | null = null,
): string {
  const { dpkgSnapshotTaken: _dpkg, pacmanSnapshotTaken, ...rest } = s;
  const json = {
    ...rest,
    dpkgDatabase: s.dpkgDatabase && { ...s.dpkgDatabase, ...db },
    pacmanDatabase: s.pacmanDatabase && { ...s.pacmanDatabase, snapshotTaken: pacmanSnapshotTaken === true },
    mode: config.mode,
    ...(deep ? { bootc: deep } : {}),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}
