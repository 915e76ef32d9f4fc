// `usr-guard status [--json] [--deep]`: the state, for a person at a glance or as JSON.

import type { DeepResult } from '../probe/bootc.js';
import type { Config, DatabaseFacts, StateName, SystemState } from '../types.js';

/** What usr-guard does to a changing apt/dnf command in each state. */
const EFFECT: Record<StateName, string> = {
  'mutable-host': 'package changes proceed; usr-guard stays silent',
  container: 'package changes proceed (a container or image build); usr-guard stays silent',
  'image-locked': 'package changes are refused before anything is downloaded',
  'image-overlay': 'package changes proceed, with a warning that /usr changes are discarded at reboot',
  'image-overlay-readonly': "package changes are refused until the overlay is remounted read-write",
  'image-hotfix': 'package changes proceed, with a warning that /usr changes go at the next deployment',
  'readonly-usr': 'package changes are refused: /usr is read-only',
  unknown: 'package changes proceed, with a warning that usr-guard could not tell',
};

const PROTECTION: Record<SystemState['dpkgProtection'], string> = {
  relocated: 'relocated into the image: it goes with /usr',
  snapshot: 'snapshot before a transient overlay, put back at the next boot (usr-guard-restore-dpkg-db.service)',
  none: 'no: after a transient overlay dpkg will list packages whose files are gone',
};

function dbLine(db: DatabaseFacts | null): string {
  if (!db) return 'none found';
  const where = db.realPath === db.path ? db.path : `${db.path} -> ${db.realPath}`;
  return `${where} (${db.onUsr ? 'under /usr: goes with the image' : 'persistent: outlives a discarded /usr'})`;
}

function hostLine(s: SystemState): string {
  const os = s.host.os.prettyName ?? s.host.os.id ?? 'unknown OS';
  if (!s.host.imageBased) return `${os}, not image-based`;
  const backend = s.host.composefs ? 'composefs' : 'ostree';
  const kind = s.host.kind === 'bootc' ? `bootc (${backend} backend)` : backend;
  const unlock = s.host.unlocked ? `, unlocked: ${s.host.unlocked}` : '';
  return `${os}, image-based: ${kind}${unlock}`;
}

function usrLine(s: SystemState): string {
  const u = s.usr;
  if (!u) return 'unknown';
  const overlay = u.overlay === 'unlock' ? ', overlay with an upper layer' : u.overlay === 'image' ? ', overlay of image layers only' : '';
  return `${u.fsType} from ${u.source} at ${u.mountPoint}, ${u.readOnly ? 'read-only' : 'writable'}${overlay}`;
}

function deepLine(d: DeepResult): string {
  if (!d.ok) return d.error;
  const ov = d.status.usrOverlay ? `, /usr overlay: ${d.status.usrOverlay.persistence}, ${d.status.usrOverlay.accessMode}` : '';
  return d.status.tracked ? `tracks ${d.status.image ?? 'an image'}${ov}` : 'not tracking an image';
}

export function renderStatus(s: SystemState, config: Config, deep: DeepResult | null): string {
  const rows: [string, string][] = [
    ['host', hostLine(s)],
    ['container', s.container.detected ? `yes (${s.container.signs.join(', ')})` : 'no'],
    ['/usr', usrLine(s)],
    ['dpkg db', dbLine(s.dpkgDatabase)],
    ['dpkg db kept true', PROTECTION[s.dpkgProtection]],
    ['rpm db', dbLine(s.rpmDatabase)],
    ['mode', config.mode],
  ];
  if (deep) rows.push(['bootc', deepLine(deep)]);
  for (const u of s.unknowns) rows.push(['unknown', u]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `state: ${s.state}`,
    `  ${s.why}`,
    `  ${config.mode === 'off' ? 'usr-guard is off (mode = off): package changes proceed unchecked' : EFFECT[s.state]}`,
    '',
    ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`),
    '',
  ].join('\n');
}

export function statusJson(s: SystemState, config: Config, deep: DeepResult | null): string {
  return JSON.stringify({ ...s, mode: config.mode, ...(deep ? { bootc: deep } : {}) }, null, 2) + '\n';
}
