// Conformance of the shim and node on who speaks in a run (issue 27): the same
// rows (callers, command lines, environments, run marks and replay records
// present, absent, stale or another user's) run through the sourced shim and
// through `usr-guard check` (the shim with its record lookup taken out, so that
// node always decides), in real dpkg and apt runs. What each must do is derived
// from node's table, whoSpeaks (src/runstate/index.ts), not written by hand.
// USR_GUARD_SHIM=FILE runs another shim on the shell's side (an older one fails).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OVERLAY } from '../helpers/apt-runs.js';
import { aptUseRepo } from '../helpers/debs.js';
import { aptFixture, removeAll } from '../helpers/fixtures.js';
import { COUNT_NODE_STARTS, nodeStarts } from '../helpers/node-starts.js';
import { runInSandbox } from '../helpers/sandbox.js';
import { SHIM, writeShimSides } from '../helpers/shim.js';
import { type RunFacts, roleOf, type Speaker, whoSpeaks } from '../../src/runstate/index.js';
import type { Caller } from '../../src/types.js';

const LINE =
  'usr-guard: warning: /usr is a transient overlay: this change is discarded at reboot; /etc and /var keep theirs (usr-guard diff lists what the overlay holds).';
const WARNING = /^usr-guard: warning: \/usr is a transient overlay: changes there/m;
const REFUSAL = /^error: read-only \/usr detected/m;

let image: string;
let repo: string;
let shims: string;
beforeAll(() => {
  ({ image, repo } = aptFixture(['ughello', 'ugother']));
  shims = mkdtempSync(join(tmpdir(), 'ug-shims-'));
  writeShimSides(shims, process.env.USR_GUARD_SHIM ? readFileSync(process.env.USR_GUARD_SHIM, 'utf8') : SHIM);
});
afterAll(() => removeAll(image, repo, shims));

type Side = 'shell' | 'node';
type Record = 'absent' | 'holds' | 'stale' | 'foreign';
type Mark = 'none' | 'absent' | 'present' | 'stale' | 'foreign';

interface Row {
  host: 'overlay' | 'locked';
  /** The replay record: kept by a first change through node, then left, or made another boot's, or another user's. */
  record: Record;
  /** The front end (python, as python-apt and gdebi) that runs dpkg, and its run's mark; 'none': a bare dpkg. */
  mark: Mark;
  env?: string;
  /** dpkg's arguments; FILE is a copy of ugother's archive under the row's name for it. */
  args: string;
  file?: string;
  /** It changes this root (no dry run). */
  changes: boolean;
  /** The overlay's size (a tmpfs): a few MiB is below the record's room floor (check/room.ts ROOM_FLOOR_KIB). */
  overlaySize?: string;
}

/** The row's facts as the shell and node see them: node is asked where no record held. */
function facts(row: Row, side: Side): RunFacts {
  return {
    caller: 'dpkg',
    usr: row.host === 'overlay' ? 'writable' : 'read-only',
    runMarked: false,
    frontEndMarked: row.mark === 'present',
    dnfDecided: false,
    replayHolds: side === 'shell' && row.host === 'overlay' && row.record === 'holds',
    // The shell reads the room at dpkg -i (DPKG_HOOK_ACTION install) where the record holds.
    roomLow: row.overlaySize !== undefined && / -i /.test(` ${row.args} `),
    // A package file named (*.deb) is node's: it keeps a copy for diff and keep.
    plainChange: row.changes && !(row.args.includes('FILE') && (row.file ?? 'ugother_1.0_all.deb').endsWith('.deb')),
    prePrompt: null,
  };
}

const FRONT_END = `import os, subprocess, sys
st = open('/proc/self/stat').read()
start = st[st.rindex(')') + 2:].split()[19]
mark = os.environ['MARK']
if mark not in ('none', 'absent'):
    os.makedirs('/run/usr-guard/runs', mode=0o755, exist_ok=True)
    p = '/run/usr-guard/runs/%d-%s' % (os.getpid(), '1' if mark == 'stale' else start)
    open(p, 'w').write(os.environ['SAID'] + '\\n')
    if mark == 'foreign':
        os.chown(p, 1000, 1000)
sys.exit(subprocess.call(sys.argv[1:]))`;

function runRow(row: Row, side: Side) {
  const deb = `${repo}/ugother_1.0_all.deb`;
  const file = `/tmp/${row.file ?? 'ugother_1.0_all.deb'}`;
  const first =
    row.record === 'absent' ? '' : `dpkg -i ${repo}/ughello_1.0_all.deb >/dev/null 2>&1; test -s /run/usr-guard/replay`;
  const spoil =
    row.record === 'stale'
      ? "sed -i '1s/^[^ ]*/00000000-0000-0000-0000-000000000000/' /run/usr-guard/replay"
      : row.record === 'foreign'
        ? 'chown 1000 /run/usr-guard/replay'
        : '';
  const run = row.mark === 'none' ? `dpkg ${row.args}` : `python3 /tmp/fe.py dpkg ${row.args}`;
  const script = `cp ${deb} ${file}
cat > /tmp/fe.py <<'PYEOF'
${FRONT_END}
PYEOF
${first}
${spoil}
mount --bind ${shims}/${side} /usr/libexec/usr-guard/hook
${COUNT_NODE_STARTS}
echo @@go >&2
MARK=${row.mark} SAID=${row.host === 'locked' ? 'refuse' : 'warn'} ${row.env ?? ''} ${run.replace('FILE', file)} >/dev/null; echo "@@rc=$?"; echo @@starts; cat /tmp/node-starts`;
  const r = runInSandbox({
    ...(row.host === 'overlay' ? OVERLAY : { usr: 'image', ostreeBooted: true }),
    ...(row.overlaySize ? { overlaySize: row.overlaySize } : {}),
    image,
    script,
  });
  const said = r.stderr.slice(r.stderr.indexOf('@@go') + 5);
  return {
    rc: Number(/@@rc=(\d+)/.exec(r.stdout)?.[1] ?? -1),
    starts: nodeStarts(r.stdout.slice(r.stdout.indexOf('@@starts'))),
    said,
    out: r.stdout + r.stderr,
  };
}

/** What the shell did: started node, said the record again, or nothing. */
function shellClass(r: ReturnType<typeof runRow>, caller: Caller): 'node' | 'replay' | 'quiet' {
  if (r.starts.includes(`node ${caller}`)) return 'node';
  return r.said.includes(LINE) ? 'replay' : 'quiet';
}
const asShell = (s: Speaker) => (s === 'decide' || s === 'backstop' || s === 'room' ? 'node' : s);

const I = { args: '-i FILE', changes: true } as const;
const ROWS: [string, Row][] = [
  ['bare dpkg -i, no record', { host: 'overlay', record: 'absent', mark: 'none', ...I }],
  [
    'bare dpkg -i of a .deb, the record holds: node keeps a copy of the file',
    { host: 'overlay', record: 'holds', mark: 'none', ...I },
  ],
  [
    'bare dpkg -i of a file not named .deb, the record holds',
    { host: 'overlay', record: 'holds', mark: 'none', ...I, file: 'ugother.pkg' },
  ],
  [
    "bare dpkg -i of a file not named .deb, the record holds, the overlay's room below the floor: node checks the room",
    { host: 'overlay', record: 'holds', mark: 'none', ...I, file: 'ugother.pkg', overlaySize: '16m' },
  ],
  [
    "dpkg -r, the record holds, the overlay's room below the floor: the shell replays",
    { host: 'overlay', record: 'holds', mark: 'none', args: '-r ughello', changes: true, overlaySize: '16m' },
  ],
  ['bare dpkg -i, the record of another boot', { host: 'overlay', record: 'stale', mark: 'none', ...I }],
  ["bare dpkg -i, the record another user's", { host: 'overlay', record: 'foreign', mark: 'none', ...I }],
  [
    'bare dpkg -i of a file whose name holds --no-act, the record holds',
    { host: 'overlay', record: 'holds', mark: 'none', ...I, file: 'my--no-act.pkg' },
  ],
  [
    'dpkg --no-act -i, the record holds',
    { host: 'overlay', record: 'holds', mark: 'none', args: '--no-act -i FILE', changes: false },
  ],
  [
    'DPKG_FRONTEND_LOCKED=true alone, the record holds',
    { host: 'overlay', record: 'holds', mark: 'none', env: 'DPKG_FRONTEND_LOCKED=true', ...I },
  ],
  [
    "python's dpkg --status-fd 1 -i FILE (gdebi), no mark, the boot's first change",
    { host: 'overlay', record: 'absent', mark: 'absent', args: '--status-fd 1 -i FILE', changes: true },
  ],
  [
    'dpkg -i my--status-fd.deb under python, no mark, no record',
    { host: 'overlay', record: 'absent', mark: 'absent', ...I, file: 'my--status-fd.deb' },
  ],
  [
    "python's dpkg --status-fd 1 -i FILE, its run's mark there",
    { host: 'overlay', record: 'holds', mark: 'present', args: '--status-fd 1 -i FILE', changes: true },
  ],
  [
    "python's dpkg --status-fd 1 -i FILE, a mark of another process's start",
    { host: 'overlay', record: 'absent', mark: 'stale', args: '--status-fd 1 -i FILE', changes: true },
  ],
  [
    "python's dpkg --status-fd 1 -i FILE, a mark another user's",
    { host: 'overlay', record: 'absent', mark: 'foreign', args: '--status-fd 1 -i FILE', changes: true },
  ],
  ['a locked host: bare dpkg -i', { host: 'locked', record: 'absent', mark: 'none', ...I }],
  [
    "a locked host: python's dpkg --status-fd 1 -i FILE, no mark",
    { host: 'locked', record: 'absent', mark: 'absent', args: '--status-fd 1 -i FILE', changes: true },
  ],
  [
    "a locked host: python's dpkg -i, its run's mark says refused",
    { host: 'locked', record: 'absent', mark: 'present', ...I },
  ],
];

describe('dpkg: the shim and usr-guard check agree with the table', () => {
  it.each(ROWS)('%s', (_name, row) => {
    const shell = runRow(row, 'shell');
    const node = runRow(row, 'node');
    const expected = whoSpeaks(facts(row, 'shell'));
    const nodeRole = roleOf(whoSpeaks(facts(row, 'node')));
    // Who speaks: the shell as the table says; node decides (and speaks) or only backs up.
    expect({ shell: shellClass(shell, 'dpkg') }).toEqual({ shell: asShell(expected) });
    const spoke = WARNING.test(node.said) || REFUSAL.test(node.said);
    expect({ nodeSpoke: spoke }).toEqual({ nodeSpoke: nodeRole === 'decide' && row.changes });
    // The verdict: the same exit, refused only on a locked host; a replay says what node warns.
    const rc = row.host === 'locked' && row.changes ? 10 : 0;
    expect([shell.rc, node.rc].map((c) => (c === 0 ? 0 : 10))).toEqual([rc, rc]);
    if (expected === 'replay') expect(node.said).toMatch(WARNING);
    // The room check in node says the record's line where the change fits.
    if (expected === 'room') expect(shell.said.split('\n')).toContain(LINE);
    if (expected === 'quiet') expect(shell.said).not.toMatch(/usr-guard|error:/);
  });
});

/** apt-get install's hooks in the order apt runs them: its JSON hook four times, Pre-Invoke, Pre-Install-Pkgs, dpkg's. */
const APT_HOOKS: [Caller, boolean | null][] = [
  ['apt-json', true],
  ['apt-json', false],
  ['apt-json', false],
  ['apt', null],
  ['apt-pkgs', null],
  ['dpkg', null],
  ['apt-json', false],
];

/** Through the table, hook by hook: which start node, and how many speak (node marks the run where a hook decided, the shell where it replayed). */
function aptRunByTable(record: Record, side: Side): { starts: string[]; replays: number; decides: number } {
  let marked = false;
  const starts: string[] = [];
  let replays = 0;
  let decides = 0;
  for (const [caller, prePrompt] of APT_HOOKS) {
    const s = whoSpeaks({
      caller,
      usr: 'writable',
      runMarked: marked && caller !== 'dpkg',
      frontEndMarked: marked && caller === 'dpkg',
      dnfDecided: false,
      replayHolds: side === 'shell' && record === 'holds',
      // The sandbox's overlay has more room than the floor.
      roomLow: false,
      plainChange: true,
      prePrompt: side === 'shell' ? null : prePrompt,
    });
    if (side === 'node' || s === 'decide' || s === 'backstop') starts.push(`node ${caller}`);
    if (s === 'replay') replays++;
    if (roleOf(s) === 'decide' && (side === 'node' || s === 'decide')) decides++;
    marked ||= roleOf(s) === 'decide';
  }
  return { starts, replays, decides };
}

function aptRow(record: Record, side: Side) {
  const spoil =
    record === 'stale'
      ? "sed -i '1s/^[^ ]*/00000000-0000-0000-0000-000000000000/' /run/usr-guard/replay"
      : record === 'foreign'
        ? 'chown 1000 /run/usr-guard/replay'
        : '';
  const script = `${aptUseRepo(repo)}
apt-get install -y ughello >/dev/null 2>&1
${spoil}
mount --bind ${shims}/${side} /usr/libexec/usr-guard/hook
${COUNT_NODE_STARTS}
echo @@go >&2
apt-get install -y ugother >/dev/null; echo "@@rc=$?"; echo @@starts; cat /tmp/node-starts`;
  const r = runInSandbox({ ...OVERLAY, image, script });
  return {
    rc: Number(/@@rc=(\d+)/.exec(r.stdout)?.[1] ?? -1),
    starts: nodeStarts(r.stdout.slice(r.stdout.indexOf('@@starts'))),
    said: r.stderr.slice(r.stderr.indexOf('@@go') + 5),
  };
}

describe('apt-get install on an overlay host: the shim and usr-guard check agree with the table', () => {
  it.each(['holds', 'stale', 'foreign'] as const)('the replay record %s', (record) => {
    const shell = aptRow(record, 'shell');
    const node = aptRow(record, 'node');
    const want = aptRunByTable(record, 'shell');
    // The shell: node only where the table says, before the download where the record does not hold.
    expect(shell.starts).toEqual(want.starts);
    expect(shell.said.split('\n').filter((l) => l === LINE).length).toBe(want.replays);
    expect((shell.said.match(new RegExp(WARNING.source, 'gm')) ?? []).length).toBe(want.decides);
    // Node: every hook asked, one of them speaks.
    expect((node.said.match(new RegExp(WARNING.source, 'gm')) ?? []).length).toBe(
      aptRunByTable(record, 'node').decides,
    );
    expect([shell.rc, node.rc]).toEqual([0, 0]);
  });
});
