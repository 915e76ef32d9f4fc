// The pure parts of issue 30: the last-boot record (bounded, parsed without
// trust, fuzzed), the system users, bootc's usrOverlay against the probe (a
// table), the fleet's textfile and facts, and the readers of /proc's texts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeLastBoot,
  type LastBoot,
  LIMITS,
  mergeFromDatabase,
  parseLastBoot,
  systemUsers,
} from '../../src/diff/last-boot.js';
import { ansibleFacts, type FleetFacts, prometheusText } from '../../src/export/facts.js';
import { fdinfoMount, mappedPaths, usrMountId } from '../../src/overlay/holders.js';
import type { BootcStatus } from '../../src/probe/bootc.js';
import { overlayDisagreements } from '../../src/probe/bootc-overlay.js';
import type { StateName } from '../../src/types.js';
import { stateOf } from '../helpers/states.js';

const record = (over: Partial<LastBoot> = {}): LastBoot => ({
  version: 1,
  bootId: 'boot-1',
  state: 'image-overlay',
  updated: '2026-12-07T10:00:00.000Z',
  how: 'change',
  packages: [
    {
      manager: 'apt',
      name: 'ughello',
      change: 'added',
      version: '1.0',
      fromVersion: null,
      conffiles: ['/etc/ughello.conf'],
      units: ['ughello.service'],
    },
  ],
  files: [{ path: '/usr/local/bin/tool', change: 'added' }],
  filesCut: 0,
  usersBefore: ['_apt'],
  notes: [],
  ...over,
});

describe('the last-boot record', () => {
  it('reads back what it wrote', () => {
    expect(parseLastBoot(encodeLastBoot(record()))).toEqual(record());
  });

  it('is bounded: files over the limit are counted, not kept', () => {
    const files = Array.from({ length: LIMITS.files + 5 }, (_, i) => ({
      path: `/usr/f${i}`,
      change: 'added' as const,
    }));
    const r = parseLastBoot(encodeLastBoot(record({ files })));
    expect('error' in r ? r.error : [r.files.length, r.filesCut]).toEqual([LIMITS.files, 5]);
  });

  it('keeps no control characters, no path outside /usr, no unknown change', () => {
    const text = JSON.stringify({
      ...record(),
      packages: [{ manager: 'apt', name: 'a\x1b[2Jb', change: 'added', version: '1', conffiles: ['rel', '/etc/x'] }],
      files: [
        { path: '/etc/passwd', change: 'added' },
        { path: '/usr/x', change: 'exploded' },
      ],
    });
    const r = parseLastBoot(text);
    if ('error' in r) throw new Error(r.error);
    expect(r.packages[0]!.name).toBe('a?[2Jb');
    expect(r.packages[0]!.conffiles).toEqual(['/etc/x']);
    expect(r.files).toEqual([]);
  });

  it.each([
    ['', 'not JSON'],
    ['{"version":2}', 'version 1'],
    ['{"version":1}', 'names no boot'],
    ['[]', 'version 1'],
  ])('says what is wrong with %j', (text, words) => {
    const r = parseLastBoot(text);
    expect('error' in r && r.error).toContain(words);
  });

  it('never throws on any text, or any JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        parseLastBoot(text);
      }),
    );
    fc.assert(
      fc.property(fc.anything(), (v) => {
        parseLastBoot(JSON.stringify({ version: 1, bootId: 'b', packages: [v], files: [v], usersBefore: v }));
      }),
    );
  });

  it("the next boot's database replaces one manager's packages, and keeps the hand changes and users", () => {
    const apt = [{ ...record().packages[0]!, name: 'other' }];
    const merged = mergeFromDatabase(record(), 'boot-1', 'apt', apt, 'now');
    expect([merged.how, merged.packages.map((p) => p.name), merged.files.length, merged.usersBefore]).toEqual([
      'boot',
      ['other'],
      1,
      ['_apt'],
    ]);
    // A record of another boot is not that boot's: only the database is known.
    expect(mergeFromDatabase(record(), 'boot-2', 'apt', apt, 'now').files).toEqual([]);
  });

  it('system users: uid 1 to 999', () => {
    const users = systemUsers(
      'root:x:0:0::/root:/bin/sh\n_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\nme:x:1000:1000::/home/me:/bin/sh\nbad line\n',
    );
    expect([...users]).toEqual([['_apt', { uid: 42, home: '/nonexistent' }]]);
  });
});

describe("bootc's usrOverlay against usr-guard's probe", () => {
  const bootc = (usrOverlay: BootcStatus['usrOverlay'], known = true): BootcStatus => ({
    tracked: true,
    image: 'x',
    usrOverlay,
    usrOverlayKnown: known,
  });
  const rw = { accessMode: 'readWrite', persistence: 'transient' };
  const ro = { accessMode: 'readOnly', persistence: 'transient' };
  const hotfix = { accessMode: 'readWrite', persistence: 'persistent' };
  it.each<[StateName, BootcStatus['usrOverlay'], boolean, string | null]>([
    ['image-overlay', rw, true, null],
    ['image-overlay-readonly', ro, true, null],
    ['image-hotfix', hotfix, true, null],
    ['image-locked', null, true, null],
    ['image-locked', null, false, null],
    ['image-overlay', null, false, null],
    ['image-overlay', ro, true, 'bootc says the overlay is read-only, but /usr is mounted read/write'],
    ['image-overlay', hotfix, true, 'bootc says the overlay is persistent'],
    ['image-locked', rw, true, 'none is mounted on /usr'],
    ['image-overlay', null, true, 'but bootc says none'],
  ])('%s, bootc %j (said: %s): %s', (state, ov, known, words) => {
    const d = overlayDisagreements(stateOf(state), bootc(ov, known));
    if (words === null) expect(d).toEqual([]);
    else expect(d.join('\n')).toContain(words);
  });
});

describe("the fleet's files", () => {
  const facts: FleetFacts = {
    version: '0.1.0',
    state: 'image-overlay',
    hostKind: 'bootc',
    imageBased: true,
    mode: 'auto',
    overlay: { present: true, holdsChanges: true, packages: { apt: 2, dnf: 0, pacman: 0 }, files: 3 },
    databases: [{ name: 'dpkg', path: '/var/lib/dpkg', protection: 'none', stale: false, unprotected: true }],
    lastBoot: { bootId: 'b"\\\n', packages: 1, files: 0 },
    time: 1_800_000_000,
  };
  it('textfile: one HELP and TYPE per family, the state as a set, labels escaped', () => {
    const t = prometheusText({ ...facts, version: 'x"y\\z\n' });
    expect(t).toContain('usr_guard_info{version="x\\"y\\\\z\\n",host_kind="bootc",mode="auto"} 1');
    expect(t).toContain('usr_guard_state{state="image-overlay"} 1');
    expect(t).toContain('usr_guard_state{state="image-locked"} 0');
    expect(t).toContain('usr_guard_overlay_packages{manager="apt"} 2');
    expect(t).toContain('usr_guard_database_unprotected{database="dpkg"} 1');
    const names = t.match(/^# TYPE (\S+)/gm)!;
    expect(new Set(names).size).toBe(names.length);
    expect(t.endsWith('\n')).toBe(true);
  });
  it('Ansible facts: one JSON object', () => {
    const f = JSON.parse(ansibleFacts(facts));
    expect([f.state, f.overlay.holds_changes, f.last_boot.boot_id]).toEqual(['image-overlay', true, 'b"\\\n']);
  });
});

describe("/proc's texts for overlay --drop", () => {
  it('the mount on /usr: the last (topmost) one', () => {
    const mi =
      '20 1 0:1 / / rw - ext4 /dev/a rw\n30 20 0:2 / /usr ro - overlay i ro\n31 30 0:3 / /usr rw - overlay o rw\n';
    expect(usrMountId(mi)).toBe(31);
    expect(usrMountId('')).toBeNull();
  });
  it('fdinfo and maps', () => {
    expect(fdinfoMount('pos:\t0\nflags:\t0100000\nmnt_id:\t31\nino:\t5\n')).toBe(31);
    const maps =
      '55d0-55d1 r--p 00000000 00:2a 123   /usr/bin/ughello\n7f00-7f01 r-xp 0 00:2a 9  /usr/lib/x.so (deleted)\n7f02-7f03 rw-p 0 00:00 0 \n7ffd-7ffe rw-p 0 00:00 0  [stack]\n';
    expect(mappedPaths(maps)).toEqual(['/usr/bin/ughello', '/usr/lib/x.so']);
    fc.assert(fc.property(fc.string(), (s) => Array.isArray(mappedPaths(s)) && fdinfoMount(s) !== undefined));
  });
});
