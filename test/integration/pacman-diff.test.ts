// usr-guard diff and the login reminder after pacman on an overlay, with
// Debian's real pacman. The overlay is made inside the sandbox, as 'bootc
// usr-overlay' makes it, so that the upper layer mountinfo names is there.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockedBoot, UNLOCK_IN_BOOT as OVERLAY } from '../helpers/boots.js';
import { removeAll } from '../helpers/fixtures.js';
import {
  buildPacmanRepo,
  buildPkg,
  missingPacmanTool,
  pacmanInstallInto,
  pacmanUseRepo,
} from '../helpers/pacman-pkgs.js';
import { NO_CHECKSPACE } from '../helpers/pacman-runs.js';
import { buildImage, runInSandbox } from '../helpers/sandbox.js';

const missing = missingPacmanTool();
const between = (out: string, from: string, to: string) =>
  out.slice(out.indexOf(from) + from.length, out.indexOf(to, out.indexOf(from)));

let image: string;
let repo: string;
let varDir: string;
let r: ReturnType<typeof runInSandbox>;
beforeAll(() => {
  if (missing) return;
  repo = buildPacmanRepo(['ugfoo']);
  // The image holds ugbar, which the overlay's run removes.
  image = buildImage();
  pacmanInstallInto(image, [buildPkg(repo, 'ugbar', '1-1')]);
  varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  r = runInSandbox({
    ...lockedBoot(image, varDir),
    script: `${pacmanUseRepo(repo)}\n${NO_CHECKSPACE}\n${OVERLAY}
pacman -S --noconfirm ugfoo >/dev/null 2>&1 && pacman -R --noconfirm ugbar >/dev/null 2>&1
echo "@@json:"; usr-guard diff --json; echo "@@containerfile:"; usr-guard diff --containerfile; echo "@@human:"; usr-guard diff
echo "@@login:"; script -qec 'sh -l -c true' /dev/null </dev/null; echo "@@end"`,
  });
});
afterAll(() => removeAll(image, repo, varDir));

describe.skipIf(missing !== null)('usr-guard diff after pacman on an overlay', () => {
  it("lists pacman's packages, and no file of theirs as a loose file", () => {
    const d = JSON.parse(between(r.stdout, '@@json:', '@@containerfile:'));
    expect(d.packages).toEqual([
      { manager: 'pacman', name: 'ugbar', change: 'removed', version: null, fromVersion: '1-1' },
      { manager: 'pacman', name: 'ugfoo', change: 'added', version: '1-1', fromVersion: null },
    ]);
    expect(d.files).toEqual([]);
    expect(d.overlay.baseline).toMatchObject({ pacman: 'usr-guard' });
  });

  it('prints the Containerfile lines that keep them', () => {
    expect(between(r.stdout, '@@containerfile:', '@@human:').trim().split('\n')).toEqual([
      "# What this boot's transient overlay on /usr holds, as Containerfile lines (usr-guard diff).",
      'RUN pacman -S --noconfirm ugfoo',
      'RUN pacman -R --noconfirm ugbar',
    ]);
  });

  it('says them to a person, and at login', () => {
    const human = between(r.stdout, '@@human:', '@@login:');
    expect(human).toContain(
      'packages: 1 added, 1 removed, 0 upgraded\n  pacman removed   ugbar (was 1-1)\n  pacman added     ugfoo 1-1\n',
    );
    // The reminder speaks only to a terminal (script gives one), and names nothing: diff says what the overlay holds.
    expect(between(r.stdout, '@@login:', '@@end').replace(/\r/g, '').trim()).toBe(
      "usr-guard: this boot's overlay on /usr holds changes; they go at reboot. To see them: usr-guard diff (to keep them: usr-guard keep)",
    );
  });
});
