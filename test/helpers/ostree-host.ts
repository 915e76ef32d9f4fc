// The real ostree (Debian 12's 2022.7) in a booted deployment modelled with
// namespaces, for the tests that meet `ostree admin unlock` itself rather
// than a model of its overlay. docs/testing-ostree.md says how and why.
//
// - Once per clone (cached in .cache/ostree-base, made again when this
//   machine's packages or the recipe change): a sysroot whose repository
//   holds a small Debian root of this machine's packages (ostree-base.sh).
// - Once per test run (ostreeSysroot): a copy of it in which that commit plus
//   `usr-guard install --root` is committed and deployed.
// - Once per test (bootOstree): that sysroot on a tmpfs of its own, "booted"
//   one or more times: each boot a new mount and PID namespace with the
//   default boot entry's deployment as /, /usr as ostree-prepare-root mounts
//   it, a fresh /run holding /run/ostree-booted, and everything shared, so
//   that the overlay ostree mounts in its own namespace reaches the caller.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, ownDev, REPO, type Result, shq } from './sandbox.js';

const BASE_SCRIPT = join(REPO, 'test/helpers/ostree-base.sh');
const CACHE = join(REPO, '.cache/ostree-base');

/**
 * Run a command and wait for it without blocking the event loop (a boot takes
 * seconds; vitest's worker must go on answering meanwhile).
 */
function run(file: string, args: string[], timeoutMs = 600_000): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Why the real-ostree tests cannot run on this machine, or null when they can. */
export function ostreeMissing(): string | null {
  if (process.getuid?.() !== 0) return 'they need root (mount and PID namespaces)';
  if (!has('ostree')) return 'no ostree binary here (apt-get install ostree; .ci/run does)';
  // The deployment is made of this machine's packages (ostree-base.sh).
  for (const p of ['ostree', 'nodejs', 'apt']) {
    if (spawnSync('dpkg-query', ['-W', p], { stdio: 'ignore' }).status !== 0)
      return `the deployment is made of this machine's Debian packages, and ${p} is not one of them`;
  }
  return null;
}

/** The cached base sysroot, made first when it is missing or stale (about 15 s). */
async function baseSysroot(): Promise<string> {
  const key = execFileSync('sh', [BASE_SCRIPT, 'key'], { encoding: 'utf8' }).trim();
  const have = existsSync(`${CACHE}/key`) ? readFileSync(`${CACHE}/key`, 'utf8').trim() : '';
  if (have !== key) {
    mkdirSync(join(REPO, '.cache'), { recursive: true });
    const next = `${CACHE}.new-${process.pid}`;
    rmSync(next, { recursive: true, force: true });
    try {
      const r = await run('sh', [BASE_SCRIPT, 'build', next]);
      if (r.code !== 0) throw new Error(`making the base of the ostree sysroot failed: ${r.stderr}`);
      // Another run may have made the same one meanwhile, and be using it.
      if (!existsSync(`${CACHE}/key`) || readFileSync(`${CACHE}/key`, 'utf8').trim() !== key) {
        rmSync(CACHE, { recursive: true, force: true });
        renameSync(next, CACHE);
      }
    } finally {
      rmSync(next, { recursive: true, force: true });
    }
  }
  return `${CACHE}/sysroot`;
}

/**
 * A folder holding sysroot/: the base with usr-guard committed on top
 * (debian/ug) and deployed. The objects are links to the cache's (ostree
 * never changes an object in place; a copy where links cannot be made).
 * Remove it with rmSync when done.
 */
export async function ostreeSysroot(): Promise<string> {
  const base = await baseSysroot();
  const r = mkdtempSync(join(tmpdir(), 'ug-ostree-'));
  const s = `${r}/sysroot`;
  const repo = `${s}/ostree/repo`;
  const script = `set -e
mkdir ${s}
tar -C ${base} -cf - --exclude=./ostree/repo/objects . | tar -C ${s} -xpf -
cp -al ${base}/ostree/repo/objects ${repo}/objects 2>/dev/null || { rm -rf ${repo}/objects; cp -a ${base}/ostree/repo/objects ${repo}/objects; }
# usr-guard as an image build installs it: install --root, through an overlay
# whose upper layer gets what it writes (/etc is usr/etc in a commit); then that
# layer copied (new files: the checkout's are the objects) into a checkout of
# the base, committed fast as a checkout of the repository.
ostree --repo=${repo} checkout -H debian/base ${r}/tree
mkdir ${r}/layer ${r}/wk ${r}/root
mount -t overlay ug-layer -o lowerdir=${r}/tree,upperdir=${r}/layer,workdir=${r}/wk ${r}/root
ln -s usr/etc ${r}/root/etc
${DIST} install --root ${r}/root >/dev/null
umount ${r}/root
rm ${r}/layer/etc
cp -r --preserve=mode,ownership,timestamps,links --remove-destination ${r}/layer/. ${r}/tree/
ostree --repo=${repo} commit -b debian/ug --link-checkout-speedup --tree=dir=${r}/tree -s 'with usr-guard' >/dev/null
rm -rf ${r}/tree ${r}/layer ${r}/wk ${r}/root
# deploy freezes and thaws the file system of /boot: a tmpfs here, never the disk
# this folder is on. No immutable bit on the deployment, so that the folder can be removed.
mkdir ${r}/boot
mount -t tmpfs -o mode=755 ug-boot ${s}/boot
OSTREE_SYSROOT_DEBUG=mutable-deployments ostree admin deploy --sysroot=${s} --os=debian --karg=root=LABEL=ug-root debian/ug >/dev/null
cp -a ${s}/boot/. ${r}/boot/ && umount ${s}/boot && cp -a ${r}/boot/. ${s}/boot/ && rm -rf ${r}/boot
`;
  const out = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script]);
  if (out.code !== 0) {
    rmSync(r, { recursive: true, force: true });
    throw new Error(`making the ostree sysroot failed: ${out.stderr}`);
  }
  return r;
}

export interface OstreeSpec {
  /** What ostreeSysroot() made. */
  sysroot: string;
  /** Each boot's shell, run as root in the booted deployment; the sysroot and the stateroot's var carry over to the next. */
  boots: string[];
  /**
   * Copy the repository's objects and the deployments' /usr into the test's
   * sysroot too (some 270 MB of memory while it runs): `ostree admin unlock --hotfix`
   * clones the deployment from them. Otherwise they are read-only binds of
   * the run's sysroot, which no test changes.
   */
  fullCopy?: boolean;
  /** Folders of this machine seen at the same path inside (a repository of packages). */
  binds?: string[];
  env?: Record<string, string>;
}

/**
 * One boot, as a bootloader and ostree-prepare-root (2022.7) would make it:
 * $1 the sysroot, $2 a file to hold the kernel command line, $3 the script,
 * then the script's environment (NAME=value words).
 */
const BOOT = `set -e
S=$1
entry=$(grep -H '^version ' "$S"/boot/loader/entries/*.conf | sort -t' ' -k2 -n | tail -n1 | cut -d: -f1)
options=$(sed -n 's/^options //p' "$entry")
for w in $options; do case $w in ostree=*) karg=\${w#ostree=} ;; esac; done
D=$(realpath "$S$karg")
os=\${D%/deploy/*}; os=\${os##*/}
echo "$options" >"$2"
# Recursive: without fullCopy the objects and each deployment's usr are mounts of their own.
mount --rbind "$S" "$D/sysroot"
mount --rbind "$D" "$D"
mount --bind "$S/boot" "$D/boot"
mount --bind "$S/ostree/deploy/$os/var" "$D/var"
# /usr: ostree-prepare-root's hotfix overlay (its mount, from the deployment), else a read-only bind.
if [ -e "$D/.usr-ovl-work" ]; then
  (cd "$D" && mount -t overlay overlay -o lowerdir=usr,upperdir=.usr-ovl-upper,workdir=.usr-ovl-work usr)
else
  mount --bind "$D/usr" "$D/usr" && mount -o remount,bind,ro "$D/usr"
fi
mount -t proc proc "$D/proc"
mount --bind "$2" "$D/proc/cmdline"
# A boot of its own: a new boot ID.
cat /proc/sys/kernel/random/uuid >"$2.boot_id" && mount --bind "$2.boot_id" "$D/proc/sys/kernel/random/boot_id"
${ownDev('"$D"')}
mount -t tmpfs -o mode=755 ug-run "$D/run"
touch "$D/run/ostree-booted"
mount -t tmpfs -o mode=1777 ug-tmp "$D/tmp"
for b in $UG_BINDS; do mkdir -p "$D$b" && mount --bind "$b" "$D$b"; done
# Without this, ostree's overlay stays in the mount namespace it makes for itself.
mount --make-rshared "$D"
set +e
script=$3
shift 3
# exec: the booted deployment is PID 1's root, as on a booted host (a chroot made inside is another root).
exec chroot "$D" /usr/bin/env -i "$@" /bin/sh -c "$script"
`;

/** Boot the sysroot once per entry of spec.boots, one after the other; what each boot's script printed. */
export async function bootOstree(spec: OstreeSpec): Promise<Result[]> {
  const work = mkdtempSync(join(tmpdir(), 'ug-boot-'));
  const t = `${work}/sysroot`;
  const from = `${spec.sysroot}/sysroot`;
  const env = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    ...spec.env,
  };
  const copy = spec.fullCopy
    ? `cp -a ${from}/. ${t}/`
    : `tar -C ${from} -cf - --exclude=./ostree/repo/objects --exclude='./ostree/deploy/*/deploy/*/usr' . | tar -C ${t} -xpf -
cd ${from}
for u in ostree/repo/objects ostree/deploy/*/deploy/*/usr; do
  mkdir -p ${t}/$u && mount --bind ${from}/$u ${t}/$u && mount -o remount,bind,ro ${t}/$u
done
cd /`;
  const envWords = Object.entries(env)
    .map(([k, v]) => shq(`${k}=${v}`))
    .join(' ');
  const boots = spec.boots
    .map(
      (script, i) =>
        `unshare -m -p -f sh -c ${shq(BOOT)} boot ${t} ${work}/cmdline ${shq(script)} ${envWords} >${work}/${i}.out 2>${work}/${i}.err; echo $? >${work}/${i}.rc`,
    )
    .join('\n');
  const outer = `set -e
mkdir ${t} && mount -t tmpfs -o mode=755 ug-sysroot ${t}
${copy}
export UG_BINDS=${shq((spec.binds ?? []).join(' '))}
set +e
${boots}
`;
  try {
    const r = await run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', outer]);
    if (r.code !== 0) throw new Error(`booting the ostree sysroot failed: ${r.stderr}`);
    return spec.boots.map((_, i) => {
      const read = (ext: string) =>
        existsSync(`${work}/${i}.${ext}`) ? readFileSync(`${work}/${i}.${ext}`, 'utf8') : '';
      return { code: Number(read('rc').trim() || -1), stdout: read('out'), stderr: read('err') };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
