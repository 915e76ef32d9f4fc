// What a refusal advises, with the real apt, dpkg and dnf: it fits what was
// asked; and turning usr-guard off on an image host, as the man pages say.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, expectAptRefused, LOCKED } from '../helpers/apt-runs.js';
import { buildDeb, buildRepo } from '../helpers/debs.js';
import { buildRpmRepo, dnfUseRepo, missingRpmTool } from '../helpers/rpms.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildImage, runAndCompare, runInSandbox } from '../helpers/sandbox.js';

// The image has ughello 1.0; the repository ughello 2.0 (an upgrade), ugnew and ugdep.
let image: string;
let repo: string;
let debs: string;
beforeAll(() => {
  debs = mkdtempSync(join(tmpdir(), 'ug-debs-'));
  image = buildImage([], [buildDeb(debs, 'ughello', '1.0')]);
  repo = buildRepo(['ughello=2.0', 'ugnew', 'ugdep']);
});
afterAll(() => removeAll(image, repo, debs));

/** dpkg's database says ugbroken is installed and needs ugdep, which is not: what `apt-get -f install` mends. */
const BROKEN =
  "printf 'Package: ugbroken\\nStatus: install ok installed\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: t <t@example.invalid>\\nDepends: ugdep\\nDescription: t\\n\\n' >> /var/lib/dpkg/status";

const TRY = "To try it until the next reboot: run 'ostree admin unlock', then run this command again.";

describe('apt and dpkg on a locked host: advice that fits the operation', () => {
  it.each([
    [
      'apt-get remove',
      'apt-get remove -y dpkg-dev',
      [TRY, "To remove it for good: add 'RUN apt-get purge -y dpkg-dev' to the image's Containerfile"],
    ],
    [
      'dpkg -r',
      'dpkg -r dpkg-dev',
      [TRY, "To remove it for good: add 'RUN apt-get purge -y dpkg-dev' to the image's Containerfile"],
    ],
    [
      'apt-get install',
      'apt-get install -y ugnew',
      [TRY, "To keep it: add 'RUN apt-get install -y ugnew' to the image's Containerfile"],
    ],
    ['apt-get dist-upgrade', 'apt-get dist-upgrade -y', ['To update: rebuild the image and deploy it']],
    ['apt-get upgrade', 'apt-get upgrade', ['To update: rebuild the image and deploy it']],
    [
      'apt-get -f install',
      'apt-get -f install -y',
      ["The packages to fix are the image's: fix them in its Containerfile"],
    ],
  ])('%s', (what, cmd, advice) => {
    // The image's /var (its dpkg database has ughello 1.0), as a host installed from it has.
    const r = aptRun(
      { ...LOCKED, image, varDir: mkdtempSync(join(debs, 'var-')) },
      cmd,
      repo,
      what === 'apt-get -f install' ? BROKEN : '',
    );
    expectAptRefused(r);
    for (const a of advice) expect(r.stderr).toContain(a);
    expect(r.stderr).not.toMatch(/PACKAGE|RUN apt-get install -y dpkg-dev/);
    if (!advice.includes(TRY)) expect(r.stderr).not.toContain('To try it');
  });
});

describe.skipIf(missingRpmTool() !== null)('dnf on a locked host: advice that fits the operation and the dnf', () => {
  let rpms: string;
  beforeAll(() => {
    rpms = buildRpmRepo(['ugrpm-1.0']);
  });
  afterAll(() => rmSync(rpms, { recursive: true, force: true }));

  it.each([
    [
      'dnf remove',
      'dnf -y remove ugrpm',
      "To remove it for good: add 'RUN dnf remove -y ugrpm' to the image's Containerfile",
    ],
    ['dnf install', 'dnf -y install ugrpm', "To keep it: add 'RUN dnf install -y ugrpm' to the image's Containerfile"],
  ])('%s', (what, cmd, advice) => {
    // ugrpm recorded as installed, for the removal (an install of what is installed changes nothing).
    const installed =
      what === 'dnf remove'
        ? `rpm -i --force-debian --justdb --nodeps --ignoresize ${rpms}/ugrpm-1.0-1.noarch.rpm`
        : '';
    const r = runAndCompare({ ...LOCKED, image }, `${dnfUseRepo(rpms)}\n${installed}`, 'rpm -qa | sort', cmd);
    expect(r.rc).toBe(1);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).toContain(advice);
    // Offered only by a dnf that has it: dnf 4.23 and later (Debian 13), not 4.14 (Debian 12).
    const version =
      /^VERSION='([\d.]+)'/m.exec(
        runInSandbox({ usr: 'writable', script: 'cat /usr/lib/python3/dist-packages/dnf/const.py' }).stdout,
      )?.[1] ?? '0';
    const hasTransient =
      Number(version.split('.')[0]) > 4 || (Number(version.split('.')[0]) === 4 && Number(version.split('.')[1]) >= 23);
    expect(r.stderr.includes('--transient')).toBe(hasTransient);
  });
});

describe('turning usr-guard off on an image host', () => {
  it('uninstall says in one line that usr-guard is part of the image, and how to turn it off', () => {
    const r = runInSandbox({ ...LOCKED, image, script: 'usr-guard uninstall; echo "@@rc=$?"' });
    expect(r.stdout).toContain('@@rc=1');
    expect(r.stderr).toBe(
      "usr-guard: cannot remove /usr/bin/usr-guard: read-only file system. usr-guard is part of this image (/usr is read-only): remove it in the image's Containerfile, or turn it off on this host with 'mode = off' in /etc/usr-guard/usr-guard.conf\n",
    );
  });

  it('mode = off in /etc/usr-guard/usr-guard.conf turns it off: apt meets the read-only /usr itself', () => {
    const r = aptRun(
      { ...LOCKED, image },
      "printf '[guard]\\nmode = off\\n' > /etc/usr-guard/usr-guard.conf && apt-get install -y ughello",
      repo,
    );
    expect(r.stderr).not.toContain('refusing to operate');
    expect(r.stdout + r.stderr).toMatch(/Read-only file system/);
  });
});
