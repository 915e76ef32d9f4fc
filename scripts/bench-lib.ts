// The parts of npm run bench that are not rows: timing in a sandbox,
// counting node starts, timing dpkg's snapshot, and the report.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { aptUseRepo } from '../test/helpers/debs.js';
import { COUNT_NODE_STARTS, nodeStarts } from '../test/helpers/node-starts.js';
import { dnfUseRepo } from '../test/helpers/rpms.js';
import { REPO, runInSandbox, type SandboxSpec } from '../test/helpers/sandbox.js';

export interface Sample {
  wall_ms: number[];
  maxrss_kb: number[];
}
export interface Row {
  measure: string;
  baseline: string;
  ours: string;
  result: string;
  target: string;
  ok: boolean;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const ms = (x: number) => `${x.toFixed(1)} ms`;
/**
 * The median of the per-round ratios of two commands timed side by side: each
 * round runs both back to back, so a slow stretch of the machine (a shared
 * 2-core VM drifts by several percent over a minute) hits both alike.
 */
export const pairedRatio = (a: Sample, b: Sample) => median(a.wall_ms.map((x, i) => x / b.wall_ms[i]!));
const TIMER = join(REPO, 'scripts/bench-timer.py');
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Time argv lists interleaved, n rounds, inside a sandbox (after `prelude`, untimed). */
export function time(
  spec: Omit<SandboxSpec, 'script'>,
  n: number,
  commands: string[][],
  between?: string[],
  prelude = '',
): Sample[] {
  const script = `${prelude}\npython3 ${TIMER} ${n} ${q(JSON.stringify(commands))} ${between ? q(JSON.stringify(between)) : ''}`;
  const r = runInSandbox({ ...spec, script });
  if (r.code !== 0) throw new Error(`bench run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('\n[') + 1)) as Sample[];
}

/** Node starts in one apt-get install of ugbench (and how many by dpkg's hook), and one dnf install. */
export function countNodeStarts(
  aptSpec: Omit<SandboxSpec, 'script'>,
  deb: string,
  dnfSpec: Omit<SandboxSpec, 'script'> | null,
  rpmRepo: string | null,
) {
  const count = (spec: Omit<SandboxSpec, 'script'>, setup: string, cmd: string) => {
    const r = runInSandbox({
      ...spec,
      script: `${setup}\n${COUNT_NODE_STARTS}\n${cmd} >/dev/null 2>&1 || echo "@@failed"\ncat /tmp/node-starts 2>/dev/null`,
    });
    if (r.stdout.includes('@@failed')) throw new Error(`bench: ${cmd} failed: ${r.stderr}`);
    return nodeStarts(r.stdout);
  };
  const repo = `mkdir -p /tmp/r && cp ${deb} /tmp/r/ && (cd /tmp/r && dpkg-scanpackages . /dev/null > Packages 2>/dev/null)\n${aptUseRepo('/tmp/r')}`;
  const apt = count(aptSpec, repo, 'apt-get install -y ugbench');
  // The boot's second change: node decided the first (and kept its verdict for the shell to replay).
  const second = count(
    aptSpec,
    `${repo}\napt-get install -y ugbench >/dev/null 2>&1 && dpkg -r ugbench >/dev/null 2>&1`,
    'apt-get install -y ugbench',
  );
  const dnf = dnfSpec && rpmRepo ? count(dnfSpec, dnfUseRepo(rpmRepo), 'dnf -y install ugbench').length : null;
  return { apt: apt.length, dpkg: apt.filter((l) => l === 'node dpkg').length, aptSecond: second.length, dnf };
}

/** dpkg's snapshot as the hooks take it, on the sandbox's /var, and on btrfs (reflinks) where mkfs.btrfs is. */
export function snapshotTimes(spec: Omit<SandboxSpec, 'script'>): { fs: string; ms: number; mib: number }[] {
  const run = (prelude: string) => {
    const r = runInSandbox({ ...spec, script: `${prelude}\nnode ${REPO}/dist/bench-snapshot.cjs 5` });
    if (r.code !== 0) throw new Error(`bench: snapshot failed: ${r.stderr}`);
    const { ms: times, mib } = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{'))) as { ms: number[]; mib: number };
    return { ms: median(times), mib };
  };
  const out = [{ fs: 'copied (overlay on tmpfs, no reflinks)', ...run('') }];
  if (spawnSync('sh', ['-c', 'command -v mkfs.btrfs']).status === 0) {
    // One btrfs holds both the database and the snapshot: a reflink cannot cross file systems.
    const btrfs = `truncate -s 512M /tmp/b.img && mkfs.btrfs -q /tmp/b.img && mkdir /tmp/b && mount -o loop /tmp/b.img /tmp/b
cp -a /var/lib/dpkg /tmp/b/dpkg && mkdir -p /tmp/b/ug /var/lib/usr-guard && mount --bind /tmp/b/dpkg /var/lib/dpkg && mount --bind /tmp/b/ug /var/lib/usr-guard`;
    out.push({ fs: 'reflinked (btrfs)', ...run(btrfs) });
  }
  return out;
}

export function report(rows: Row[]): void {
  const osName = /PRETTY_NAME="?([^"\n]*)/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  const apt = execFileSync('apt-get', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${osName}, node ${process.version}, ${apt}`;
  const table = [
    '| measure | baseline | usr-guard | result | target | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.measure} | ${r.baseline} | ${r.ours} | ${r.result} | ${r.target} | ${r.target ? (r.ok ? 'ok' : 'MISSED') : ''} |`,
    ),
  ].join('\n');
  const md = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}. Times are medians; ratios are medians of per-round ratios (each round runs the arms side by side).\n\n${table}\n`;
  process.stdout.write(md);
  mkdirSync(join(REPO, 'bench'), { recursive: true });
  writeFileSync(
    join(REPO, 'bench/results.json'),
    `${JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2)}\n`,
  );
  const page = join(REPO, 'docs/speed.md');
  const text = readFileSync(page, 'utf8');
  const updated = text.replace(/(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/, `$1${md}$2`);
  if (updated !== text) writeFileSync(page, updated);
}
