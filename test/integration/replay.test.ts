// Later runs of a boot on an overlay host, without node (issue 23): node
// decides the first change and keeps its verdict with the key of what it
// depended on; while that key holds, the hook shim says it again in one line.
// Each input changed in turn: node decides again. Counted as node-starts.test.ts counts.
// Room (issue 29): the record's fourth line is a room floor; only where the overlay's
// free room is below it does apt's JSON hook start node, for the room check alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptRun, LOCKED, OVERLAY } from '../helpers/apt-runs.js';
import { COUNT_NODE_STARTS, nodeStarts } from '../helpers/node-starts.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import type { SandboxSpec } from '../helpers/sandbox.js';

let image: string;
let repo: string;
beforeAll(() => ({ image, repo } = aptFixture(['ughello', 'ugother'])));
afterAll(() => removeAll(image, repo));

const LINE =
  'usr-guard: warning: /usr is a transient overlay: this change is discarded at reboot; /etc and /var keep theirs (usr-guard diff lists what the overlay holds).';

/** The first change (node), then `between`, then a second change: what the second printed and how often node started. */
function twice(
  between: string,
  second = 'apt-get install -y ugother',
  spec: Omit<SandboxSpec, 'script' | 'image'> = OVERLAY,
) {
  const script = `apt-get install -y ughello >/dev/null 2>&1
${between}
${COUNT_NODE_STARTS}
echo @@second >&2
${second} >/dev/null; echo "@@rc=$?"; echo @@starts; cat /tmp/node-starts`;
  const r = aptRun({ ...spec, image }, script, repo);
  return {
    rc: Number(/@@rc=(\d+)/.exec(r.stdout)?.[1] ?? -1),
    starts: nodeStarts(r.stdout.slice(r.stdout.indexOf('@@starts'))),
    said: r.stderr.slice(r.stderr.indexOf('@@second') + 9),
  };
}

describe('the second change of a boot', () => {
  it('apt-get install: no node, one line', () => {
    const r = twice('');
    expect(r.rc).toBe(0);
    expect(r.starts).toEqual([]);
    expect(r.said.split('\n').filter((l) => l.startsWith('usr-guard'))).toEqual([LINE]);
  });

  it.each([
    ['dpkg -r', 'dpkg -r ughello'],
    ['apt install', 'apt install -y ugother'],
    ['apt-get remove', 'apt-get remove -y ughello'],
  ])('%s: no node, one line', (_what, cmd) => {
    const r = twice('', cmd);
    expect(r.rc).toBe(0);
    expect(r.starts).toEqual([]);
    expect(r.said.split('\n').filter((l) => l.startsWith('usr-guard'))).toEqual([LINE]);
  });

  it('the record carries the room floor (1 GiB); an overlay with more room than that: no node', () => {
    const r = twice('', 'sed -n 4p /run/usr-guard/replay >&2; apt-get install -y ugother');
    expect(r.starts).toEqual([]);
    expect(r.said.split('\n')[0]).toBe(String(1024 * 1024));
  });

  it("the record names the callers it holds for (pacman's only once its database is saved); a record without them: node", () => {
    const r = twice('', 'sed -n 5p /run/usr-guard/replay >&2; apt-get install -y ugother');
    expect(r.said.split('\n')[0]).toMatch(/^apt-json apt apt-pkgs dpkg dnf( pacman)?$/);
    const cut = twice("sed -i '5d' /run/usr-guard/replay");
    expect(cut.starts).toEqual(['node apt-json']);
    expect(cut.said).toMatch(/changes there \(ugother\)/);
  });

  it("a floor above the overlay's free room: node at the JSON hook for the room alone, one line", () => {
    const r = twice("sed -i '4s/.*/999999999999/' /run/usr-guard/replay");
    expect(r.rc).toBe(0);
    expect(r.starts).toEqual(['node apt-json']);
    expect(r.said.split('\n').filter((l) => l.startsWith('usr-guard'))).toEqual([LINE]);
  });

  it('a run that changes nothing: no node, no word', () => {
    const r = twice('', 'apt-get install -y ughello');
    expect(r.starts).toEqual([]);
    expect(r.said).not.toContain('usr-guard');
  });

  it('dpkg --no-act, or into another root: node decides (in silence)', () => {
    const r = twice(
      '',
      `dpkg --no-act -r ughello && mkdir -p /tmp/t/var/lib/dpkg/info /tmp/t/var/lib/dpkg/updates && touch /tmp/t/var/lib/dpkg/status && DPKG_ROOT=/tmp/t dpkg --force-script-chrootless -i ${repo}/ugother_1.0_all.deb`,
    );
    expect(r.rc).toBe(0);
    expect(r.starts).toEqual(['node dpkg', 'node dpkg']);
    expect(r.said).not.toContain('usr-guard');
  });
});

// Each input of the key changed in turn: node decides again (and keeps the new key).
describe('node decides again when what it depended on changed', () => {
  it.each([
    [
      'the boot (its ID)',
      'echo 11111111-2222-3333-4444-555555555555 > /tmp/bid && mount --bind /tmp/bid /proc/sys/kernel/random/boot_id',
    ],
    [
      "/usr's mount (another overlay in its place)",
      'umount -l /usr && mkdir -p /tmp/o && mount -t tmpfs ug2 /tmp/o && mkdir /tmp/o/u /tmp/o/w && mount -t overlay ug2 -o lowerdir=/usr,upperdir=/tmp/o/u,workdir=/tmp/o/w /usr',
    ],
    [
      "ostree's state files",
      'rm /run/ostree/deployment-state/*/unlocked-development && touch /run/ostree/deployment-state/0a1b2c.0/unlocked-transient',
    ],
    ['the configuration file', "printf '[guard]\\nmode = auto\\n' > /etc/usr-guard/usr-guard.conf"],
    ['USR_GUARD_MODE', 'export USR_GUARD_MODE=warn'],
    ['USR_GUARD_CONFIG', "printf '[guard]\\n' > /etc/ug.conf && export USR_GUARD_CONFIG=/etc/ug.conf"],
    ["usr-guard's program", 'cp /usr/bin/usr-guard /usr/bin/ug.new && mv /usr/bin/ug.new /usr/bin/usr-guard'],
  ])('%s', (_what, change) => {
    const r = twice(change);
    expect(r.rc).toBe(0);
    // apt's JSON hook compares the record's key too: node decides there, before the download (was: at
    // Pre-Install-Pkgs, after it, where any record of root's let apt's first hooks by).
    expect(r.starts).toEqual(['node apt-json']);
    expect(r.said).toMatch(/usr-guard: warning: \/usr is a transient overlay: changes there \(ugother\)/);
  });

  it.each([
    ['dpkg -i ./FILE.deb', 'cd /tmp && dpkg -i ./ugother_1.0_all.deb', 'dpkg -r', ['node dpkg']],
    [
      'apt-get install ./FILE.deb',
      'cd /tmp && apt-get install -y ./ugother_1.0_all.deb',
      'apt-get remove -y',
      ['node apt-json'],
    ],
  ])(
    '%s names a package file: node decides and keeps a copy for diff and keep; once kept, the shell replays',
    (_what, cmd, remove, starts) => {
      const r = twice(
        `cp ${repo}/ugother_1.0_all.deb /tmp/`,
        `(${cmd} && ls /var/lib/usr-guard/package-files >&2 && ${remove} ugother >/dev/null 2>&1 && ${cmd} 2>/dev/null)`,
      );
      expect(r.rc).toBe(0);
      // Node once: the second install of the same file is replayed.
      expect(r.starts).toEqual(starts);
      expect(r.said).toMatch(/changes there \(ugother\)/);
      expect(r.said).toMatch(/^ugother_1\.0_all\.deb$/m);
    },
  );

  it.each([
    ['a record another user owns', 'chown 1000 /run/usr-guard/replay'],
    ['a folder another user owns', 'chown 1000 /run/usr-guard'],
    ['a record cut short', 'head -n 2 /run/usr-guard/replay > /tmp/r && cat /tmp/r > /run/usr-guard/replay'],
  ])('%s: not used', (_what, change) => {
    const r = twice(change);
    expect(r.starts.length).toBe(1);
    expect(r.said).toMatch(/changes there \(ugother\)/);
  });

  it('a folder others can write: node keeps no record there (and the shell has none to use)', () => {
    const r = twice(
      'chmod 777 /run/usr-guard && rm /run/usr-guard/replay',
      '(apt-get install -y ugother; apt-get remove -y ugother; test -e /run/usr-guard/replay || echo @@no-record >&2)',
    );
    expect(r.starts).toEqual(['node apt-json', 'node apt-json']);
    expect(r.said).toContain('@@no-record');
  });

  it('/usr read-only since (the overlay remounted): node decides, and refuses; nothing changed', () => {
    const r = twice('mount -o remount,ro /usr', 'apt-get install -y ugother; dpkg-query -W ugother');
    expect(r.starts).toEqual(['node apt-json']);
    expect(r.said).toContain('error: read-only /usr detected');
  });
});

it('a locked host keeps no record, and every refusal comes from node', () => {
  const r = twice('', 'apt-get install -y ugother', LOCKED);
  expect(r.starts).toEqual(['node apt-json']);
  expect(r.said).toContain('error: read-only /usr detected');
});
