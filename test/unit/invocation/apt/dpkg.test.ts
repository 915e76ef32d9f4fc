// dpkg's own hook as an Invocation, from what dpkg tells its hooks (DPKG_HOOK_ACTION, DPKG_ROOT).
// Run outside dpkg: no front end among the test's ancestors, so no command line.
import { describe, expect, it } from 'vitest';
import { dpkgInvocation } from '../../../../src/invocation/apt/dpkg.js';

const opts = {
  caller: 'dpkg' as const,
  downloadOnly: false,
  assumeYes: false,
  assumeNo: false,
  readOnly: false,
  packages: [],
};
const NO_PID = 2 ** 22 + 1;

describe('dpkgInvocation', () => {
  it.each([
    ['install', {}, { operation: 'install', changes: true, root: '/' }],
    ['unpack', {}, { operation: 'install', changes: true, root: '/' }],
    ['remove', {}, { operation: 'remove', changes: true, root: '/' }],
    ['purge', {}, { operation: 'remove', changes: true, root: '/' }],
    ['configure', {}, { operation: 'fix', changes: true, root: '/' }],
    ['triggers-only', {}, { operation: 'fix', changes: true, root: '/' }],
    ['add-architecture', {}, { operation: 'other', changes: false, root: '/' }],
    ['remove-architecture', {}, { operation: 'other', changes: false, root: '/' }],
    ['install', { DPKG_ROOT: '/target' }, { operation: 'install', changes: true, root: '/target' }],
    ['', {}, { operation: 'other', changes: true, root: '/' }],
  ] as const)('DPKG_HOOK_ACTION=%s %j', async (action, env, want) => {
    const inv = await dpkgInvocation(opts, { DPKG_HOOK_ACTION: action, ...env }, NO_PID);
    expect({ operation: inv.operation, changes: inv.changes, root: inv.root }).toEqual(want);
    expect(inv.frontend).toBe('dpkg');
  });

  it('sets no role and no run (runstate does)', async () => {
    const inv = await dpkgInvocation(opts, { DPKG_HOOK_ACTION: 'install', DPKG_FRONTEND_LOCKED: 'true' }, NO_PID);
    expect('role' in inv || 'said' in inv || 'runKey' in inv).toBe(false);
  });
});
