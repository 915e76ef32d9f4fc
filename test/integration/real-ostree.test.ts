// The real `ostree admin unlock` (Debian 12's ostree 2022.7), each kind of it,
// in a booted deployment of an image with usr-guard installed: the state
// usr-guard names, refusals (dpkg's status and /usr unchanged), warnings, diff,
// reboots and the offer. The sandbox: test/helpers/ostree-host.ts and
// docs/testing-ostree.md. What the real thing cannot do here (composefs,
// bootc's own commands, ostree 2025.3's backing folder) stays modelled in
// the other test files.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APT_HEADLINE, DPKG_AND_USR } from '../helpers/apt-runs.js';
import { aptUseRepo, buildRepo } from '../helpers/debs.js';
import { bootOstree, ostreeMissing, ostreeSysroot } from '../helpers/ostree-host.js';

const why = ostreeMissing();
if (why) console.log(`SKIP the real ostree: ${why}`);

let sysroot: string;
let repo: string;
beforeAll(() => {
  if (why) return;
  repo = buildRepo(['ughello']);
  sysroot = ostreeSysroot();
}, 300_000);
afterAll(() => [sysroot, repo].forEach((d) => d && rmSync(d, { recursive: true, force: true })));

/**
 * Shell for every boot: apt pointed at the repository, and `try NAME CMD`,
 * which prints "@@NAME", what CMD printed (stdout and stderr), then
 * "@@NAME rc=N unchanged|changed" (dpkg's status and /usr/bin).
 */
const prelude = () => `${aptUseRepo(repo)}
snap() { ${DPKG_AND_USR}; }
try() { ug_before=$(snap); echo "@@$1"; eval "$2" 2>&1; ug_rc=$?; [ "$ug_before" = "$(snap)" ] && ug_same=unchanged || ug_same=changed; echo "@@$1 rc=$ug_rc $ug_same"; }
`;

/** Boot the image once per script; what each printed (stdout, then stderr). */
function boot(scripts: string[], fullCopy = false): string[] {
  return bootOstree({ sysroot, boots: scripts.map((s) => prelude() + s), binds: [repo], fullCopy }).map((r) => r.stdout + r.stderr);
}
/** The one boot of a script. */
const bootOnce = (script: string, fullCopy = false) => boot([script], fullCopy)[0]!;

/** What a script printed between "@@name" and the next "@@" line. */
function part(out: string, name: string): string {
  const at = out.indexOf(`@@${name}\n`);
  if (at < 0) throw new Error(`no @@${name} in:\n${out}`);
  const from = at + name.length + 3;
  const to = out.indexOf('\n@@', from - 1);
  return out.slice(from, to < 0 ? undefined : to + 1);
}
const json = (out: string, name: string) => JSON.parse(part(out, name));
function tried(out: string, name: string) {
  const m = new RegExp(`^@@${name} rc=(\\d+) (unchanged|changed)$`, 'm').exec(out);
  if (!m) throw new Error(`no result of ${name} in:\n${out}`);
  return { text: part(out, name), rc: Number(m[1]), unchanged: m[2] === 'unchanged' };
}

function expectRefused(r: ReturnType<typeof tried>) {
  expect(r.text).toContain(APT_HEADLINE);
  expect(r.rc).not.toBe(0);
  expect(r.unchanged).toBe(true);
  expect(r.text).not.toMatch(/dpkg: error processing|Read-only file system|unable to clean up/);
  expect(r.text).not.toMatch(/^Get:/m);
}

/** Refused installs, by apt and by a bare dpkg, and what diff says. */
const REFUSALS = `try apt 'apt-get install -y ughello'
try dpkg 'dpkg -i ${'$REPO'}/ughello_1.0_all.deb'
echo @@diff; usr-guard diff
echo @@end`;

describe.skipIf(why !== null)('the real ostree admin unlock, in a booted deployment', () => {
  describe('no unlock: a locked deployment', () => {
    let out: string;
    beforeAll(() => (out = bootOnce(`echo @@ostree; ostree admin status\necho @@state; usr-guard status --json\n${REFUSALS.replace('$REPO', repo)}`)));

    it('is image-locked: a read-only bind of the deployment', () => {
      expect(part(out, 'ostree')).toMatch(/^\* debian [0-9a-f]{64}\.0\n/);
      expect(part(out, 'ostree')).not.toContain('Unlocked');
      expect(json(out, 'state')).toMatchObject({ state: 'image-locked', usr: { mountPoint: '/usr', readOnly: true, overlay: 'none' }, host: { ostreeBooted: true, unlocked: null } });
    });

    it('refuses apt and dpkg before anything is downloaded; nothing changed', () => {
      expectRefused(tried(out, 'apt'));
      expectRefused(tried(out, 'dpkg'));
      expect(part(out, 'diff')).toContain('nothing changed: /usr has no overlay (image-locked).');
    });
  });

  describe('ostree admin unlock --transient: a read-only overlay', () => {
    let out: string;
    beforeAll(() => (out = bootOnce(`ostree admin unlock --transient\necho @@ostree; ostree admin status\necho @@state; usr-guard status --json\n${REFUSALS.replace('$REPO', repo)}`)));

    it('is image-overlay-readonly', () => {
      expect(part(out, 'ostree')).toContain('Unlocked: transient');
      expect(json(out, 'state')).toMatchObject({ state: 'image-overlay-readonly', usr: { readOnly: true, overlay: 'unlock' }, host: { unlocked: 'transient' } });
    });

    it('refuses apt and dpkg; nothing changed', () => {
      expectRefused(tried(out, 'apt'));
      expectRefused(tried(out, 'dpkg'));
      expect(part(out, 'diff')).toContain('nothing changed: the overlay holds no changes.');
    });
  });

  const WRITABLE = [
    { kind: 'development', unlock: 'ostree admin unlock', state: 'image-overlay', unlocked: 'development', marker: 'development', gone: 'discarded at reboot' },
    { kind: 'transient, then mount -o remount,rw /usr', unlock: 'ostree admin unlock --transient && mount -o remount,rw /usr', state: 'image-overlay', unlocked: 'transient', marker: 'transient', gone: 'discarded at reboot' },
    { kind: 'hotfix', unlock: 'ostree admin unlock --hotfix', state: 'image-hotfix', unlocked: null, marker: 'hotfix', gone: 'discarded at the next deployment' },
  ] as const;

  describe.each(WRITABLE)('ostree admin unlock: $kind', ({ unlock, state, unlocked, marker, gone }) => {
    let out: string;
    beforeAll(() => {
      // diff from three folders: /, /usr/share, and one that holds a decoy .usr-ovl-upper.
      const diffs = `echo @@diff-root; usr-guard diff --json
cd /usr/share && echo @@diff-share && usr-guard diff --json
mkdir -p /tmp/decoy/.usr-ovl-upper/share && echo decoy >/tmp/decoy/.usr-ovl-upper/share/ug-decoy
cd /tmp/decoy && echo @@diff-decoy && usr-guard diff --json; cd /`;
      out = bootOnce(
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
      expect(json(out, 'state')).toMatchObject({ state, usr: { mountPoint: '/usr', fsType: 'overlay', readOnly: false, overlay: 'unlock' }, host: { unlocked } });
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
      expect(d.packages).toEqual([{ manager: 'apt', name: 'ughello', change: 'added', version: '1.0', fromVersion: null }]);
      expect(d.files).toEqual([{ path: '/usr/share/ug-note', change: 'added' }]);
      expect(d.overlay.notes).toEqual([]);
    });

    it('names the upper layer by a path that holds from anywhere', () => {
      const upper = json(out, 'state').usr.upperdir as string;
      expect(upper).toMatch(marker === 'hotfix' ? /^\/sysroot\/ostree\/deploy\/debian\/deploy\/[0-9a-f]{64}\.0\/\.usr-ovl-upper$/ : /^\/var\/tmp\/ostree-unlock-ovl\.\w{6}\/upper$/);
      expect(json(out, 'diff-share').overlay.upperdir).toBe(upper);
      // What the login reminder reads.
      expect(part(out, 'upperdir').trim()).toBe(upper);
    });
  });
});
