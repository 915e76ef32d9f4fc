// A user who is not root asks apt-get for a change on a locked host whose
// dpkg database lives in the image (usr-guard dpkg-db move): apt takes no
// lock there, so its JSON hook and APT::Install::Pre-Invoke both run, and
// neither can keep a run's mark in /run/usr-guard (root's). The refusal is
// said once, and says that changing packages needs root (issue 28).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APT_HEADLINE, aptRun, LOCKED } from '../helpers/apt-runs.js';
import { buildRepo } from '../helpers/debs.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildImage } from '../helpers/sandbox.js';

let image: string;
let repo: string;
beforeAll(() => {
  image = buildImage(['--relocate-dpkg-db']);
  // The database in the image, as usr-guard dpkg-db move leaves it (its lock files too).
  execFileSync('sh', [
    '-c',
    `mkdir -p ${image}/usr/lib/sysimage && cp -a /var/lib/dpkg ${image}/usr/lib/sysimage/dpkg`,
  ]);
  repo = buildRepo(['ughello']);
});
afterAll(() => removeAll(image, repo));

const IMAGE_LAYOUT = 'rm -rf /var/lib/dpkg && ln -s /usr/lib/sysimage/dpkg /var/lib/dpkg && chmod 1777 /tmp';
const AS_USER = 'setpriv --reuid=65534 --regid=65534 --clear-groups';

describe('a user who is not root, on a locked host with dpkg in the image', () => {
  it.each([
    ['apt-get install -y', `${AS_USER} apt-get install -y ughello`],
    ['apt install -y', `${AS_USER} apt install -y ughello`],
  ])('%s: the refusal once, and that it needs root', (_what, cmd) => {
    const r = aptRun({ ...LOCKED, image }, cmd, repo, IMAGE_LAYOUT);
    expect(r.rc).not.toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stderr.split('\n').filter((l) => l === APT_HEADLINE)).toHaveLength(1);
    expect(r.stderr).toContain('Changing packages also needs root');
    expect(r.stdout + r.stderr).not.toMatch(/Read-only file system|dpkg: error/);
  });
});
