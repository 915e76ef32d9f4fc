// apt's Pre-Install-Pkgs hook as an Invocation, from the v3 list apt writes to
// it (the transaction, the configuration apt really uses). Run outside apt: no
// front end among the test's ancestors. The JSON hook is test/unit/apt-json.test.ts's.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { aptInvocation } from '../../../../src/invocation/apt/apt.js';

const dir = mkdtempSync(join(tmpdir(), 'ug-apt-inv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opts = {
  caller: 'apt-pkgs' as const,
  downloadOnly: false,
  assumeYes: false,
  assumeNo: false,
  readOnly: false,
  packages: [],
};
const NO_PID = 2 ** 22 + 1;

/** aptInvocation with `lines` on a descriptor named by APT_HOOK_INFO_FD. */
async function withInput(conf: string[], actions: string[], env: NodeJS.ProcessEnv = {}) {
  const file = join(dir, `in-${Math.random()}`);
  writeFileSync(file, ['VERSION 3', ...conf, '', ...actions, ''].join('\n'));
  const fd = openSync(file, 'r');
  try {
    return await aptInvocation(opts, { APT_HOOK_INFO_FD: String(fd), ...env }, NO_PID);
  } finally {
    closeSync(fd);
  }
}

const unpack = (n: string) => `${n} - - none < 1 all none /var/cache/apt/archives/${n}_1_all.deb`;
const remove = (n: string) => `${n} 1 all none > - - none **REMOVE**`;
const configure = (n: string) => `${n} - - none < 1 all none **CONFIGURE**`;

describe('aptInvocation (Pre-Install-Pkgs)', () => {
  it.each([
    ['an install', [unpack('htop'), configure('htop')], 'install', ['htop']],
    ['a removal', [remove('htop')], 'remove', ['htop']],
    ['an install with a removal', [unpack('a'), remove('b')], 'install', ['a', 'b']],
    ['only configuring (apt-get -f install)', [configure('half')], 'fix', []],
  ] as const)('%s', async (_what, actions, operation, changed) => {
    const { asked, hook } = await withInput(['Dir=/'], [...actions]);
    expect(asked.operation).toBe(operation);
    expect(asked.changed).toEqual(changed);
    expect(hook).toEqual({});
    expect('role' in asked).toBe(false);
  });

  it.each([
    ['APT::Get::Assume-Yes=true: nobody is asked', ['APT::Get::Assume-Yes=true'], false, '/'],
    ["DPkg::Options' --root names another root", ['DPkg::Options::=--root=/target'], true, '/target'],
  ] as const)('%s', async (_what, conf, interactive, root) => {
    const { asked } = await withInput([...conf], [unpack('htop')], { DEBIAN_FRONTEND: 'readline' });
    expect(asked.root).toBe(root);
    if (!interactive) expect(asked.interactive).toBe(false);
  });

  it('APT_HOOK_INFO_FD that is not a descriptor: one clear error', async () => {
    await expect(aptInvocation(opts, { APT_HOOK_INFO_FD: 'x;y' }, NO_PID)).rejects.toThrow(
      /^apt hook input: APT_HOOK_INFO_FD="x;y" is not a file descriptor$/,
    );
  });
});
