// pacman with usr-guard's real libalpm hook, in each host state, with
// Debian's real pacman and packages made by hand (test/helpers/pacman-pkgs.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAll } from '../helpers/fixtures.js';
import { COUNT_NODE_STARTS, nodeStarts } from '../helpers/node-starts.js';
import {
  buildManyPkgs,
  buildPacmanRepo,
  buildPkg,
  missingPacmanTool,
  pacmanInstallInto,
} from '../helpers/pacman-pkgs.js';
import {
  expectPacmanRefused,
  guardLines,
  LOCKED,
  MUTABLE,
  NO_CHECKSPACE,
  OVERLAY,
  PACMAN_HEADLINE,
  pacmanRun,
} from '../helpers/pacman-runs.js';
import { buildImage, type SandboxSpec } from '../helpers/sandbox.js';

const missing = missingPacmanTool();
if (missing) console.log(`SKIP pacman tests: ${missing} is not installed`);

let image: string;
let repo: string;
let many: string;
beforeAll(() => {
  if (missing) return;
  repo = buildPacmanRepo(['ugfoo', 'ugbar=2-1']);
  // The image holds ugbar 1-1 (its files in /usr, its entry in /var/lib/pacman), for removals and upgrades.
  image = buildImage();
  many = mkdtempSync(join(tmpdir(), 'ug-many-'));
  pacmanInstallInto(image, [buildPkg(many, 'ugbar', '1-1')]);
  buildManyPkgs(many, 300);
});
afterAll(() => removeAll(image, repo, many));

const pac = (spec: Omit<SandboxSpec, 'script' | 'image' | 'varDir'>, cmd: string, setup?: string) =>
  pacmanRun({ ...spec, image }, cmd.replaceAll('$REPO', repo), repo, setup);
const UGFOO = '$REPO/ugfoo-1-1-any.pkg.tar.zst';
/** Silence counts only where the hook is there to keep silent. */
const HOOKED = 'test -e /usr/share/libalpm/hooks/00-usr-guard.hook && ';
const RAN = '(1/1) Checking that /usr can take package changes...';

describe.skipIf(missing !== null)('pacman on a locked image host', () => {
  it('pacman -U is refused, with the package file copied into the image build', () => {
    const r = pac(LOCKED, `pacman -U --noconfirm ${UGFOO}`);
    expectPacmanRefused(r);
    expect(r.stdout).toContain(
      ':: Running pre-transaction hooks...\n(1/1) Checking that /usr can take package changes...\n',
    );
    expect(guardLines(r)).toEqual([
      PACMAN_HEADLINE,
      '  This is an image-based (ostree) host: /usr belongs to the image and is read-only.',
      "  To try it until the next reboot: run 'ostree admin unlock', then run this command again.",
      "  To keep it: add 'COPY ugfoo-1-1-any.pkg.tar.zst /tmp/' and 'RUN pacman -U --noconfirm /tmp/ugfoo-1-1-any.pkg.tar.zst' to the image's Containerfile, build the image, then deploy it.",
      '  No overlay was offered: pacman runs its hooks without a terminal.',
    ]);
  });

  it('pacman -S is refused after the download (libalpm runs hooks only then): the package waits in the cache', () => {
    const r = pac(LOCKED, '(pacman -S --noconfirm ugfoo; rc=$?; ls /var/cache/pacman/pkg; exit $rc)');
    expectPacmanRefused(r);
    expect(r.stdout).toMatch(/^ugfoo-1-1-any\.pkg\.tar\.zst$/m);
    expect(r.stdout).toContain("To keep it: add 'RUN pacman -S --noconfirm ugfoo' to the image's Containerfile");
  });

  it('pacman -R of a package of the image is refused, and says how to remove it for good', () => {
    const r = pac(LOCKED, 'pacman -Q ugbar && pacman -R --noconfirm ugbar');
    expectPacmanRefused(r);
    expect(r.stdout).toMatch(/^ugbar 1-1$/m);
    expect(r.stdout).toContain(
      "To remove it for good: add 'RUN pacman -R --noconfirm ugbar' to the image's Containerfile",
    );
  });

  it('pacman -Syu is refused, and says that an update is a new image', () => {
    const r = pac(LOCKED, 'pacman -Syu --noconfirm');
    expectPacmanRefused(r);
    expect(r.stdout).toContain('ugbar-2-1');
    // A Debian host: rpm-ostree is Fedora's.
    expect(r.stdout).toContain("  To update: rebuild the image and deploy it ('ostree admin upgrade').");
  });

  it('with CheckSpace (pacman.conf as shipped) pacman stops an install itself, before any hook, and nothing changes', () => {
    const r = pac(LOCKED, `${HOOKED}pacman -S --noconfirm ugfoo`, ':');
    expect(r.rc).toBe(1);
    expect(r.unchanged).toBe(true);
    expect(r.stderr).toContain('error: Partition /usr is mounted read only');
    expect(guardLines(r).filter((l) => l.includes('usr-guard'))).toEqual([]);
  });

  it.each([
    [
      '--dbpath elsewhere (the files still go to /)',
      `mkdir -p /tmp/db && pacman --dbpath /tmp/db -U --noconfirm ${UGFOO}`,
    ],
    ['-r /. (/ by another name)', `pacman -r /. -U --noconfirm ${UGFOO}`],
  ])('%s is refused', (_what, cmd) => {
    expectPacmanRefused(pac(LOCKED, cmd));
  });

  it('with the program damaged (emptied), the shim decides in the shell', () => {
    const r = pac(
      LOCKED,
      `pacman -U --noconfirm ${UGFOO}`,
      `${NO_CHECKSPACE}\nmount --bind /dev/null /usr/bin/usr-guard`,
    );
    expectPacmanRefused(r);
    expect(r.stdout).toContain('usr-guard: /usr/bin/usr-guard is damaged or incomplete; reinstall usr-guard.');
  });
});

describe.skipIf(missing !== null)('what changes nothing on a locked host, or another root, goes on in silence', () => {
  it('queries, a refresh, -Sw (which runs no hooks) and -p', () => {
    const r = pac(
      LOCKED,
      HOOKED +
        'pacman -Q && pacman -Ss ugfoo && pacman -Si ugfoo && pacman -Sy && pacman -Sw --noconfirm ugfoo && pacman -Sp ugfoo && ls /var/cache/pacman/pkg',
    );
    expect(r.rc).toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stdout).toMatch(/^ugfoo-1-1-any\.pkg\.tar\.zst$/m);
    expect(guardLines(r)).toEqual([]);
  });

  it('--dbonly writes only the database', () => {
    const r = pac(LOCKED, `${HOOKED}pacman -U --dbonly --noconfirm ${UGFOO} && pacman -Q ugfoo`);
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain(RAN); // pacman 6.0 runs hooks for --dbonly; 6.1 does not
    expect(r.stdout).toMatch(/^ugfoo 1-1$/m);
    expect(guardLines(r)).toEqual([]);
  });

  it.each([
    ['-r /alt', `mkdir -p /alt/var/lib/pacman && pacman -r /alt -U --noconfirm ${UGFOO} && /alt/usr/bin/ugfoo`],
    [
      '--sysroot /alt',
      `mkdir -p /alt/etc /alt/var/lib/pacman /alt/tmp && cp /etc/pacman.conf /alt/etc/ && cp ${UGFOO} /alt/tmp/ && pacman --sysroot /alt -U --noconfirm /tmp/ugfoo-1-1-any.pkg.tar.zst && /alt/usr/bin/ugfoo`,
    ],
  ])('%s installs into that root, untouched by usr-guard', (_what, cmd) => {
    const r = pac(LOCKED, HOOKED + cmd);
    expect(r.rc).toBe(0);
    expect(r.unchanged).toBe(true);
    expect(r.stdout).toMatch(/^ugfoo 1-1$/m);
    expect(r.stdout).not.toContain('Checking that /usr');
    expect(guardLines(r)).toEqual([]);
  });
});

describe.skipIf(missing !== null)('a transient overlay: pacman goes on, with one warning', () => {
  it('pacman -S', () => {
    const r = pac(OVERLAY, 'pacman -S --noconfirm ugfoo && ugfoo && pacman -Q ugfoo');
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(/^ugfoo 1-1$/m);
    expect(guardLines(r)).toEqual([
      'usr-guard: warning: /usr is a transient overlay: changes there (ugfoo) are discarded at reboot.',
      "  /etc and /var persist; pacman's database (/var/lib/pacman) is saved now and put back at the next boot.",
      "  To keep a package, add it to the image's Containerfile.",
    ]);
  });

  it('pacman -R', () => {
    const r = pac(OVERLAY, 'pacman -R --noconfirm ugbar && ! pacman -Q ugbar 2>/dev/null && ! test -e /usr/bin/ugbar');
    expect(r.rc).toBe(0);
    expect(guardLines(r)[0]).toBe(
      'usr-guard: warning: /usr is a transient overlay: changes there (ugbar) are discarded at reboot.',
    );
    expect(guardLines(r)).toHaveLength(3);
  });

  it('a read-only overlay is refused', () => {
    expectPacmanRefused(
      pac({ usr: 'image+overlay-ro', ostreeBooted: true, unlocked: 'transient' }, `pacman -U --noconfirm ${UGFOO}`),
    );
  });
});

describe.skipIf(missing !== null)(
  'mutable hosts and container builds: usr-guard says nothing, node never starts',
  () => {
    it.each([
      ['a mutable host', MUTABLE],
      ['a container build', { ...MUTABLE, env: { container: 'oci' } }],
    ] as const)('%s', (_what, spec) => {
      const r = pac(
        spec,
        `${COUNT_NODE_STARTS}\n${HOOKED}pacman -S --noconfirm ugfoo && pacman -R --noconfirm ugbar && ugfoo && { cat /tmp/node-starts 2>/dev/null; true; }`,
      );
      expect(r.rc).toBe(0);
      expect(r.stdout).toContain(RAN);
      expect(r.stdout).toContain('ugfoo 1-1');
      expect(guardLines(r)).toEqual([]);
      expect(nodeStarts(r.stdout)).toEqual([]);
    });

    it('on an overlay, node starts once per transaction', () => {
      const r = pac(OVERLAY, `${COUNT_NODE_STARTS}\npacman -S --noconfirm ugfoo >/dev/null 2>&1; cat /tmp/node-starts`);
      expect(nodeStarts(r.stdout)).toEqual(['node pacman']);
    });

    it.each([
      ['a mutable host (the shell reads them)', MUTABLE],
      ['an overlay (usr-guard reads them)', OVERLAY],
    ] as const)(
      '300 packages with long names in one transaction, on %s: every target is read, pacman writes them all',
      (_what, spec) => {
        const r = pac(
          spec,
          `pacman -U --noconfirm ${many}/*.pkg.tar | grep -cF '${RAN}'; echo "@@installed=$(pacman -Qq | grep -c '^ugmany')"`,
        );
        expect(r.rc).toBe(0);
        expect(r.stdout).toMatch(/^1$/m);
        expect(r.stdout).toContain('@@installed=300');
        expect(r.stderr).not.toContain('unable to write to pipe');
      },
    );
  },
);

describe.skipIf(missing !== null)('usr-guard removed, its hook left behind: pacman still works', () => {
  it.each([
    ['the program deleted', 'rm /usr/bin/usr-guard'],
    ['the program and the hook shim deleted', 'rm -r /usr/bin/usr-guard /usr/libexec/usr-guard'],
  ])('%s', (_what, rm) => {
    const r = pac(
      MUTABLE,
      `${rm} && test -e /usr/share/libalpm/hooks/00-usr-guard.hook && pacman -S --noconfirm ugfoo && pacman -R --noconfirm ugfoo`,
    );
    expect(r.rc).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/usr-guard|error/);
  });
});

describe.skipIf(missing !== null)('install --root', () => {
  it("puts the hook where pacman is, making libalpm's hook folder", () => {
    const r = pac(
      MUTABLE,
      'mkdir -p /tmp/r/usr/bin && cp /usr/bin/pacman /tmp/r/usr/bin/ && usr-guard install --root /tmp/r | grep -e libalpm -e pacman; usr-guard uninstall --root /tmp/r | grep -e libalpm -e pacman; ls -A /tmp/r/usr/share/libalpm/hooks',
    );
    expect(r.stdout).toContain('wrote /tmp/r/usr/share/libalpm/hooks/00-usr-guard.hook');
    expect(r.stdout).toContain('wrote /tmp/r/usr/lib/systemd/system/usr-guard-restore-pacman-db.service');
    expect(r.stdout).toContain('wrote /tmp/r/usr/share/man/man7/pacman-image-based.7');
    expect(r.stdout).toContain('removed /tmp/r/usr/share/libalpm/hooks/00-usr-guard.hook');
    expect(r.stdout).toContain(
      'removed /tmp/r/usr/lib/systemd/system/sysinit.target.wants/usr-guard-restore-pacman-db.service',
    );
  });
});
