// `dpkg --configure -a` (and --pending, `--triggers-only -a`) with nothing to
// do changes nothing, and is never refused on a locked host (without
// usr-guard it is rc 0); with a package left unpacked it is still refused,
// and dpkg's database and /usr are unchanged.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeb } from '../helpers/debs.js';
import { buildImage, runAndCompare } from '../helpers/sandbox.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let image: string;
let debs: string;
beforeAll(() => {
  debs = mkdtempSync(join(tmpdir(), 'ug-debs-'));
  buildDeb(debs, 'uga');
  image = buildImage([], [`${debs}/uga_1.0_all.deb`]);
});
afterAll(() => {
  for (const d of [image, debs]) rmSync(d, { recursive: true, force: true });
});

const locked = () => ({ usr: 'image', ostreeBooted: true, image }) as const;
const DB = 'cat /var/lib/dpkg/status; find /usr -newer /etc/hostname | sort';

describe('dpkg --configure -a with nothing to configure, on a locked host', () => {
  for (const cmd of ['dpkg --configure -a', 'dpkg --configure --pending', 'dpkg --triggers-only -a']) {
    it(`${cmd}: rc 0, no refusal`, () => {
      const r = runAndCompare(locked(), '', DB, `${cmd} 2>&1`);
      expect(r.stdout).not.toMatch(/usr-guard/);
      expect(r.rc).toBe(0);
      expect(r.unchanged).toBe(true);
    });
  }

  it('with a package left unpacked: refused, nothing changed', () => {
    const r = runAndCompare(
      locked(),
      "sed -i 's/^Status: install ok installed$/Status: install ok unpacked/' /var/lib/dpkg/status",
      DB,
      'dpkg --configure -a 2>&1',
    );
    expect(r.stdout).toMatch(/usr-guard/);
    expect(r.rc).not.toBe(0);
    expect(r.unchanged).toBe(true);
  });
});
