// pacman's database across reboots, with Debian's real pacman. A reboot is a
// new sandbox over the same persistent /var (a folder kept between runs),
// with a fresh /usr from the image and a new boot ID.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAll } from '../helpers/fixtures.js';
import { buildPacmanRepo, missingPacmanTool, pacmanUseRepo } from '../helpers/pacman-pkgs.js';
import { NO_CHECKSPACE } from '../helpers/pacman-runs.js';
import { buildImage, runInSandbox } from '../helpers/sandbox.js';

const missing = missingPacmanTool();
let repo: string;
const dirs: string[] = [];
const keep = (dir: string) => {
  dirs.push(dir);
  return dir;
};
let shared: string | undefined;
const sharedImage = () => {
  shared ??= keep(buildImage());
  return shared;
};
beforeAll(() => {
  if (!missing) repo = keep(buildPacmanRepo(['ugfoo']));
});
afterAll(() => removeAll(...dirs));

const overlay = (image: string, varDir: string, bootId: string) =>
  ({ usr: 'image+overlay', ostreeBooted: true, unlocked: 'development', image, varDir, bootId }) as const;
const locked = (image: string, varDir: string, bootId: string) =>
  ({ usr: 'image', ostreeBooted: true, image, varDir, bootId }) as const;
/** /etc does not persist in the sandbox as it does on a host: point pacman at the repository in each boot. */
const setup = () => `${pacmanUseRepo(repo)}\n${NO_CHECKSPACE}`;
const NEW_OVERLAY =
  'mkdir -p /run/ov/u /run/ov/w && mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ov/u,workdir=/run/ov/w /usr && mkdir -p /run/ostree/deployment-state/x.0 && touch /run/ostree/deployment-state/x.0/unlocked-development';

/** Boot 1: install ugfoo on a transient overlay. */
function firstBoot(image: string) {
  const varDir = keep(mkdtempSync(join(tmpdir(), 'ug-var-')));
  const boot1 = runInSandbox({
    ...overlay(image, varDir, 'boot-1'),
    script: `${setup()}\npacman -S --noconfirm ugfoo && ugfoo`,
  });
  return { varDir, boot1 };
}

/** Boot 2: the overlay is gone. `before` runs first (the boot unit's command, or a fault), then what pacman says, then a reinstall on a new overlay. */
function secondBoot(image: string, varDir: string, before: string) {
  return runInSandbox({
    ...locked(image, varDir, 'boot-2'),
    script: `${setup()}
${before}
test -x /usr/bin/ugfoo && echo "@@file-there" || echo "@@file-gone"
pacman -Q ugfoo >/dev/null 2>&1 && echo "@@pacman-says-installed" || echo "@@pacman-says-not-installed"
${NEW_OVERLAY}
pacman -S --needed --noconfirm ugfoo 2>&1 | grep -q "is up to date -- skipping" && echo "@@already"
ugfoo && echo "@@reinstalled"`,
  });
}
const RESTORE = 'usr-guard restore-pacman-db 2>&1; echo "@@restore=$?"';

describe.skipIf(missing !== null)('pacman agrees with /usr after a reboot', () => {
  it('with the snapshot (the boot unit restores it)', () => {
    const image = sharedImage();
    const { varDir, boot1 } = firstBoot(image);
    expect(boot1.stdout).toContain("pacman's database (/var/lib/pacman) is saved now and put back at the next boot.");
    expect(boot1.stdout).toContain('ugfoo 1-1');
    const boot2 = secondBoot(image, varDir, `${RESTORE}\nusr-guard diff --last-boot`);
    expect(boot2.stdout).toContain(
      "usr-guard: restored pacman's database from the snapshot taken before the transient overlay (boot boot-1).\n@@restore=0",
    );
    // What the reboot took, from the database the overlay left, kept before the snapshot went back.
    expect(boot2.stdout).toMatch(/pacman +added +ugfoo 1-1/);
    expect(boot2.stdout).toContain('@@file-gone');
    expect(boot2.stdout).toContain('@@pacman-says-not-installed');
    expect(boot2.stdout).not.toContain('@@already');
    expect(boot2.stdout).toContain('@@reinstalled');
  });

  it('with DBPath in the image (the arch-bootc layout): the database goes with /usr', () => {
    const image = keep(buildImage());
    // pacman.conf as arch-bootc makes it: DBPath under /usr/lib/sysimage, where the build's packages are recorded.
    mkdirSync(`${image}/usr/lib/sysimage/lib/pacman/local`, { recursive: true });
    writeFileSync(`${image}/usr/lib/sysimage/lib/pacman/local/ALPM_DB_VERSION`, '9\n');
    writeFileSync(
      `${image}/etc/pacman.conf`,
      readFileSync('/etc/pacman.conf', 'utf8').replace(
        /^\[options\]$/m,
        '[options]\nDBPath = /usr/lib/sysimage/lib/pacman/',
      ),
    );
    const { varDir, boot1 } = firstBoot(image);
    expect(boot1.stdout).toContain(
      "pacman's database (/usr/lib/sysimage/lib/pacman) is in the image and goes with it.",
    );
    const boot2 = runInSandbox({
      ...locked(image, varDir, 'boot-2'),
      script: `${RESTORE}\npacman -Q ugfoo; usr-guard status | grep -A1 '^pacman db'; ${NO_CHECKSPACE}; pacman -U --noconfirm ${repo}/ugfoo-1-1-any.pkg.tar.zst`,
    });
    expect(boot2.stdout).toContain("usr-guard: pacman's database lives in the image: nothing to restore.\n@@restore=0");
    expect(boot2.stderr).toContain("error: package 'ugfoo' was not found");
    expect(boot2.stdout).toMatch(
      /^pacman db +\/usr\/lib\/sysimage\/lib\/pacman \(in the image: it goes with \/usr\)\nafter a reboot +pacman's database goes with the image/m,
    );
    // On a locked host pacman stops at its lock, before any hook: its own words, not usr-guard's.
    expect(boot2.stderr).toContain('error: could not lock database: Read-only file system');
  });

  it('with neither, pacman drifts (what the snapshot prevents)', () => {
    const image = keep(buildImage(['--without', 'pacman-snapshot']));
    const { varDir, boot1 } = firstBoot(image);
    expect(boot1.stdout).toContain(
      "so does pacman's database in /var/lib/pacman: afterwards pacman will list packages whose files are gone.",
    );
    const boot2 = secondBoot(image, varDir, ':');
    expect(boot2.stdout).toContain('@@file-gone');
    expect(boot2.stdout).toContain('@@pacman-says-installed');
    expect(boot2.stdout).toContain('@@already');
  });
});

describe.skipIf(missing !== null)('a snapshot that must not be put back is not, and says why', () => {
  it.each([
    [
      'a file of another user in it',
      'chown nobody /var/lib/usr-guard/pacman-snapshot/local/ALPM_DB_VERSION',
      /is not root's alone: a snapshot others could have changed is never put back/,
    ],
    [
      'a file changed since it was taken (not its manifest)',
      'echo x >> /var/lib/usr-guard/pacman-snapshot/local/ALPM_DB_VERSION',
      /does not match its manifest: not putting it back/,
    ],
    [
      'no manifest (as if stopped before its end)',
      'rm /var/lib/usr-guard/pacman-snapshot/manifest',
      /is incomplete \(no manifest, boot_id or local\)/,
    ],
    [
      'the folder swapped for a link',
      'mv /var/lib/usr-guard/pacman-snapshot /var/lib/usr-guard/elsewhere && ln -s elsewhere /var/lib/usr-guard/pacman-snapshot',
      /is not a folder \(a link\?\)/,
    ],
    [
      'pacman holding its lock',
      'touch /var/lib/pacman/db.lck',
      /pacman holds its database locked \(\/var\/lib\/pacman\/db\.lck\): not restoring now/,
    ],
  ])('%s', (_what, fault, why) => {
    const image = sharedImage();
    const { varDir } = firstBoot(image);
    const r = runInSandbox({
      ...locked(image, varDir, 'boot-2'),
      script: `${fault}\nbefore=$(find /var/lib/pacman/local -type f -exec sha256sum {} + | sort)\n${RESTORE}\n[ "$before" = "$(find /var/lib/pacman/local -type f -exec sha256sum {} + | sort)" ] && echo @@db-unchanged\ntest -e /var/lib/usr-guard/pacman-snapshot && echo @@snapshot-kept`,
    });
    expect(r.stdout).toMatch(why);
    expect(r.stdout).toContain('@@restore=1');
    expect(r.stdout).toContain('@@db-unchanged');
    expect(r.stdout).toContain('@@snapshot-kept');
  });
});

describe.skipIf(missing !== null)('a full disk', () => {
  it('before the first change: no snapshot and no half of one; pacman goes on with one warning line more', () => {
    const varDir = keep(mkdtempSync(join(tmpdir(), 'ug-var-')));
    const r = runInSandbox({
      ...overlay(sharedImage(), varDir, 'boot-1'),
      script: `${setup()}\nmkdir -p /var/lib/usr-guard && mount -t tmpfs -o size=4k,mode=755 full /var/lib/usr-guard
pacman -S --noconfirm ugfoo >/tmp/out 2>&1; echo "@@rc=$?"; ls -A /var/lib/usr-guard | grep -vx overlay-record.json; grep -c 'usr-guard: warning' /tmp/out; grep 'could not save' /tmp/out`,
    });
    expect(r.stdout).toMatch(
      /^@@rc=0\n2\nusr-guard: warning: could not save pacman's database: cannot write \/var\/lib\/usr-guard\/pacman-snapshot\.new-\S+: no space left on device\n$/,
    );
  });

  it("at the restore: pacman's database and the snapshot stay as they are, for the next boot", () => {
    const image = sharedImage();
    const { varDir } = firstBoot(image);
    const r = runInSandbox({
      ...locked(image, varDir, 'boot-2'),
      script: `mkdir /tmp/stash && cp -a /var/lib/pacman /tmp/stash/
need=$(du -sk /tmp/stash | cut -f1)
mount -t tmpfs -o size=$((need + 64))k,mode=755 full /var/lib/pacman && cp -a /tmp/stash/pacman/. /var/lib/pacman/
dd if=/dev/zero of=/var/lib/pacman/fill bs=4k 2>/dev/null
before=$(find /var/lib/pacman/local -type f -exec sha256sum {} + | sort)
${RESTORE}
[ "$before" = "$(find /var/lib/pacman/local -type f -exec sha256sum {} + | sort)" ] && echo @@db-unchanged
test -f /var/lib/usr-guard/pacman-snapshot/manifest && echo @@snapshot-kept
ls -d /var/lib/pacman/local.usr-guard-* 2>/dev/null`,
    });
    expect(r.stdout).toMatch(
      /no space left on device; pacman's database is as it was\.\n@@restore=1\n@@db-unchanged\n@@snapshot-kept\n$/,
    );
  });
});

describe.skipIf(missing !== null)('a kill while the boot unit removes the snapshot it put back, and leftovers', () => {
  it('leave no half snapshot that is "kept": the next change takes a whole one, and the next boot puts it back', () => {
    const image = sharedImage();
    const { varDir } = firstBoot(image);
    const boot2 = runInSandbox({
      ...locked(image, varDir, 'boot-2'),
      script: `${setup()}
USR_GUARD_TEST_STOP_AT=pacman-restore-done usr-guard restore-pacman-db >/dev/null 2>&1; echo "@@killed=$?"
pacman -Q ugfoo >/dev/null 2>&1 || echo "@@restored"
# What usr-guard 0.1's restore left when cut short (a snapshot without its manifest), and a killed take's copy.
mkdir -p /var/lib/usr-guard/pacman-snapshot/local /var/lib/usr-guard/pacman-snapshot.new-1-dead
${NEW_OVERLAY}
pacman -S --noconfirm ugfoo 2>&1 | grep -o "is saved now" | head -1
echo "@@left:" $(ls /var/lib/usr-guard | grep pacman)
test -f /var/lib/usr-guard/pacman-snapshot/manifest && echo "@@whole"`,
    });
    expect(boot2.stdout).toContain('@@killed=137\n@@restored\n');
    expect(boot2.stdout).toContain('is saved now\n');
    expect(boot2.stdout).toContain('@@left: pacman-snapshot\n@@whole\n');
    const boot3 = runInSandbox({
      ...locked(image, varDir, 'boot-3'),
      script: `${RESTORE}\npacman -Q ugfoo >/dev/null 2>&1 && echo "@@pacman-says-installed" || echo "@@pacman-says-not-installed"`,
    });
    expect(boot3.stdout).toContain("restored pacman's database");
    expect(boot3.stdout).toContain('@@pacman-says-not-installed');
  });
});
