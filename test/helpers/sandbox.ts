// Model a host state with real mounts, and run real commands in it, without
// touching this machine: private mount and PID namespaces (unshare -m -p), a root that is
// an overlay of / with its upper layer on a tmpfs (so /etc, /var, /root writes
// vanish with the namespace), and /usr mounted per state on top. chroot into it
// as PID 1 of the PID namespace (exec): so PID 1's root is the sandbox's /, as
// on a booted host, and a chroot made inside is another root.
//
// The root overlay also hides this machine's own /.dockerenv (a whiteout), so the
// sandbox is a host, not a container, unless a test says otherwise.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The repository root: the first folder up from here with a package.json (works from test/ and when bundled for the bench). */
function findRepo(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
export const REPO = findRepo(__dirname);
export const DIST = join(REPO, 'dist/usr-guard');

/** How /usr is mounted. "image" is a lower-only overlay: read-only image content. */
export type UsrModel =
  | 'host-ro-bind' // the machine's /usr, bind-mounted read-only: a locked image host exactly
  | 'writable' // the image under a writable overlay: a mutable host (or a container build)
  | 'image' // the image alone: read-only
  | 'image+overlay' // the image plus a writable overlay with an upper layer (an unlock)
  | 'image+overlay-ro'; // the same, remounted read-only

export interface SandboxSpec {
  usr: UsrModel;
  /** Folder whose usr/ and etc/ hold what `usr-guard install --root` wrote (the image layer). */
  image?: string;
  ostreeBooted?: boolean;
  /** A composefs-native bootc host: `composefs=` on the kernel command line and a `composefs:` root source. */
  composefs?: boolean;
  /** /sys/fs/erofs, as erofs's module makes it (a composefs root has it): what the shim's fast path looks for. */
  erofs?: boolean;
  unlocked?: 'development' | 'transient';
  env?: Record<string, string>;
  /**
   * A folder kept across runs that holds /var (as an overlay's upper layer):
   * two runs with the same one are two boots of one host. A new one is seeded
   * with the image's var/, as bootc unpacks /var only from the first image.
   */
  varDir?: string;
  /**
   * A folder kept across runs that holds what changed in /etc (as an overlay's
   * upper layer): /etc persists across boots on a real host, as /var does.
   */
  etcDir?: string;
  /** What /proc/sys/kernel/random/boot_id says in the sandbox. */
  bootId?: string;
  /** The root the sandbox's / (and its /usr, /var) stands on: this machine's, or another (a Debian sid root with dnf5). */
  base?: string;
  /** Folders of this machine seen at the same path inside (a repository, on a base other than /). */
  binds?: string[];
  /** image+overlay only: the size of the tmpfs that holds the overlay's upper layer (`4m`), as a small bootc overlay; unlimited without it. */
  overlaySize?: string;
  /** Shell run inside the chroot, as root, with sh -c. */
  script: string;
}

/** A path of the base root (this machine's by default). */
const onBase = (spec: { base?: string }, path: string) => (spec.base ? `${spec.base}${path}` : path);

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function usrMounts(spec: Omit<SandboxSpec, 'script'>, t: string): string {
  // A lower-only overlay needs two lower layers; an empty one stands in for a missing image.
  const img = spec.image ? `${spec.image}/usr` : `${t}/empty`;
  const usr = onBase(spec, '/usr');
  const image = `mount -t overlay ug-image -o lowerdir=${img}:${usr} "$R/usr"`;
  const upper = (name: string) => `mkdir -p ${t}/${name}/up ${t}/${name}/wk`;
  switch (spec.usr) {
    case 'host-ro-bind':
      return `mount --bind ${usr} "$R/usr" && mount -o remount,bind,ro "$R/usr"`;
    case 'writable':
      return `${upper('usr')} && mount -t overlay overlay -o lowerdir=${img}:${usr},upperdir=${t}/usr/up,workdir=${t}/usr/wk "$R/usr"`;
    case 'image':
      return image;
    case 'image+overlay':
    case 'image+overlay-ro': {
      const size = spec.overlaySize
        ? `mkdir -p ${t}/ov && mount -t tmpfs -o size=${spec.overlaySize} ug-ov ${t}/ov && `
        : '';
      const ov = `${size}${upper('ov')} && mount -t overlay ${spec.composefs ? 'transient' : 'overlay'} -o lowerdir="$R/usr",upperdir=${t}/ov/up,workdir=${t}/ov/wk "$R/usr"`;
      return `${image} && ${ov}${spec.usr === 'image+overlay-ro' ? ' && mount -o remount,ro "$R/usr"' : ''}`;
    }
  }
}

/**
 * Whiteouts, in an overlay's upper layer, for what usr-guard itself keeps on a
 * machine: what this machine holds (usr-guard installed, a snapshot, an old
 * code cache) never reaches a sandbox.
 */
const HOST_STATE = [
  'etc/usr-guard',
  'etc/apt/apt.conf.d/50usr-guard',
  'etc/apt/apt.conf.d/50usr-guard.disabled',
  'etc/dpkg/dpkg.cfg.d/usr-guard',
  'var/lib/usr-guard',
  'var/cache/usr-guard',
];
function hideHostState(upper: string, under = ''): string {
  return HOST_STATE.filter((p) => p.startsWith(under))
    .map((p) => `${upper}/${p.slice(under.length)}`)
    .map((w) => `mkdir -p ${w.slice(0, w.lastIndexOf('/'))} && mknod ${w} c 0 0`)
    .join('\n');
}

/**
 * Whiteouts for what this machine's /tmp (or /var/tmp) holds: a test's /tmp/a
 * is its own, whatever files of that name lie here. Kept: the folders the
 * tests run from and make their temporary folders in, which scripts name.
 */
function hideTmp(upper: string, dir: '/tmp' | '/var/tmp', lower: string): string {
  const keep = [process.cwd(), tmpdir()]
    .filter((p) => p.startsWith(`${dir}/`))
    .map((p) => p.slice(dir.length + 1).split('/')[0] ?? '');
  const cases = keep.length > 0 ? `case "$n" in ${keep.map(shq).join('|')}) continue;; esac; ` : '';
  return `mkdir -p ${upper} && for e in ${lower}/* ${lower}/.[!.]*; do { [ -e "$e" ] || [ -L "$e" ]; } || continue; n=\${e##*/}; ${cases}mknod ${upper}/"$n" c 0 0; done`;
}

function varMount(spec: Omit<SandboxSpec, 'script'>): string {
  if (!spec.varDir) return '';
  const v = spec.varDir;
  const seed = `[ -e ${v}/seeded ] || { mkdir -p ${v}/up && ${spec.image ? `cp -a ${spec.image}/var/. ${v}/up/ 2>/dev/null;` : ''}
${hideHostState(`${v}/up`, 'var/')}
${hideTmp(`${v}/up/tmp`, '/var/tmp', onBase(spec, '/var/tmp'))}
touch ${v}/seeded; }`;
  return `mkdir -p ${v}/up ${v}/wk && ${seed}
mount -t overlay ug-var -o lowerdir=${onBase(spec, '/var')},upperdir=${v}/up,workdir=${v}/wk "$R/var"`;
}

function markerScript(spec: SandboxSpec): string {
  const lines: string[] = [];
  if (spec.ostreeBooted) lines.push('touch "$R/run/ostree-booted"');
  if (spec.unlocked) {
    lines.push(
      `mkdir -p "$R/run/ostree/deployment-state/0a1b2c.0" && touch "$R/run/ostree/deployment-state/0a1b2c.0/unlocked-${spec.unlocked}"`,
    );
  }
  return lines.join('\n');
}

/** One shell word. */
export const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Shell that gives the root `root` (a shell word) a /dev of its own, so that a
 * test can listen on /dev/log; the devices are the machine's, the
 * pseudo-terminals its own (script(1) in the tests makes one).
 */
export function ownDev(root: string): string {
  return `mount -t tmpfs -o mode=755 ug-dev ${root}/dev
for n in null zero full random urandom tty; do touch ${root}/dev/$n && mount --bind /dev/$n ${root}/dev/$n; done
mkdir ${root}/dev/pts ${root}/dev/shm && mount -t tmpfs ug-shm ${root}/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 ug-pts ${root}/dev/pts && ln -s pts/ptmx ${root}/dev/ptmx
ln -s /proc/self/fd ${root}/dev/fd && ln -s /proc/self/fd/0 ${root}/dev/stdin && ln -s /proc/self/fd/1 ${root}/dev/stdout && ln -s /proc/self/fd/2 ${root}/dev/stderr`;
}

/** The command that runs spec.script in a fresh sandbox, and its folder (remove it when done). */
function sandboxCommand(spec: SandboxSpec): { work: string; args: string[] } {
  const work = mkdtempSync(join(tmpdir(), 'ug-sandbox-'));
  const t = `${work}/mnt`;
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    ...spec.env,
  };
  const envArgs = Object.entries(env)
    .map(([k, v]) => shq(`${k}=${v}`))
    .join(' ');
  const outer = `
set -e
mkdir -p ${t} && mount -t tmpfs ug-layers ${t}
mkdir -p ${t}/root/up ${t}/root/wk ${t}/r ${t}/empty
mknod ${t}/root/up/.dockerenv c 0 0
${hideHostState(`${t}/root/up`)}
${hideTmp(`${t}/root/up/tmp`, '/tmp', onBase(spec, '/tmp'))}
${hideTmp(`${t}/root/up/var/tmp`, '/var/tmp', onBase(spec, '/var/tmp'))}
R=${t}/r
mount -t overlay ${spec.composefs ? 'composefs:5eed0f' : 'ug-root'} -o lowerdir=${spec.base ?? '/'},upperdir=${t}/root/up,workdir=${t}/root/wk "$R"
${(spec.binds ?? []).map((b) => `mkdir -p "$R${b}" && mount --bind ${b} "$R${b}"`).join('\n')}
mount -t proc proc "$R/proc"
${spec.composefs ? `echo "$(cat /proc/cmdline) composefs=5eed0f" > ${t}/cmdline && mount --bind ${t}/cmdline "$R/proc/cmdline"` : ''}
${spec.composefs || spec.erofs ? `mkdir -p ${t}/sys/fs/erofs && mount --bind ${t}/sys "$R/sys"` : ''}
${ownDev('"$R"')}
mount -t tmpfs ug-run "$R/run"
${usrMounts(spec, t)}
${spec.image ? `cp -a ${spec.image}/etc/. "$R/etc/"` : ''}
${varMount(spec)}
${spec.etcDir ? `mkdir -p ${spec.etcDir}/up ${spec.etcDir}/wk && mount -t overlay ug-etc -o lowerdir="$R/etc",upperdir=${spec.etcDir}/up,workdir=${spec.etcDir}/wk "$R/etc"` : ''}
${spec.bootId ? `echo ${spec.bootId} > ${t}/boot_id && mount --bind ${t}/boot_id "$R/proc/sys/kernel/random/boot_id"` : ''}
${markerScript(spec)}
set +e
exec chroot "$R" /usr/bin/env -i ${envArgs} /bin/sh -c ${shq(spec.script)}
`;
  // A PID namespace too: whatever a script leaves running (a daemon, a sleep) ends with it.
  return { work, args: ['-m', '-p', '--fork', '--propagation', 'private', 'sh', '-c', outer] };
}

/** Run spec.script in a fresh sandbox and return what it printed. */
export function runInSandbox(spec: SandboxSpec): Result {
  const { work, args } = sandboxCommand(spec);
  try {
    const r = spawnSync('unshare', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** runInSandbox without blocking the event loop (a run of minutes: vitest's worker must go on answering). */
export function runInSandboxAsync(spec: SandboxSpec, timeoutMs = 600_000): Promise<Result> {
  const { work, args } = sandboxCommand(spec);
  return new Promise<Result>((resolve, reject) => {
    const child = spawn('unshare', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  }).finally(() => rmSync(work, { recursive: true, force: true }));
}

/**
 * Run `cmd` after `setup`, between two runs of `snapshot` (shell whose output
 * must not change when a change is refused): its exit code, and whether the
 * snapshot held.
 */
export function runAndCompare(spec: Omit<SandboxSpec, 'script'>, setup: string, snapshot: string, cmd: string) {
  return compared(runInSandbox({ ...spec, script: compareScript(setup, snapshot, cmd) }));
}

/** The shell of runAndCompare: `cmd` after `setup`, between two runs of `snapshot`; ends with "@@unchanged" or "@@changed", and "@@rc=N". */
export function compareScript(setup: string, snapshot: string, cmd: string): string {
  return `${setup}\nbefore=$(${snapshot})\n${cmd}\nrc=$?\nafter=$(${snapshot})\n[ "$before" = "$after" ] && echo "@@unchanged" || echo "@@changed"\necho "@@rc=$rc"\nexit 0`;
}

/** What a compareScript printed: the command's exit code, and whether the snapshot held. */
export function compared(r: Result): Result & { rc: number; unchanged: boolean } {
  return { ...r, rc: Number(/@@rc=(\d+)/.exec(r.stdout)?.[1] ?? -1), unchanged: r.stdout.includes('@@unchanged') };
}

/**
 * An image layer with usr-guard in it, built as an image build would: `usr-guard
 * install --root R` where R's /usr and /etc are this machine's, seen through
 * overlays whose upper layers are the returned folder. So install sees the dnf
 * and python that are there, and the folder holds only what it wrote.
 * `prepare` is shell run first, with the root in $R (what the image holds before usr-guard).
 */
export function buildImage(extraArgs: string[] = [], debs: string[] = [], base = '', prepare = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'ug-image-'));
  const args = extraArgs.map(shq).join(' ');
  // Packages of the image, installed as a builder without chroot would (their /var goes with the image's var/).
  const packages =
    debs.length > 0
      ? `dpkg --root=${dir}/.root --force-script-chrootless -i ${debs.map(shq).join(' ')} >/dev/null`
      : '';
  const script = `
set -e
for d in usr etc var; do
  mkdir -p ${dir}/$d ${dir}/.wk/$d ${dir}/.root/$d
  mount -t overlay ug-img-$d -o lowerdir=${base}/$d,upperdir=${dir}/$d,workdir=${dir}/.wk/$d ${dir}/.root/$d
done
${packages}
R=${dir}/.root
${prepare}
${DIST} install --root ${dir}/.root ${args}
`;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8' });
  rmSync(`${dir}/.wk`, { recursive: true, force: true });
  rmSync(`${dir}/.root`, { recursive: true, force: true });
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`usr-guard install failed: ${r.stderr}`);
  }
  return dir;
}
