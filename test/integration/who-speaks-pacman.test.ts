// Conformance of the shim and node on who speaks in a pacman run, as
// who-speaks.test.ts does for dpkg and apt: the same rows through the sourced
// shim and through `usr-guard check` (the shim with its record lookup taken
// out), with Debian's real pacman. pacman's later runs of a boot are replayed
// in the shell once pacman's own first change has saved its database (the
// record's callers line names pacman then).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAll } from '../helpers/fixtures.js';
import { COUNT_NODE_STARTS, nodeStarts } from '../helpers/node-starts.js';
import { buildPacmanRepo, missingPacmanTool, pacmanUseRepo } from '../helpers/pacman-pkgs.js';
import { LOCKED, NO_CHECKSPACE, OVERLAY, PACMAN_HEADLINE, pacmanHost } from '../helpers/pacman-runs.js';
import { buildImage } from '../helpers/sandbox.js';
import { writeShimSides } from '../helpers/shim.js';
import { type RunFacts, roleOf, whoSpeaks } from '../../src/runstate/index.js';

const missing = missingPacmanTool();
const LINE =
  'usr-guard: warning: /usr is a transient overlay: this change is discarded at reboot; /etc and /var keep theirs (usr-guard diff lists what the overlay holds).';
const WARNING = /usr-guard: warning: \/usr is a transient overlay: changes there/;

let image: string;
let repo: string;
let shims: string;
beforeAll(() => {
  if (missing) return;
  repo = buildPacmanRepo(['ugfoo', 'ugbar']);
  image = buildImage();
  shims = mkdtempSync(join(tmpdir(), 'ug-shims-'));
  writeShimSides(shims);
});
afterAll(() => removeAll(image, repo, shims));

type Side = 'shell' | 'node';
interface Row {
  host: 'overlay' | 'locked';
  /** The record after pacman's first change: kept, none, one that names no pacman (an apt run's first change), another boot's. */
  record: 'holds' | 'absent' | 'no-pacman' | 'stale';
  /** The second pacman command. */
  cmd: string;
  /** A change of this root as the shell tells it (pacman itself, no other root, not --dbonly). */
  plain: boolean;
  /** It changes /usr (node's view): --dbonly does not. */
  changes: boolean;
}

const facts = (row: Row, side: Side): RunFacts => ({
  caller: 'pacman',
  usr: row.host === 'overlay' ? 'writable' : 'read-only',
  runMarked: false,
  frontEndMarked: false,
  dnfDecided: false,
  replayHolds: side === 'shell' && row.host === 'overlay' && row.record === 'holds',
  roomLow: false,
  plainChange: row.plain,
  prePrompt: null,
});

function runRow(row: Row, side: Side) {
  const first =
    row.record === 'absent' ? '' : 'pacman -S --noconfirm ugfoo >/dev/null 2>&1; test -s /run/usr-guard/replay';
  const spoil = {
    holds: '',
    absent: '',
    'no-pacman': "sed -i '5s/ pacman//' /run/usr-guard/replay",
    stale: "sed -i '1s/^[^ ]*/00000000-0000-0000-0000-000000000000/' /run/usr-guard/replay",
  }[row.record];
  const script = `${pacmanUseRepo(repo)}
${NO_CHECKSPACE}
pacman -Q >/dev/null 2>&1
${first}
${spoil}
mount --bind ${shims}/${side} /usr/libexec/usr-guard/hook
${COUNT_NODE_STARTS}
echo @@go; echo @@go >&2
${row.cmd} 2>&1; echo "@@rc=$?"; echo @@starts; cat /tmp/node-starts
test -e /var/lib/pacman/local/ugbar-1-1/desc && echo @@ugbar-listed`;
  const r = pacmanHost({ ...(row.host === 'overlay' ? OVERLAY : LOCKED), image }, script);
  const out = r.stdout.slice(r.stdout.indexOf('@@go') + 5);
  return {
    rc: Number(/@@rc=(\d+)/.exec(out)?.[1] ?? -1),
    starts: nodeStarts(out.slice(out.indexOf('@@starts'))),
    said: out.slice(0, out.indexOf('@@rc=')) + r.stderr,
    listed: out.includes('@@ugbar-listed'),
  };
}

const S = { cmd: 'pacman -S --noconfirm ugbar', plain: true, changes: true } as const;
const ROWS: [string, Row][] = [
  ["pacman -S, the record holds (pacman's first change kept it)", { host: 'overlay', record: 'holds', ...S }],
  ['pacman -S, no record', { host: 'overlay', record: 'absent', ...S }],
  [
    'pacman -S, a record that names no pacman (its database not saved yet)',
    { host: 'overlay', record: 'no-pacman', ...S },
  ],
  ['pacman -S, the record of another boot', { host: 'overlay', record: 'stale', ...S }],
  [
    'pacman -R, the record holds',
    { host: 'overlay', record: 'holds', cmd: 'pacman -R --noconfirm ugfoo', plain: true, changes: true },
  ],
  [
    'pacman --root / -S: another root asked for',
    { host: 'overlay', record: 'holds', ...S, cmd: 'pacman --root / -S --noconfirm ugbar', plain: false },
  ],
  [
    'pacman -S --dbonly: the database alone',
    {
      host: 'overlay',
      record: 'holds',
      ...S,
      cmd: 'pacman -S --dbonly --noconfirm ugbar',
      plain: false,
      changes: false,
    },
  ],
  ['a locked host: pacman -S', { host: 'locked', record: 'absent', ...S }],
];

describe.skipIf(missing !== null)('pacman: the shim and usr-guard check agree with the table', () => {
  it.each(ROWS)('%s', (_name, row) => {
    const shell = runRow(row, 'shell');
    const node = runRow(row, 'node');
    const expected = whoSpeaks(facts(row, 'shell'));
    const shellSaid = shell.starts.includes('node pacman') ? 'node' : shell.said.includes(LINE) ? 'replay' : 'quiet';
    expect({ shell: shellSaid }).toEqual({ shell: expected === 'replay' ? 'replay' : 'node' });
    // node decides every row it is asked (pacman's hook is its run's only one), and speaks for a change.
    expect(roleOf(whoSpeaks(facts(row, 'node')))).toBe('decide');
    expect({ nodeSpoke: WARNING.test(node.said) || node.said.includes(PACMAN_HEADLINE) }).toEqual({
      nodeSpoke: row.changes,
    });
    // The same verdict: refused only on a locked host (pacman exits 1), and the package there only where it went ahead.
    const rc = row.host === 'locked' ? 1 : 0;
    expect([shell.rc, node.rc]).toEqual([rc, rc]);
    if (row.cmd.includes('ugbar')) expect([shell.listed, node.listed]).toEqual([rc === 0, rc === 0]);
    if (expected === 'replay') expect(shell.said.split('\n').filter((l) => l.includes('usr-guard'))).toEqual([LINE]);
  });

  it("a record that names no pacman: pacman's first change saves its database, and the record then holds for pacman", () => {
    const r = pacmanHost(
      { ...OVERLAY, image },
      `${pacmanUseRepo(repo)}
${NO_CHECKSPACE}
pacman -Q >/dev/null 2>&1
pacman -S --noconfirm ugfoo >/dev/null 2>&1
sed -i '5s/ pacman//' /run/usr-guard/replay
rm -rf /var/lib/usr-guard/pacman-snapshot
${COUNT_NODE_STARTS}
pacman -S --noconfirm ugbar >/dev/null 2>&1
test -e /var/lib/usr-guard/pacman-snapshot/manifest && echo @@saved
sed -n 5p /run/usr-guard/replay
pacman -R --noconfirm ugbar >/dev/null 2>&1; echo @@starts; cat /tmp/node-starts`,
    );
    expect(r.stdout).toContain('@@saved');
    // (apt's callers only once dpkg's database is saved too, at apt's or dpkg's first change: not here.)
    expect(r.stdout).toMatch(/^dnf pacman$/m);
    expect(nodeStarts(r.stdout.slice(r.stdout.indexOf('@@starts')))).toEqual(['node pacman']);
  });
});
