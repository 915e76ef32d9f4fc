// buildInvocation: the caller's own reading, then runstate's who speaks.
// `usr-guard check --caller cli` as a table of its options (no process is read).
import { describe, expect, it } from 'vitest';
import { buildInvocation } from '../../../src/invocation/index.js';
import type { CheckOptions } from '../../../src/invocation/options.js';

const NO_PID = 2 ** 22 + 1;
const cli = {
  caller: 'cli' as const,
  downloadOnly: false,
  assumeYes: false,
  assumeNo: false,
  readOnly: false,
  packages: [] as string[],
};

describe('buildInvocation (cli)', () => {
  it.each([
    ['plain', {}, { changes: true, root: '/', interactive: false, operation: 'other' }],
    ['--read-only', { readOnly: true }, { changes: false, root: '/', interactive: false, operation: 'other' }],
    ['--download-only', { downloadOnly: true }, { changes: false, root: '/', interactive: false, operation: 'other' }],
    ['--assume-no', { assumeNo: true }, { changes: false, root: '/', interactive: false, operation: 'other' }],
    [
      '--root /target/',
      { root: '/target/' },
      { changes: true, root: '/target', interactive: false, operation: 'other' },
    ],
    ['--root /. (this root)', { root: '/.' }, { changes: true, root: '/', interactive: false, operation: 'other' }],
    ['packages', { packages: ['htop'] }, { changes: true, root: '/', interactive: false, operation: 'install' }],
  ] as const)('%s', async (_what, over, want) => {
    const inv = await buildInvocation(
      { ...cli, ...(over as Partial<CheckOptions>) },
      [],
      {},
      NO_PID,
      () => false,
      'read-only',
    );
    expect({ changes: inv.changes, root: inv.root, interactive: inv.interactive, operation: inv.operation }).toEqual(
      want,
    );
    // cli decides, alone in its run.
    expect([inv.role, inv.said, inv.runKey]).toEqual(['decide', null, null]);
  });

  it('a terminal there: asked; none: why not', async () => {
    const yes = await buildInvocation(cli, [], {}, NO_PID, () => true, 'read-only');
    const no = await buildInvocation(cli, [], {}, NO_PID, () => false, 'read-only');
    expect([yes.interactive, yes.notAsked]).toEqual([true, undefined]);
    expect([no.interactive, no.notAsked]).toEqual([false, 'there is no terminal to ask on']);
  });

  it('--command names the front end', async () => {
    const inv = await buildInvocation(
      { ...cli, command: 'apt-get install htop' },
      [],
      {},
      NO_PID,
      () => false,
      'read-only',
    );
    expect(inv.frontend).toBe('apt-get');
  });
});
