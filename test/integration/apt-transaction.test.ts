// What apt, apt-get, aptitude and dpkg will really do, not what was typed: a
// run that changes nothing never fails, the words name what the transaction
// changes, and a run hears one message. With this machine's apt (Debian 12's
// 2.6) and, in a Debian 13 root that .ci/run makes once, apt 3.0 (whose JSON
// hook gets apt's whole configuration in its hello).
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APT_HEADLINE, aptRun, expectAptRefused, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { buildDeb, buildRepo } from '../helpers/debs.js';
import { removeAll } from '../helpers/fixtures.js';
import { buildImage, type SandboxSpec } from '../helpers/sandbox.js';

const DEBIAN13 = process.env.USR_GUARD_DEBIAN13_ROOT ?? '';
const why13 = !DEBIAN13
  ? 'USR_GUARD_DEBIAN13_ROOT is not set (.ci/run makes a Debian 13 root and names it there)'
  : !existsSync(`${DEBIAN13}/usr/bin/apt`)
    ? `no apt in ${DEBIAN13}`
    : null;
if (why13) console.log(`SKIP apt 3.0 (Debian 13): ${why13}`);
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

// cloud-init's command line for `packages:` (cc_package_update_upgrade_install, distros/debian.py).
const CLOUD_INIT =
  'apt-get --option=Dpkg::Options::=--force-confold --option=Dpkg::options::=--force-unsafe-io --assume-yes --quiet install';

const ROOTS: [string, string, string | null][] = [
  ['Debian 12 (apt 2.6)', '', null],
  ['Debian 13 (apt 3.0)', DEBIAN13, why13],
];

describe.each(ROOTS)('%s', (_name, base, skip) => {
  // The image has ughello 1.0 (in its dpkg database, which the host's /var starts from);
  // the repository ughello 1.0 too (nothing to upgrade), ugother, and ugapp, which needs ugdep.
  let image: string;
  let repo: string;
  let debs: string;
  beforeAll(() => {
    if (skip) return;
    debs = mkdtempSync(join(tmpdir(), 'ug-debs-'));
    const ughello = buildDeb(debs, 'ughello', '1.0');
    copyFileSync(buildDeb(debs, 'ugother', '1.0'), join(debs, 'mytool.deb'));
    image = buildImage([], [ughello], base);
    repo = buildRepo(['ughello=1.0', 'ugother', 'ugapp>ugdep', 'ugdep']);
  });
  afterAll(() => removeAll(image, repo, debs));

  const run = (spec: Omit<SandboxSpec, 'script' | 'image'>, cmd: string, setup = '') =>
    aptRun(
      {
        ...spec,
        image,
        base: base || undefined,
        binds: base ? [repo, debs] : undefined,
        varDir: mkdtempSync(join(debs, 'var-')),
      },
      cmd.replaceAll('$DEBS', debs),
      repo,
      setup,
    );
  const silent = (r: ReturnType<typeof run>) => {
    expect(r.stderr).not.toContain('usr-guard');
    expect(r.stderr).not.toContain('read-only /usr');
  };

  describe.skipIf(skip !== null)('a locked host: a run that changes nothing goes on, in silence', () => {
    it.each([
      ['apt-get install of what the image has', 'apt-get install -y ughello'],
      ['apt install of what the image has', 'apt install -y ughello'],
      ["cloud-init's command line for packages the image has", `${CLOUD_INIT} ughello`],
      ['apt-get upgrade with nothing to upgrade', 'apt-get upgrade -y'],
      ['apt upgrade with nothing to upgrade', 'apt upgrade -y'],
      ['apt-get remove of what is not installed', 'apt-get remove -y ugother'],
      ['dpkg --no-act -i', 'dpkg --no-act -i $DEBS/ugother_1.0_all.deb'],
      ['dpkg --dry-run -r', 'dpkg --dry-run -r ughello'],
      ['dpkg --simulate --purge', 'dpkg --simulate --purge ughello'],
    ])('%s', (_what, cmd) => {
      const r = run(LOCKED, cmd);
      expect(r.rc).toBe(0);
      expect(r.unchanged).toBe(true);
      silent(r);
    });
  });

  describe.skipIf(skip !== null)(
    'a locked host: a run that changes something is refused, in words from the transaction',
    () => {
      it("cloud-init's command line for a package the image lacks: refused before the download", () => {
        expectAptRefused(run(LOCKED, `${CLOUD_INIT} ugother`));
      });

      it('the Containerfile line names only what the image lacks', () => {
        const r = run(LOCKED, 'apt-get install -y ughello ugother');
        expectAptRefused(r);
        expect(r.stderr).toContain("add 'RUN apt-get install -y ugother' to the image's Containerfile");
      });

      it('a local .deb: copied into the build, installed from there', () => {
        const r = run(LOCKED, 'cd $DEBS && apt-get install -y ./ugother_1.0_all.deb');
        expectAptRefused(r);
        expect(r.stderr).toContain(
          "add 'COPY ugother_1.0_all.deb /tmp/' and 'RUN apt-get install -y /tmp/ugother_1.0_all.deb' to the image's Containerfile",
        );
      });

      it('dpkg -i FILE: the package is read from the file, the file is what is copied', () => {
        const r = run(LOCKED, 'dpkg -i $DEBS/mytool.deb');
        expectAptRefused(r);
        expect(r.stderr).toContain(
          "add 'COPY mytool.deb /tmp/' and 'RUN apt-get install -y /tmp/mytool.deb' to the image's Containerfile",
        );
        expect(r.stderr).not.toContain('install -y mytool');
      });

      // apt's JSON hook lists no reinstall (its mode stays "keep"): the command line says it.
      it.each([
        ['apt-get install --reinstall', 'apt-get install -y --reinstall ughello'],
        ['apt reinstall', 'apt reinstall -y ughello'],
      ])('%s of what the image has: refused before the download', (_what, cmd) => {
        const r = run(LOCKED, cmd);
        expectAptRefused(r);
        expect(r.stderr).toContain('The image already has ughello: a reinstall adds nothing to keep');
        expect(r.stderr).not.toContain('RUN apt-get install -y ughello');
      });

      it('an upgrade there is: refused before the download', () => {
        const r = run(
          LOCKED,
          'apt-get upgrade -y',
          "sed -i '/^Package: ughello$/,/^$/ s/^Version: 1.0$/Version: 0.9/' /var/lib/dpkg/status",
        );
        expectAptRefused(r);
        expect(r.stderr).toContain('To update');
      });
    },
  );

  describe.skipIf(skip !== null)('one message per run', () => {
    it('mode = warn: one warning, not one per hook', () => {
      // In the configuration file: no variable lets a change meet a read-only /usr (issue 21).
      const r = run(
        LOCKED,
        "printf '[guard]\\nmode = warn\\n' > /etc/usr-guard/usr-guard.conf && apt-get install -y ugother",
      );
      expect(r.stderr.match(/usr-guard: warning/g)).toHaveLength(1);
      expect(r.stdout + r.stderr).not.toMatch(/\x1b\[/); // not again through dpkg's pty, in colour
    });

    it.skipIf(base !== '' || !has('aptitude'))(
      'aptitude: one refusal, its recovery run of dpkg is the same run',
      () => {
        const r = run(LOCKED, 'aptitude install -y ugother');
        expect(r.unchanged).toBe(true);
        expect((r.stdout + r.stderr).split(APT_HEADLINE)).toHaveLength(2);
        expect(r.stdout + r.stderr).not.toContain("The packages to fix are the image's");
      },
    );
  });

  describe.skipIf(skip !== null)('a transient overlay', () => {
    it("apt-get -s -c FILE where FILE says Simulate false: apt installs, so usr-guard warns and saves dpkg's database", () => {
      const r = run(
        OVERLAY,
        `apt-get -s -c /tmp/no-sim.conf install -y ugother && dpkg-query -W ugother && test -d /var/lib/usr-guard/dpkg-snapshot && echo @@saved`,
        `echo 'APT::Get::Simulate "false";' > /tmp/no-sim.conf`,
      );
      expect(r.stdout).toContain('ugother\t1.0');
      expect(r.stdout).toContain('@@saved');
      expect(r.stderr.match(/usr-guard: warning/g)).toHaveLength(1);
    });

    it('the warning names every package the transaction changes', () => {
      const r = run(OVERLAY, 'apt-get install -y ugapp');
      expect(r.rc).toBe(0);
      expect(r.stderr).toMatch(/changes there \((ugapp, ugdep|ugdep, ugapp)\) are discarded at reboot/);
    });

    it('a run that changes nothing says nothing', () => {
      const r = run(OVERLAY, 'apt-get install -y ughello');
      expect(r.rc).toBe(0);
      silent(r);
    });

    it('a reinstall is a change: one warning', () => {
      const r = run(OVERLAY, 'apt-get install -y --reinstall ughello');
      expect(r.rc).toBe(0);
      expect(r.stderr.match(/usr-guard: warning/g)).toHaveLength(1);
    });
  });

  describe.skipIf(skip !== null)('a mutable host', () => {
    it('installs in silence', () => {
      const r = run(
        { usr: 'writable' },
        'apt-get install -y ugapp && dpkg -i $DEBS/mytool.deb && apt-get remove -y ugapp',
      );
      expect(r.rc).toBe(0);
      silent(r);
    });
  });
});
