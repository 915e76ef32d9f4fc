// usr-guard keep, end to end with the real tools: an overlay host (the
// sandbox) holding an apt install, a local .deb and a hand-edited file keeps
// them with the real podman (or buildah) FROM a bootc-shaped vendor image in
// a private containers-storage, a bootc stand-in records the switch; the
// built image is then committed and deployed with the real ostree and booted
// (the real-ostree sandbox): the packages, their files, dpkg's database and
// the hand edit are there, and usr-guard says image-locked, nothing to keep.
// The world: test/helpers/keep-host.ts; docs/keep.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptUseRepo } from '../helpers/debs.js';
import { deployBuilt, disposeWorld, hostSetup, type KeepWorld, keepMissing, keepWorld } from '../helpers/keep-host.js';
import { bootOstree } from '../helpers/ostree-host.js';
import { part } from '../helpers/ostree-runs.js';
import { type Result, runInSandboxAsync } from '../helpers/sandbox.js';

const why = keepMissing();
if (why) console.log(`SKIP usr-guard keep with a real builder: ${why}`);

// As bootc usr-overlay makes it on an ostree host (diff.test.ts does the same).
const OVERLAY = `mkdir -p /run/ug-ov/up /run/ug-ov/wk && mount -t overlay overlay -o lowerdir=/usr,upperdir=/run/ug-ov/up,workdir=/run/ug-ov/wk /usr
mkdir -p /run/ostree/deployment-state/0a1b2c.0 && touch /run/ostree/deployment-state/0a1b2c.0/unlocked-development`;
const DPKG = 'sha256sum </var/lib/dpkg/status';

let w: KeepWorld;
const hadContainers = existsSync('/var/lib/containers');
const hadRunContainers = existsSync('/run/containers');
const dirs: string[] = [];
beforeAll(async () => {
  if (!why) w = await keepWorld();
}, 600_000);
afterAll(() => {
  disposeWorld(w);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A sandbox of the host booted from the vendor's image, its overlay holding `changes`. */
function host(script: string, image = w.image) {
  const varDir = mkdtempSync(join(tmpdir(), 'ug-var-'));
  dirs.push(varDir);
  return runInSandboxAsync({
    usr: 'image',
    ostreeBooted: true,
    image,
    varDir,
    binds: [w.dir, w.repo, w.debs],
    script: `${hostSetup(w)}\n${aptUseRepo(w.repo)}\n${OVERLAY}\n${script}`,
  });
}

const CHANGES = `apt-get install -y ughello >/dev/null 2>&1
dpkg -i ${'$D'}/ugloc_1.0_all.deb >/dev/null 2>&1
mkdir -p /var/lib/usr-guard/package-files && cp ${'$D'}/ugloc_1.0_all.deb /var/lib/usr-guard/package-files/
echo "edited by hand" >>/usr/share/base-files/motd
rm /usr/share/base-files/dot.bashrc
mkdir -p /usr/share/ug-odd && echo odd >"/usr/share/ug-odd/it's a \\$name"`;

describe.skipIf(why !== null)('usr-guard keep with a real builder', () => {
  describe('an apt install, a local .deb and a hand edit, kept', () => {
    let out: string;
    beforeAll(async () => {
      const r = await host(`D=${w.debs}
${CHANGES}
echo @@dry; usr-guard keep --dry-run 2>&1; echo "rc=$?"; grep -v '^status' /run/ug-bootc/calls && echo "bootc was asked to act"
echo @@mine; mkdir /tmp/mine && echo mine >/tmp/mine/x && usr-guard keep --context /tmp/mine 2>&1; echo "rc=$?"; cat /tmp/mine/x
echo @@context; usr-guard keep --context /tmp/ctx 2>&1; echo "rc=$?"; (cd /tmp/ctx && find . | sort)
echo @@keep; script -qec 'usr-guard keep' /dev/null </dev/null >/tmp/keep.out; rc=$?; tr -d '\\r' </tmp/keep.out; echo "rc=$rc"
echo @@etc; cat /etc/usr-guard/keep/Containerfile; cat /var/lib/usr-guard/keep.json; ls /var/lib/usr-guard/keep.log
echo @@rebase; podman tag localhost/ug-vendor:2 localhost/ug-vendor:latest 2>/dev/null || buildah tag localhost/ug-vendor:2 localhost/ug-vendor:latest
usr-guard keep --rebase 2>&1; echo "rc=$?"
c=$(buildah from localhost/usr-guard-keep:2) && m=$(buildah mount $c) && cat $m/usr/share/ug-vendor-2 && ls $m/usr/bin/ughello $m/usr/bin/ugloc && tail -n1 $m/usr/share/base-files/motd; buildah rm $c >/dev/null
echo @@again; usr-guard keep --rebase 2>&1; echo "rc=$?"; tail -n1 /run/ug-bootc/switches
echo @@undo; usr-guard keep --undo 2>&1; echo "rc=$?"; tail -n1 /run/ug-bootc/switches
echo @@calls; cat /run/ug-bootc/calls
echo @@end`);
      out = r.stdout + r.stderr;
    }, 600_000);

    it('--dry-run prints the recipe and the commands, and runs nothing', () => {
      const dry = part(out, 'dry');
      expect(dry).toContain('FROM localhost/bootc');
      expect(dry).toContain(`LABEL org.usr-guard.keep.base-digest="${w.digest}"`);
      expect(dry).toContain('RUN apt-get install -y ughello\n');
      expect(dry).toContain('RUN apt-get install -y /tmp/usr-guard-keep/ugloc_1.0_all.deb');
      expect(dry).toContain('COPY "keep-1/usr/" "/usr/"');
      expect(dry).toContain("RUN printf '%b\\0' '/usr/share/base-files/dot.bashrc' | xargs -0 rm -rf --");
      expect(dry).not.toContain('odd'); // its name is in the context, never in the Containerfile
      expect(dry).toContain('RUN usr-guard dpkg-db move\nRUN bootc container lint\n');
      expect(dry).toMatch(/^\/usr\/bin\/bootc image copy-to-storage --target containers-storage:localhost\/bootc$/m);
      expect(dry).toMatch(
        /^(podman build|buildah bud) --pull=never -f \/var\/lib\/usr-guard\/keep\/Containerfile -t localhost\/usr-guard-keep:1 /m,
      );
      expect(dry).toContain('/usr/bin/bootc switch --transport containers-storage localhost/usr-guard-keep:1');
      expect(dry).toContain('rc=0');
      expect(dry).not.toContain('bootc was asked to act');
    });

    it("--context never replaces a folder of the user's", () => {
      expect(part(out, 'mine')).toBe(
        'usr-guard: keep: --context /tmp/mine: the folder holds files that are not a recipe of keep; name an empty or new one\nrc=2\nmine\n',
      );
    });

    it('--context writes the recipe and its files only', () => {
      const ctx = part(out, 'context');
      expect(ctx).toContain('rc=0');
      expect(ctx).toContain('./keep-1/packages/ugloc_1.0_all.deb');
      expect(ctx).toContain('./keep-1/usr/share/base-files/motd');
      expect(ctx).toContain('./Containerfile');
    });

    it('builds and stages the image, a progress line per step on a terminal, and says the trade and the way back', () => {
      const keep = part(out, 'keep');
      expect(keep).toContain('rc=0');
      expect(keep).toMatch(/^usr-guard keep: step 1\/\d+: FROM localhost\/bootc$/m);
      expect(keep).toMatch(/^usr-guard keep: step \d+\/\d+: RUN apt-get install -y ughello$/m);
      expect(keep).toContain(
        'usr-guard keep: built localhost/usr-guard-keep:1; the next boot boots it (bootc switch --transport containers-storage localhost/usr-guard-keep:1). Reboot to use it.',
      );
      expect(keep).toContain(
        'From now on bootc upgrade follows localhost/usr-guard-keep:1, not localhost/ug-vendor:latest',
      );
      expect(keep).toContain('To go back: usr-guard keep --undo');
      expect(part(out, 'calls').trim().split('\n')).toEqual([
        'status --format=json', // --dry-run
        'status --format=json', // --context
        'status --format=json',
        'image copy-to-storage --target containers-storage:localhost/bootc',
        'status --format=json', // the digest, checked before the build
        'switch --transport containers-storage localhost/usr-guard-keep:1',
        'status --format=json', // --rebase
        'switch --transport containers-storage localhost/usr-guard-keep:2',
        'status --format=json', // --rebase again, the vendor's image where it was
        'switch --transport containers-storage localhost/ug-vendor:latest', // --undo
      ]);
      expect(part(out, 'etc')).toContain('RUN apt-get install -y ughello');
      expect(part(out, 'etc')).toContain('"followed": {\n    "image": "localhost/ug-vendor:latest"');
      expect(part(out, 'etc')).toContain('/var/lib/usr-guard/keep.log');
    });

    it("--rebase builds the kept recipe on the vendor's newest image, --undo goes back", () => {
      const rebase = part(out, 'rebase');
      expect(rebase).toContain('rc=0');
      expect(rebase).toContain("the vendor's next image");
      expect(rebase).toMatch(/\/usr\/bin\/ughello\n.*\/usr\/bin\/ugloc\nedited by hand\n/);
      // Run again with the vendor's image where it was (the daily timer): nothing built, nothing switched.
      expect(part(out, 'again')).toMatch(
        /^usr-guard keep: nothing to rebase: the kept image is built on localhost\/ug-vendor:latest's newest \(sha256:[0-9a-f]{64}\)\.\nrc=0\nswitch --transport containers-storage localhost\/usr-guard-keep:2\n$/,
      );
      expect(part(out, 'undo')).toContain('usr-guard keep: the next boot boots localhost/ug-vendor:latest again');
      expect(part(out, 'undo')).toContain('switch --transport containers-storage localhost/ug-vendor:latest');
    });

    describe('the kept image, deployed with the real ostree and booted', () => {
      let boot: string;
      beforeAll(async () => {
        await deployBuilt(w, 'localhost/usr-guard-keep:1');
        const [b] = await bootOstree({
          sysroot: w.sysroot,
          boots: [
            `echo @@restore; usr-guard restore-dpkg-db 2>&1; echo "rc=$?"
echo @@dpkg; dpkg-query -W -f '\${Package} \${db:Status-Abbrev}\\n' ughello ugloc; dpkg --audit; echo "audit rc=$?"
echo @@files; /usr/bin/ughello; /usr/bin/ugloc; tail -n1 /usr/share/base-files/motd; cat "/usr/share/ug-odd/it's a \\$name"; ls /usr/share/base-files/dot.bashrc 2>&1
echo @@state; usr-guard status --json
echo @@keep; usr-guard keep 2>&1; echo "rc=$?"
echo @@end`,
          ],
        });
        boot = b!.stdout + b!.stderr;
      }, 600_000);

      it('has the packages, their files, the hand edit, the file of an odd name added by hand, not the one deleted', () => {
        expect(part(boot, 'files')).toBe(
          "ughello 1.0\nugloc 1.0\nedited by hand\nodd\nls: cannot access '/usr/share/base-files/dot.bashrc': No such file or directory\n",
        );
      });

      it("dpkg's database, the image's, says they are installed", () => {
        expect(part(boot, 'restore')).toContain('rc=0');
        expect(part(boot, 'dpkg')).toMatch(/^ughello ii \nugloc ii \naudit rc=0\n$/);
      });

      it('usr-guard there says image-locked, with nothing to keep', () => {
        expect(JSON.parse(part(boot, 'state'))).toMatchObject({ state: 'image-locked' });
        expect(part(boot, 'keep')).toBe('usr-guard: keep: nothing to keep: /usr has no overlay (image-locked)\nrc=2\n');
      });
    });
  });

  it('buildah where there is no podman', async () => {
    const image = mkdtempSync(join(tmpdir(), 'ug-image-buildah-'));
    dirs.push(image);
    spawnSync('cp', ['-a', `${w.image}/.`, `${image}/`]);
    spawnSync('mknod', [`${image}/usr/bin/podman`, 'c', '0', '0']);
    const r = await host(
      `apt-get install -y ughello >/dev/null 2>&1
usr-guard keep 2>&1; echo "@@rc=$?"; grep '^[$] ' /var/lib/usr-guard/keep.log; cat /run/ug-bootc/switches`,
      image,
    );
    expect(r.stdout).toContain('@@rc=0');
    expect(r.stdout).toMatch(
      /^\$ \/usr\/bin\/buildah bud --pull=never -f \/var\/lib\/usr-guard\/keep\/Containerfile -t localhost\/usr-guard-keep:1 /m,
    );
    expect(r.stdout).toContain('switch --transport containers-storage localhost/usr-guard-keep:1');
  });

  describe('failing paths: nothing is switched, nothing of the host changes', () => {
    /** usr-guard keep after `changes`, dpkg's status compared around it; what is left of a switch and of /etc's recipe. */
    const failing = (changes: string, image = w.image) =>
      host(
        `${changes}
before=$(${DPKG}); usr-guard keep; echo "@@rc=$?"; [ "$before" = "$(${DPKG})" ] && echo @@unchanged
[ -e /run/ug-bootc/switches ] && echo "@@switched"; [ -e /etc/usr-guard/keep ] && echo "@@etc written"
[ -e /var/lib/usr-guard/keep.json ] && echo "@@recorded"; [ -s /var/lib/usr-guard/keep.log ] && echo "@@log kept"; cat /run/ug-bootc/calls | sed 's/^/@@call /'`,
        image,
      );
    const nothingDone = (r: Result) => {
      expect(r.stdout).toContain('@@rc=1');
      expect(r.stdout).toContain('@@unchanged');
      expect(r.stdout).not.toMatch(/@@switched|@@etc written|@@recorded/);
    };

    it('a build step that fails: its line and why, the log kept', async () => {
      const r = await failing('apt-get install -y ugmissing >/dev/null 2>&1');
      nothingDone(r);
      expect(r.stdout).toContain('@@log kept');
      expect(r.stderr.trim()).toMatch(
        /^usr-guard: keep: the build failed: line \d+ of \/var\/lib\/usr-guard\/keep\/Containerfile \(RUN apt-get install -y ugmissing\) failed: exit status 100; the builder's log: \/var\/lib\/usr-guard\/keep\.log$/,
      );
    });

    it('no room in containers-storage for the base image and the context: no build', async () => {
      const r = await failing(`mkdir -p /run/tiny && mount -t tmpfs -o size=24m ug-tiny /run/tiny
printf '[storage]\\ndriver = "vfs"\\ngraphroot = "/run/tiny/g"\\nrunroot = "/run/tiny/r"\\n' >/run/tiny.conf
export CONTAINERS_STORAGE_CONF=/run/tiny.conf
c=$(buildah from scratch) && buildah commit -q $c localhost/ug-tiny >/dev/null && buildah rm $c >/dev/null
echo localhost/ug-tiny >/run/ug-bootc/vendor
head -c 30M /dev/zero >/usr/share/ug-big`);
      nothingDone(r);
      // Its last line (a note before it says that apt changed nothing this boot).
      expect(r.stderr.trim().split('\n').pop()).toMatch(
        /^usr-guard: keep: no room to build: containers-storage \(\/run\/tiny\/g\) has \d+ MiB free, and the build needs \d+ MiB \(the base image's size and the context's\)$/,
      );
      expect(r.stdout).not.toContain('@@call switch');
    });

    it.each([
      [
        'a mutable host',
        { usr: 'writable' } as const,
        '',
        'this host is not image-based (mutable-host): its changes to /usr last already',
      ],
      [
        'a container',
        { usr: 'writable' } as const,
        'touch /run/.containerenv',
        'this is a container (container): build the image instead',
      ],
      [
        'an overlay with nothing in it',
        { usr: 'image', ostreeBooted: true } as const,
        OVERLAY,
        'nothing to keep: the overlay holds no changes',
      ],
      [
        'an image host without an overlay',
        { usr: 'image', ostreeBooted: true } as const,
        '',
        'nothing to keep: /usr has no overlay (image-locked)',
      ],
    ])('%s: one line, exit 2, nothing written', async (_, spec, setup, why) => {
      const r = await runInSandboxAsync({
        ...spec,
        image: w.image,
        script: `${hostSetup(w)}\n${setup}\nusr-guard keep; echo "@@rc=$?"; ls /var/lib/usr-guard/keep /etc/usr-guard/keep 2>/dev/null | sed 's/^/@@ls /'`,
      });
      expect(r.stderr.trim().split('\n').pop()).toBe(`usr-guard: keep: ${why}`);
      expect(r.stdout).toContain('@@rc=2');
      expect(r.stdout).not.toContain('@@ls');
    });

    it('no podman and no buildah: one line naming the package; nothing written, bootc not asked', async () => {
      const image = mkdtempSync(join(tmpdir(), 'ug-image-nobuilder-'));
      dirs.push(image);
      spawnSync('cp', ['-a', `${w.image}/.`, `${image}/`]);
      // Whiteouts in the image layer: the image has neither.
      for (const b of ['podman', 'buildah']) spawnSync('mknod', [`${image}/usr/bin/${b}`, 'c', '0', '0']);
      const r = await host(
        `apt-get install -y ughello >/dev/null 2>&1
command -v podman buildah && echo "@@still there"
before=$(${DPKG}); usr-guard keep; echo "@@rc=$?"; [ "$before" = "$(${DPKG})" ] && echo @@unchanged
ls /var/lib/usr-guard/keep /etc/usr-guard/keep 2>&1 | sed 's/^/@@ls /'; cat /run/ug-bootc/calls`,
        image,
      );
      expect(r.stdout).not.toContain('@@still there');
      expect(r.stdout).toContain('@@rc=1');
      expect(r.stdout).toContain('@@unchanged');
      expect(r.stderr.trim()).toBe(
        'usr-guard: keep: no podman and no buildah here: install podman (apt-get install podman, dnf install podman, pacman -S podman) into the image, then try again',
      );
      expect(r.stdout).toMatch(/@@ls .*\/var\/lib\/usr-guard\/keep.*No such file/);
      expect(r.stdout).not.toContain('copy-to-storage');
    });
  });

  it("leaves nothing in this machine's containers-storage", () => {
    expect(existsSync('/var/lib/containers')).toBe(hadContainers);
    expect(existsSync('/run/containers')).toBe(hadRunContainers);
  });
});
