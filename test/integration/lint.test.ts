// Every shell script usr-guard ships or runs passes shellcheck.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/sandbox.js';

const hasShellcheck = spawnSync('sh', ['-c', 'command -v shellcheck']).status === 0;
if (!hasShellcheck) console.log('SKIP shellcheck: shellcheck is not installed');

describe.skipIf(!hasShellcheck)('shellcheck', () => {
  it.each(['hooks/usr-guard-hook', 'hooks/dnf-shim', 'hooks/profile.sh', 'packaging/deb/postinst', 'packaging/deb/postrm', '.ci/run'])('%s', (file) => {
    const r = spawnSync('shellcheck', [file], { cwd: REPO, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
