// One node start per package-manager run on an image host with an overlay:
// the hook that decides; the others answer in the shell while /usr is
// writable. On a locked host the first hook refuses and nothing else runs.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { COUNT_NODE_STARTS, nodeStarts } from '../helpers/node-starts.js';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { runInSandbox } from '../helpers/sandbox.js';

let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello'])));
afterAll(() => removeAll(image, repo));

describe('node starts once per run', () => {
  it.each([
    ['apt-get install', 'apt-get install -y ughello', ['node apt-json']],
    ['apt install', 'apt install -y ughello', ['node apt-json']],
    // The boot's second change: node decided the first; the room check alone, which says the record's line (replay.test.ts).
    [
      'apt-get remove, after an install',
      'apt-get install -y ughello >/dev/null 2>&1 && : > /tmp/node-starts && apt-get remove -y ughello',
      ['node apt-json'],
    ],
    [
      'python-apt (a libapt front end: Pre-Install-Pkgs decides)',
      `python3 -c 'import apt; c = apt.Cache(); c["ughello"].mark_install(); c.commit()'`,
      ['node apt-pkgs'],
    ],
    ['bare dpkg -i', 'dpkg -i $REPO/ughello_1.0_all.deb', ['node dpkg']],
    ['aptitude (its dpkg runs get no DPKG_FRONTEND_LOCKED)', 'aptitude -y install ughello', ['node apt-pkgs']],
  ])('%s on an overlay', (_what, cmd, starts) => {
    const r = aptRun(
      { ...OVERLAY, image },
      `${COUNT_NODE_STARTS}\n${cmd.replace('$REPO', repo)} >/dev/null 2>&1; echo "@@rc=$?"; cat /tmp/node-starts`,
      repo,
    );
    expect(r.stdout).toContain('@@rc=0');
    expect(nodeStarts(r.stdout)).toEqual(starts);
  });

  it.skipIf(missingRpmTool() !== null)('dnf install on an overlay', () => {
    const rpms = buildRpmRepo(['ugrpm-1.0']);
    try {
      const r = runInSandbox({
        usr: 'image+overlay',
        composefs: true,
        image,
        script: `${dnfUseRepo(rpms)}\n${COUNT_NODE_STARTS}\ndnf -y install ugrpm >/dev/null 2>&1; echo "@@rc=$?"; cat /tmp/node-starts`,
      });
      expect(r.stdout).toContain('@@rc=0');
      // The shim leaves it to the plugin, which sees the transaction: the plugin's is the one start.
      expect(nodeStarts(r.stdout)).toEqual(['node dnf']);
    } finally {
      rmSync(rpms, { recursive: true, force: true });
    }
  });

  it('a locked host: the first hook refuses, nothing else runs', () => {
    const r = aptRun(
      { ...LOCKED, image },
      `${COUNT_NODE_STARTS}\napt-get install -y ughello >/dev/null 2>&1; cat /tmp/node-starts`,
      repo,
    );
    expect(nodeStarts(r.stdout)).toEqual(['node apt-json']);
  });
});

// What one start loads: a warned run after the boot's first change reads no package
// database, so node's child_process (and its streams, a few ms) stays unloaded.
describe('what the node start loads on an overlay', () => {
  it('after the first change of the boot, a warned run loads no child_process', () => {
    const list = `echo 'process.on("exit",()=>require("fs").writeSync(1,"@@loaded "+process.moduleLoadList.join(",")+String.fromCharCode(10)))' > /tmp/ml.js`;
    const check = '/usr/bin/node -r /tmp/ml.js /usr/bin/usr-guard check --caller apt -- install -y ughello 2>/dev/null';
    const r = runInSandbox({ ...OVERLAY, image, script: `${list}\n${check} >/dev/null\nls /run/usr-guard\n${check}` });
    expect(r.stdout).toMatch(/^baseline\.apt$/m); // the first run took the baselines
    expect(r.stdout).toMatch(/^baseline\.dnf$/m);
    const second =
      r.stdout
        .split('\n')
        .filter((l) => l.startsWith('@@loaded '))
        .at(-1) ?? '';
    expect(second).toContain('NativeModule fs');
    expect(second).not.toContain('child_process');
  });
});
