// npm run bench: what usr-guard's hooks cost, side by side with a baseline, in
// one run: medians of several interleaved repetitions, in sandboxes that model
// each host state (as the tests do). Prints a table, writes bench/results.json,
// and puts the table into the README between the bench markers.

import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeb } from '../test/helpers/debs.js';
import { buildImage, DIST, REPO, runInSandbox, type SandboxSpec } from '../test/helpers/sandbox.js';

interface Sample { wall_ms: number[]; maxrss_kb: number[] }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/**
 * The median of the per-round ratios of two commands timed side by side: each
 * round runs both back to back, so a slow stretch of the machine (a shared
 * 2-core VM drifts by several percent over a minute) hits both alike.
 */
const pairedRatio = (a: Sample, b: Sample) => median(a.wall_ms.map((x, i) => x / b.wall_ms[i]!));
const TIMER = join(REPO, 'scripts/bench-timer.py');

/** Time argv lists interleaved, N rounds, inside a sandbox. */
function time(spec: Omit<SandboxSpec, 'script'>, n: number, commands: string[][], between?: string[], prelude = ''): Sample[] {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = `${prelude}\npython3 ${TIMER} ${n} ${q(JSON.stringify(commands))} ${between ? q(JSON.stringify(between)) : ''}`;
  const r = runInSandbox({ ...spec, script });
  if (r.code !== 0) throw new Error(`bench run failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Sample[];
}

// The hook lines as apt.conf.d/50usr-guard and dpkg.cfg.d/usr-guard have them.
const HOOK = (caller: string) => ['sh', '-c', `if [ -r /usr/libexec/usr-guard/hook ]; then usr_guard_caller=${caller} . /usr/libexec/usr-guard/hook; fi`];
// As the hook shim runs it.
const CHECK = ['node', '/usr/bin/usr-guard', 'check', '--caller', 'cli', '--'];
const NODE = ['node', '-e', '0'];

interface Row { measure: string; baseline: string; ours: string; result: string; target: string; ok: boolean }
const ms = (x: number) => `${x.toFixed(1)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`;

function main(): void {
  const image = buildImage();
  const work = join(REPO, 'dist/bench-work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const deb = buildDeb(work, 'ugbench');
  const rows: Row[] = [];

  // 1. The apt/dpkg hook line on a mutable host (the shell fast path) against sh -c true.
  const mutable = { usr: 'writable', image } as const;
  const [bare, apt, dpkg] = time(mutable, 40, [['sh', '-c', 'true'], HOOK('apt'), HOOK('dpkg')]);
  for (const [name, s] of [['apt hook', apt!], ['dpkg hook', dpkg!]] as const) {
    const added = median(s.wall_ms) - median(bare!.wall_ms);
    rows.push({ measure: `${name} on a mutable host vs sh -c true`, baseline: ms(median(bare!.wall_ms)), ours: ms(median(s.wall_ms)), result: `+${added.toFixed(2)} ms`, target: '≤ +3 ms', ok: added <= 3 });
  }

  // 2. usr-guard check where the program starts, against bare node.
  const states: [string, Omit<SandboxSpec, 'script'>][] = [
    ['image-locked (refuse)', { usr: 'image', ostreeBooted: true, image }],
    ['image-overlay (warn)', { usr: 'image+overlay', ostreeBooted: true, unlocked: 'development', image }],
    ['mutable-host (direct call)', mutable],
  ];
  for (const [name, spec] of states) {
    // One untimed check first, as on a host after its first apt run: it writes the code cache.
    const [node, check] = time(spec, 60, [NODE, CHECK], undefined, `${CHECK.join(' ')} 2>/dev/null`);
    const wall = pairedRatio(check!, node!);
    const mem = median(check!.maxrss_kb) / median(node!.maxrss_kb);
    rows.push({ measure: `check, ${name}: wall vs node -e 0`, baseline: ms(median(node!.wall_ms)), ours: ms(median(check!.wall_ms)), result: `${wall.toFixed(2)}×`, target: '≤ 1.15×', ok: wall <= 1.15 });
    rows.push({ measure: `check, ${name}: peak memory vs node -e 0`, baseline: mb(median(node!.maxrss_kb)), ours: mb(median(check!.maxrss_kb)), result: `${mem.toFixed(2)}×`, target: '≤ 1.15×', ok: mem <= 1.15 });
  }

  // 3. A whole apt-get install of a tiny .deb, with usr-guard's hooks and without.
  // All arms copy files into place first, so they pay the same extra cost. The
  // control arm has hooks at the same places that do nothing (true): what
  // apt and dpkg pay to run any hook there (each forks itself), whatever it does.
  const put = (apt: string, dpkg: string) => `cp ${apt} /etc/apt/apt.conf.d/50usr-guard && cp ${dpkg} /etc/dpkg/dpkg.cfg.d/usr-guard`;
  const withHooks = put(`${image}/etc/apt/apt.conf.d/50usr-guard`, `${image}/etc/dpkg/dpkg.cfg.d/usr-guard`);
  const noop = 'APT::Install::Pre-Invoke { "true"; };\nDPkg::Pre-Invoke { "true"; };\nDPkg::Pre-Install-Pkgs { "/bin/true"; };\nDPkg::Tools::Options::/bin/true::Version "3";\nDPkg::Tools::Options::/bin/true::InfoFD "20";\n';
  const control = `printf '%s' '${noop}' > /tmp/true.conf && echo pre-invoke=true > /tmp/true.cfg && ${put('/tmp/true.conf', '/tmp/true.cfg')}`;
  const without = `: > /tmp/true.cfg && ${put('/dev/null', '/dev/null')}`;
  const install = `apt-get install -y -qq ${deb} >/dev/null`;
  // Less noise: no package lists (apt loads a tiny cache), and no debconf
  // preconfiguration (a perl start on every run, the same in every arm).
  const noLists = 'rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /etc/apt/sources.list.d/* /etc/apt/apt.conf.d/70debconf && : > /etc/apt/sources.list';
  const arms = [withHooks, control, without].map((setup) => ['sh', '-c', `${setup} && ${install}`]);
  const [hooked, ctl, plain] = time(mutable, 41, arms, ['dpkg', '-r', 'ugbench'], noLists);
  const aptRatio = pairedRatio(hooked!, plain!);
  const ownRatio = pairedRatio(hooked!, ctl!);
  const floor = pairedRatio(ctl!, plain!);
  rows.push({ measure: 'apt-get install of a tiny .deb, hooks vs none', baseline: ms(median(plain!.wall_ms)), ours: ms(median(hooked!.wall_ms)), result: `${aptRatio.toFixed(3)}×`, target: '≤ 1.03×', ok: aptRatio <= 1.03 });
  rows.push({ measure: '… the same hooks doing nothing (true) vs none: the cost of hooking there at all', baseline: ms(median(plain!.wall_ms)), ours: ms(median(ctl!.wall_ms)), result: `${floor.toFixed(3)}×`, target: '', ok: true });
  rows.push({ measure: "… usr-guard's hooks vs the same hooks doing nothing: usr-guard's own share", baseline: ms(median(ctl!.wall_ms)), ours: ms(median(hooked!.wall_ms)), result: `${ownRatio.toFixed(3)}×`, target: '', ok: true });

  // 4. The bundle.
  const size = statSync(DIST).size;
  rows.push({ measure: 'size of dist/usr-guard', baseline: '', ours: `${(size / 1024).toFixed(0)} KiB`, result: '', target: '', ok: true });

  rmSync(work, { recursive: true, force: true });
  rmSync(image, { recursive: true, force: true });
  report(rows);
}

function report(rows: Row[]): void {
  const osName = /PRETTY_NAME="?([^"\n]*)/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  const apt = execFileSync('apt-get', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${osName}, node ${process.version}, ${apt}`;
  const table = [
    '| measure | baseline | usr-guard | result | target | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.measure} | ${r.baseline} | ${r.ours} | ${r.result} | ${r.target} | ${r.target ? (r.ok ? 'ok' : 'MISSED') : ''} |`),
  ].join('\n');
  const md = `Measured ${new Date().toISOString().slice(0, 10)} on ${machine}. Times are medians; ratios are medians of per-round ratios (each round runs both side by side).\n\n${table}\n`;
  process.stdout.write(`${md}`);
  mkdirSync(join(REPO, 'bench'), { recursive: true });
  writeFileSync(join(REPO, 'bench/results.json'), JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2) + '\n');
  const readme = join(REPO, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const updated = text.replace(/(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/, `$1${md}$2`);
  if (updated !== text) writeFileSync(readme, updated);
}

main();
