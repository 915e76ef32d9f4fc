// The real `ostree admin unlock` (Debian 12's ostree 2022.7), each kind of it,
// in a booted deployment of an image with usr-guard installed: the state
// usr-guard names, refusals (dpkg's status and /usr unchanged), warnings, diff,
// reboots and the offer. The sandbox: test/helpers/ostree-host.ts and
// docs/testing-ostree.md. What the real thing cannot do here (composefs,
// bootc's own commands, ostree 2025.3's backing folder) stays modelled in
// the other test files.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepo } from '../helpers/debs.js';
import { ostreeMissing, ostreeSysroot } from '../helpers/ostree-host.js';
import { bootWithRepo, expectRefused, json, part, tried } from '../helpers/ostree-runs.js';

const why = ostreeMissing();
if (why) console.log(`SKIP the real ostree: ${why}`);

let sysroot: string;
let repo: string;
beforeAll(async () => {
  if (why) return;
  repo = buildRepo(['ughello']);
  sysroot = await ostreeSysroot();
}, 300_000);
afterAll(() => {
  for (const d of [sysroot, repo]) if (d) rmSync(d, { recursive: true, force: true });
});

const boot = (scripts: string[], fullCopy = false) => bootWithRepo(sysroot, repo, scripts, fullCopy);
/** The one boot of a script. */
const bootOnce = async (script: string, fullCopy = false) => (await boot([script], fullCopy))[0]!;

/** Refused installs, by apt and by a bare dpkg, and what diff says. */
const refusals = () => `try apt 'apt-get install -y ughello'
try dpkg 'dpkg -i ${repo}/ughello_1.0_all.deb'
echo @@diff; usr-guard diff
echo @@end`;

describe.skipIf(why !== null)('the real ostree admin unlock, in a booted deployment', () => {
  describe('no unlock: a locked deployment', () => {
    let out: string;
    beforeAll(
      async () =>
        (out = await bootOnce(
          `echo @@ostree; ostree admin status\necho @@state; usr-guard status --json\n${refusals()}`,
        )),
    );

    it('is image-locked: a read-only bind of the deployment', () => {
      expect(part(out, 'ostree')).toMatch(/^\* debian [0-9a-f]{64}\.0\n/);
      expect(part(out, 'ostree')).not.toContain('Unlocked');
      expect(json(out, 'state')).toMatchObject({
        state: 'image-locked',
        usr: { mountPoint: '/usr', readOnly: true, overlay: 'none' },
        host: { ostreeBooted: true, unlocked: null },
      });
    });

    it('refuses apt and dpkg before anything is downloaded; nothing changed', () => {
      expectRefused(tried(out, 'apt'));
      expectRefused(tried(out, 'dpkg'));
      expect(part(out, 'diff')).toContain('nothing changed: /usr has no overlay (image-locked).');
    });
  });

  describe('ostree admin unlock from a private mount namespace: its marker, not its overlay, reaches the host', () => {
    let out: string;
    beforeAll(
      async () =>
        (out = await bootOnce(
          `unshare -m --propagation private ostree admin unlock >/dev/null\necho @@ostree; ostree admin status\necho @@state; usr-guard status --json\n${refusals()}`,
        )),
    );

    it('is image-locked here, and status says why', () => {
      expect(part(out, 'ostree')).toContain('Unlocked: development');
      expect(json(out, 'state')).toMatchObject({
        state: 'image-locked',
        usr: { readOnly: true, overlay: 'none' },
        host: { unlocked: 'development' },
      });
      expect(json(out, 'state').why).toContain(
        'its overlay is not on /usr in this mount namespace (it was mounted in another one)',
      );
    });

    it('refuses apt and dpkg; nothing changed', () => {
      expectRefused(tried(out, 'apt'));
      expectRefused(tried(out, 'dpkg'));
    });
  });

  describe('ostree admin unlock --transient: a read-only overlay', () => {
    let out: string;
    beforeAll(
      async () =>
        (out = await bootOnce(
          `ostree admin unlock --transient\necho @@ostree; ostree admin status\necho @@state; usr-guard status --json\n${refusals()}`,
        )),
    );

    it('is image-overlay-readonly', () => {
      expect(part(out, 'ostree')).toContain('Unlocked: transient');
      expect(json(out, 'state')).toMatchObject({
        state: 'image-overlay-readonly',
        usr: { readOnly: true, overlay: 'unlock' },
        host: { unlocked: 'transient' },
      });
    });

    it('refuses apt and dpkg; nothing changed', () => {
      expectRefused(tried(out, 'apt'));
      expectRefused(tried(out, 'dpkg'));
      expect(part(out, 'diff')).toContain('nothing changed: the overlay holds no changes.');
    });
  });

  const WRITABLE = [
    {
      kind: 'development',
      unlock: 'ostree admin unlock',
      state: 'image-overlay',
      unlocked: 'development',
      marker: 'development',
      gone: 'discarded at reboot',
    },
    {
      kind: 'transient, then mount -o remount,rw /usr',
      unlock: 'ostree admin unlock --transient && mount -o remount,rw /usr',
      state: 'image-overlay',
      unlocked: 'transient',
      marker: 'transient',
      gone: 'discarded at reboot',
    },
    {
      kind: 'hotfix',
      unlock: 'ostree admin unlock --hotfix',
      state: 'image-hotfix',
      unlocked: null,
      marker: 'hotfix',
      gone: 'discarded at the next deployment',
    },
  ] as const;

  describe.each(WRITABLE)('ostree admin unlock: $kind', ({ unlock, state, unlocked, marker, gone }) => {
    let out: string;
    beforeAll(async () => {
      // diff from three folders: /, /usr/share, and one that holds a decoy .usr-ovl-upper.
      const diffs = `echo @@diff-root; usr-guard diff --json
cd /usr/share && echo @@diff-share && usr-guard diff --json
mkdir -p /tmp/decoy/.usr-ovl-upper/share && echo decoy >/tmp/decoy/.usr-ovl-upper/share/ug-decoy
cd /tmp/decoy && echo @@diff-decoy && usr-guard diff --json; cd /`;
      out = await bootOnce(
        `${unlock} >/dev/null
echo @@ostree; ostree admin status
echo @@state; usr-guard status --json
try apt 'apt-get install -y ughello && ughello'
echo note >/usr/share/ug-note
${diffs}
echo @@upperdir; cat /run/usr-guard/upperdir
echo @@end`,
        marker === 'hotfix',
      );
    });

    it(`is ${state}, as ostree says`, () => {
      expect(part(out, 'ostree')).toContain(`Unlocked: ${marker}`);
      expect(json(out, 'state')).toMatchObject({
        state,
        usr: { mountPoint: '/usr', fsType: 'overlay', readOnly: false, overlay: 'unlock' },
        host: { unlocked },
      });
    });

    it('apt installs, with one warning', () => {
      const r = tried(out, 'apt');
      expect(r.rc).toBe(0);
      expect(r.text).toContain('ughello 1.0');
      expect(r.text.match(/usr-guard: warning/g)).toHaveLength(1);
      expect(r.text).toContain(gone);
    });

    it.each(['root', 'share', 'decoy'])('diff reads the overlay ostree mounted, run from the folder %s', (where) => {
      const d = json(out, `diff-${where}`);
      expect(d.packages).toEqual([
        { manager: 'apt', name: 'ughello', change: 'added', version: '1.0', fromVersion: null },
      ]);
      expect(d.files).toEqual([{ path: '/usr/share/ug-note', change: 'added' }]);
      expect(d.overlay.notes).toEqual([]);
    });

    it('names the upper layer by a path that holds from anywhere', () => {
      const upper = json(out, 'state').usr.upperdir as string;
      expect(upper).toMatch(
        marker === 'hotfix'
          ? /^\/sysroot\/ostree\/deploy\/debian\/deploy\/[0-9a-f]{64}\.0\/\.usr-ovl-upper$/
          : /^\/var\/tmp\/ostree-unlock-ovl\.\w{6}\/upper$/,
      );
      expect(json(out, 'diff-share').overlay.upperdir).toBe(upper);
      // What the login reminder reads.
      expect(part(out, 'upperdir').trim()).toBe(upper);
    });
  });
});

/** After a reboot: what the state, the boot unit's restore, dpkg and /usr say. */
const AFTER_REBOOT = `echo @@state; usr-guard status --json
echo @@restore; usr-guard restore-dpkg-db 2>&1
echo @@checks
test -e /usr/bin/ughello && echo file-there || echo file-gone
dpkg -s ughello >/dev/null 2>&1 && echo dpkg-installed || echo dpkg-not-installed
dpkg --audit && apt-get check >/dev/null 2>&1 && echo dpkg-and-apt-clean
ls -d /var/tmp/ostree-unlock-ovl.* >/dev/null 2>&1 && echo unlock-folder-left
echo @@ostree; ostree admin status`;
const INSTALL = 'apt-get install -y ughello >/dev/null 2>&1 && echo note >/usr/share/ug-note';

describe.skipIf(why !== null)('the real ostree admin unlock, then a reboot', () => {
  it.each([
    ['development', 'ostree admin unlock'],
    ['transient, remounted read-write', 'ostree admin unlock --transient && mount -o remount,rw /usr'],
  ])('%s: the next boot is locked again, and dpkg agrees with /usr', async (_kind, unlock) => {
    const [, out] = await boot([
      // The boot unit runs early in every boot: its snapshot of the boot's start.
      `usr-guard restore-dpkg-db >/dev/null 2>&1; ${unlock} >/dev/null && ${INSTALL} && echo @@installed`,
      `${AFTER_REBOOT}\ntry apt 'apt-get install -y ughello'\necho @@end`,
    ]);
    expect(json(out!, 'state')).toMatchObject({ state: 'image-locked', usr: { readOnly: true, overlay: 'none' } });
    expect(part(out!, 'ostree')).not.toContain('Unlocked');
    expect(part(out!, 'restore')).toContain("restored dpkg's database and apt's marks from the snapshot");
    // ostree leaves its overlay folder in /var/tmp (systemd-tmpfiles clears it at boot; not here).
    expect(part(out!, 'checks').split('\n')).toEqual([
      'file-gone',
      'dpkg-not-installed',
      'dpkg-and-apt-clean',
      'unlock-folder-left',
      '',
    ]);
    expectRefused(tried(out!, 'apt'));
  });

  it('hotfix: ostree-prepare-root mounts the overlay again; usr-guard keeps dpkg as it is, and diff still reads the layer', async () => {
    const [first, out] = await boot(
      [
        `ostree admin unlock --hotfix >/dev/null && ${INSTALL} && echo @@installed`,
        `${AFTER_REBOOT}\ncd /usr/share && echo @@diff && usr-guard diff --json; cd /\ntry apt 'apt-get install -y --reinstall ughello'\necho @@end`,
      ],
      true,
    );
    expect(first).toContain('@@installed');
    expect(json(out!, 'state')).toMatchObject({ state: 'image-hotfix', usr: { readOnly: false, overlay: 'unlock' } });
    expect(part(out!, 'ostree')).toMatch(
      /^\* debian [0-9a-f]{64}\.0\n {4}Unlocked: hotfix\n[\s\S]*\n {2}debian [0-9a-f]{64}\.1 \(rollback\)\n/,
    );
    // A hotfix keeps its changes: usr-guard took no snapshot to put back.
    expect(part(out!, 'restore')).toContain("no snapshot of dpkg's database");
    expect(part(out!, 'checks').split('\n')).toEqual(['file-there', 'dpkg-installed', 'dpkg-and-apt-clean', '']);
    expect(json(out!, 'diff').files).toContainEqual({ path: '/usr/share/ug-note', change: 'added' });
    const r = tried(out!, 'apt');
    expect(r.rc).toBe(0);
    expect(r.text).toContain('discarded at the next deployment');
  });
});

describe.skipIf(why !== null)('the offer, with the real ostree admin unlock', () => {
  it('mode = overlay: apt-get install on a locked deployment runs ostree admin unlock, and installs', async () => {
    const out = await bootOnce(`try apt 'USR_GUARD_MODE=overlay apt-get install -y ughello && ughello'
echo @@ostree; ostree admin status
echo @@state; usr-guard status --json
echo @@end`);
    const r = tried(out, 'apt');
    expect(r.rc).toBe(0);
    expect(r.text).toContain('Development mode enabled.');
    expect(r.text).toContain('ughello 1.0');
    expect(part(out, 'ostree')).toContain('Unlocked: development');
    expect(json(out, 'state').state).toBe('image-overlay');
  });

  it('usr-guard overlay --read-only runs ostree admin unlock --transient; usr-guard overlay then remounts it read-write', async () => {
    const out = await bootOnce(`echo @@ro; usr-guard overlay --read-only; echo "rc=$?"
echo @@ostree; ostree admin status
echo @@state-ro; usr-guard status --json
echo @@rw; usr-guard overlay; echo "rc=$?"
echo @@state-rw; usr-guard status --json
try apt 'apt-get install -y ughello'
echo @@end`);
    expect(part(out, 'ro')).toMatch(/rc=0\n$/);
    expect(part(out, 'ostree')).toContain('Unlocked: transient');
    expect(json(out, 'state-ro').state).toBe('image-overlay-readonly');
    expect(part(out, 'rw')).toMatch(/rc=0\n$/);
    expect(json(out, 'state-rw').state).toBe('image-overlay');
    const r = tried(out, 'apt');
    expect(r.rc).toBe(0);
    expect(r.text).toContain('discarded at reboot');
  });
});

describe.skipIf(why !== null)('overlay --drop, with the real ostree admin unlock', () => {
  it('leaves the deployment locked as ostree sees it (its unlock marker gone): dpkg put back, and ostree can unlock again', async () => {
    // usr-guard restore-dpkg-db: the boot unit, which takes the boot's snapshot that drop puts back.
    const out = await bootOnce(`usr-guard restore-dpkg-db >/dev/null 2>&1
ostree admin unlock >/dev/null
try apt 'apt-get install -y ughello'
echo @@drop; usr-guard overlay --drop 2>&1; echo "rc=$?"
echo @@ostree; ostree admin status
echo @@state; usr-guard status --json
echo @@dpkg; dpkg-query -W -f='\${Status}\n' ughello 2>&1 || :
echo @@again; ostree admin unlock 2>&1; echo "rc=$?"
echo @@state-again; usr-guard status --json
echo @@end`);
    expect(tried(out, 'apt').rc).toBe(0);
    expect(part(out, 'drop')).toMatch(/removed ostree's unlock marker \S+unlocked-development[\s\S]*rc=0\n$/);
    expect(part(out, 'ostree')).not.toContain('Unlocked:');
    expect(json(out, 'state').state).toBe('image-locked');
    expect(part(out, 'dpkg')).not.toContain('install ok installed');
    expect(part(out, 'again')).toMatch(/rc=0\n$/);
    expect(json(out, 'state-again').state).toBe('image-overlay');
  });
});

describe.skipIf(why !== null)(
  "ostree 2025.3's overlay (modelled: this ostree is 2022.7), in the real deployment",
  () => {
    it('diff reads the backing folder that ostree named by its own descriptor, from any folder', async () => {
      // What ostree 2025.3's unlock does: the upper and work folders in the deployment's backing folder,
      // mounted from the deployment through a descriptor of that folder, and its runstate file.
      const out = await bootOnce(`for d in /sysroot/ostree/deploy/*/deploy/*.*; do [ "$d" -ef / ] && dep=$d; done
name=\${dep##*/}; os=\${dep%/deploy/*}; os=\${os##*/}
b=/sysroot/ostree/deploy/$os/backing/$name/usr-transient
mkdir -p $b/upper $b/work /run/ostree/deployment-state/$name
(cd "$dep" && exec 9<"$b" && mount -t overlay overlay -o lowerdir=usr,upperdir=/proc/self/fd/9/upper,workdir=/proc/self/fd/9/work /usr)
touch /run/ostree/deployment-state/$name/unlocked-development
echo @@mount; grep -o 'upperdir=[^,]*' /proc/self/mountinfo
${INSTALL}
cd /usr/share && echo @@diff && usr-guard diff --json; cd /
echo @@backing; echo $b/upper
echo @@end`);
      expect(part(out, 'mount')).toBe('upperdir=/proc/self/fd/9/upper\n');
      const d = json(out, 'diff');
      expect(d.overlay).toMatchObject({ state: 'image-overlay', upperdir: part(out, 'backing').trim(), notes: [] });
      expect(d.packages).toEqual([
        { manager: 'apt', name: 'ughello', change: 'added', version: '1.0', fromVersion: null },
      ]);
      expect(d.files).toEqual([{ path: '/usr/share/ug-note', change: 'added' }]);
    });
  },
);
