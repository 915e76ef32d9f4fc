// status --json: one name per thing, and every name documented (issue 29):
// in `status --help` and in usr-guard(8), once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { statusJson } from '../../src/commands/status.js';
import { HELP } from '../../src/help.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { stateOf } from '../helpers/states.js';
import { REPO } from '../helpers/sandbox.js';

it('every field of status --json (and of its usr and databases) is named in status --help and usr-guard(8)', () => {
  const s = {
    ...stateOf('image-overlay'),
    dpkgSnapshotTaken: true,
    pacmanDatabase: { path: '/var/lib/pacman', realPath: '/var/lib/pacman', onUsr: false },
    pacmanSnapshotTaken: false,
  };
  const report = {
    location: 'var',
    snapshot: null,
    migrationPending: false,
    stale: null,
    record: 'absent',
    bootUnitNote: null,
  } as const;
  const json = JSON.parse(statusJson(s, defaultConfig(), null, report));
  const nested = ['usr', 'dpkgDatabase', 'rpmDatabase', 'pacmanDatabase'];
  const names = [...Object.keys(json), ...nested.flatMap((k) => Object.keys(json[k]))];
  expect(Object.keys(json)).not.toContain('dpkgDb');
  expect(Object.keys(json).filter((k) => /SnapshotTaken/.test(k))).toEqual([]);
  expect(json.pacmanDatabase.snapshotTaken).toBe(false);
  const man = readFileSync(join(REPO, 'man/usr-guard.8'), 'utf8');
  const manJson = man.slice(man.indexOf('.B \\-\\-json\nprints'), man.indexOf('.B \\-\\-deep\nalso runs'));
  for (const name of new Set(names)) {
    expect(HELP.status, name).toMatch(new RegExp(`\\b${name}\\b`));
    expect(manJson, name).toMatch(new RegExp(`^\\.[BR]{1,2} (\\( )?${name}\\b`, 'm'));
  }
});
