// The room check's edge (check/room.ts decides): the overlay's free room
// (statvfs of /usr, which on an overlay is its upper layer's file system), the
// new versions' Installed-Size (one `apt-cache show` for the whole transaction:
// apt's JSON hook does not carry it; `dpkg-deb --field` for a package file),
// and the installed versions' files still in the lower layer (dpkg's .list).
// Loaded only on an overlay, where the hook that decides would let a change of
// apt or dpkg through.

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, statfsSync } from 'node:fs';
import { EXIT } from '../exit-codes.js';
import { roomRefusalLines } from '../messages/room.js';
import type { Out } from '../output.js';
import { replayLine } from '../messages/overlay.js';
import { recordRun } from '../runstate/run-record.js';
import type { Invocation, SystemState, TxPackage, Verdict } from '../types.js';
import { judgeRoom, parseControlSizes, type Room, type RoomPackage } from './room.js';
import { warningLine } from '../messages/check.js';

/** States where /usr is an overlay that takes changes until the next boot (or deployment). */
const OVERLAY_STATES = new Set(['image-overlay', 'image-hotfix']);

/** statvfs("/usr"), or null where it cannot be read (then nothing is checked; also on a Node 18 older than 18.15, which has no statfsSync). */
export function roomOf(path = '/usr'): Room | null {
  try {
    const s = statfsSync(path);
    return { bsize: s.bsize, blocks: s.blocks, bavail: s.bavail, files: s.files, ffree: s.ffree };
  } catch {
    return null;
  }
}

const ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: ENV,
  });
  // apt-cache exits 100 when one version is missing, and still prints the others.
  return typeof r.stdout === 'string' ? r.stdout : '';
}

/** The package and its Installed-Size in each file (one dpkg-deb each: only named files, never apt's whole download). */
function fileSizes(files: string[]): Map<string, { name: string; kib: number | null }> {
  const out = new Map<string, { name: string; kib: number | null }>();
  for (const f of files) {
    const [c] = parseControlSizes(run('/usr/bin/dpkg-deb', ['--field', f, 'Package', 'Installed-Size']));
    if (c) out.set(f, { name: c.package, kib: c.installedKiB });
  }
  return out;
}

/** Installed-Size of NAME:ARCH=VERSION for each, from apt's cache, in one apt-cache run. */
function cacheSizes(pkgs: TxPackage[]): Map<string, number | null> {
  const out = new Map<string, number | null>();
  if (pkgs.length === 0) return out;
  const specs = pkgs.map((p) => `${p.name}${p.arch && p.arch !== 'all' ? `:${p.arch}` : ''}=${p.version}`);
  for (const c of parseControlSizes(run('/usr/bin/apt-cache', ['show', '--no-all-versions', ...specs])))
    if (!out.has(`${c.package}=${c.version}`)) out.set(`${c.package}=${c.version}`, c.installedKiB);
  return out;
}

/**
 * The installed version's files (dpkg's NAME.list or NAME:ARCH.list): how many
 * are under /usr, and the bytes and count of those only in the lower layer
 * (where the upper layer has no path, as on composefs, all of them).
 */
function oldFiles(name: string, arch: string | undefined, s: SystemState, bsize: number) {
  const info = `${s.dpkgDatabase?.path ?? '/var/lib/dpkg'}/info`;
  const list = [arch ? `${info}/${name}:${arch}.list` : null, `${info}/${name}.list`].find(
    (p): p is string => p !== null && existsSync(p),
  );
  if (!list) return null;
  const upper = s.usr?.upperdir ?? null;
  let files = 0;
  let lowerBytes = 0;
  let lowerFiles = 0;
  for (const path of readFileSync(list, 'utf8').split('\n')) {
    if (!path.startsWith('/usr/')) continue;
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) continue;
    files++;
    if (upper !== null && existsSync(`${upper}${path.slice(4)}`)) continue;
    lowerFiles++;
    lowerBytes += Math.ceil(Number(st.size) / bsize) * bsize;
  }
  return { files, lowerBytes, lowerFiles };
}

/**
 * The transaction's packages, sized: from apt's cache where apt names the
 * version (one process for all), from the file where only a file names the
 * package (dpkg -i, a .deb given to apt) or apt's cache does not know it.
 */
export function sizedPackages(tx: TxPackage[], s: SystemState, bsize: number): RoomPackage[] {
  const cache = cacheSizes(tx.filter((p) => !p.removal && p.version && p.name));
  const known = (p: TxPackage) => p.name !== '' && (cache.get(`${p.name}=${p.version}`) ?? null) !== null;
  const files = fileSizes(tx.filter((p) => p.file && !p.removal && !known(p)).map((p) => p.file!));
  const byName = new Map([...files.values()].map((f) => [f.name, f.kib]));
  const out: RoomPackage[] = [];
  const seen = new Set<string>();
  for (const p of tx) {
    if (p.removal) continue;
    const name = p.file && !p.name ? (files.get(p.file)?.name ?? '') : p.name;
    if (!name || seen.has(name)) continue;
    seen.add(name);
    const kib = cache.get(`${name}=${p.version}`) ?? byName.get(name) ?? null;
    const old = oldFiles(name, p.arch, s, bsize);
    out.push({
      name,
      newKiB: kib,
      // The new version's file count is taken as the old one's, where there is one.
      newFiles: old?.files ?? null,
      oldLowerBytes: old?.lowerBytes ?? 0,
      oldLowerFiles: old?.lowerFiles ?? 0,
    });
  }
  return out;
}

/**
 * The verdict with the room check: where usr-guard would let a change of apt
 * or dpkg into an overlay /usr that cannot hold it, a refusal (a warning under
 * mode = warn) that says what it needs and what is free. Anything else as it was.
 */
export function withRoom(v: Verdict, s: SystemState, inv: Invocation, mode: string): Verdict {
  if (v.verdict !== 'warn' || !OVERLAY_STATES.has(s.state) || inv.manager !== 'apt') return v;
  if (!inv.transaction?.some((p) => !p.removal)) return v;
  const room = roomOf();
  if (room === null) return v;
  const r = judgeRoom(sizedPackages(inv.transaction, s, room.bsize || 4096), room);
  if (r.fits) return v;
  const lines = roomRefusalLines(s, inv, r);
  if (mode === 'warn')
    return { verdict: 'warn', message: [...v.message, warningLine(lines[0]!.replace(/^error: /, ''))] };
  return { verdict: 'refuse', message: lines };
}

/**
 * A later run of an overlay's boot, where the hook shim's replay record holds
 * and the overlay's free room is below the record's floor (room.ts
 * ROOM_FLOOR_KIB; runstate's 'room'): node only checks the room. Where the change fits it says what the record
 * says (`replayed`: its one line for "warn", nothing for "proceed"), where it
 * does not, the refusal (exit 10). The run is marked either way, so its other
 * hooks (apt's later notifications, Pre-Install-Pkgs) stay in the shell.
 */
export function roomOnly(s: SystemState, inv: Invocation, mode: string, replayed: string, out: Out): number {
  const v =
    mode === 'off' || !inv.changes || inv.root !== '/' || inv.role !== 'decide' || !OVERLAY_STATES.has(s.state)
      ? null
      : withRoom({ verdict: 'warn', message: replayed === 'warn' ? [replayLine(s)] : [] }, s, inv, mode);
  if (v) out.err(v.message);
  const told = v?.verdict === 'refuse' ? 'refuse' : v && replayed === 'warn' ? 'warn' : 'proceed';
  if (s.host.otherRoot !== true && inv.role === 'decide') recordRun(inv.runKey, told);
  return told === 'refuse' ? EXIT.REFUSED : EXIT.OK;
}
