// The world of `usr-guard keep` (test/integration/keep.test.ts): a
// bootc-shaped vendor image in a PRIVATE containers-storage (its root the
// real-ostree sandbox's debian/ug: this machine's Debian packages, apt,
// nodejs, usr-guard), a bootc stand-in, a host image layer, and the way back
// from a built image to an ostree deployment. buildah and podman, as root,
// write /var/lib/containers and /run/containers whatever their --root says:
// here they run only in mount namespaces whose /var/lib and /run are their
// own (a tmpfs, or the sandbox's), with a storage.conf naming a temporary
// graph root (CONTAINERS_STORAGE_CONF). docs/keep.md says how it is used.

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeb, buildRepo } from './debs.js';
import { ostreeMissing, ostreeSysroot } from './ostree-host.js';
import { buildImage, shq } from './sandbox.js';

/**
 * bootc as keep meets it, in sh: `status --format=json` from
 * /run/ug-bootc/status.json, `image copy-to-storage` tags the image named in
 * /run/ug-bootc/vendor as localhost/bootc, `switch` is recorded, `container
 * lint` passes. Every call is written to /run/ug-bootc/calls.
 */
export const BOOTC_STANDIN = `#!/bin/sh
# bootc stand-in (usr-guard's tests): status, image copy-to-storage, switch, container lint.
S=/run/ug-bootc
[ -d "$S" ] && echo "$*" >>"$S/calls"
case "$1" in
status) cat "$S/status.json" ;;
image)
	[ "$2" = copy-to-storage ] || exit 2
	if command -v podman >/dev/null; then podman tag "$(cat "$S/vendor")" localhost/bootc; else buildah tag "$(cat "$S/vendor")" localhost/bootc; fi ;;
switch) echo "$*" >>"$S/switches" ;;
container) [ "$2" = lint ] && echo "bootc container lint (stand-in): nothing to say" ;;
*) echo "bootc stand-in: not modelled: $*" >&2; exit 2 ;;
esac
`;

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Why the keep tests cannot run here, or null. */
export function keepMissing(): string | null {
  if (!has('podman') && !has('buildah')) return 'no podman and no buildah here (apt-get install buildah podman)';
  return ostreeMissing();
}

function run(script: string, timeoutMs = 600_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Shell: a /var/lib and /run of this namespace's own, and the private storage. */
const privateStorage = (conf: string) => `set -e
mount -t tmpfs ug-varlib /var/lib && mount -t tmpfs ug-run /run
export CONTAINERS_STORAGE_CONF=${conf}
B=buildah`;

export interface KeepWorld {
  /** Folder of everything below (removed by dispose). */
  dir: string;
  /** storage.conf of the private containers-storage, and its graph root. */
  conf: string;
  graph: string;
  /** The bootc status JSON the stand-in says, and the vendor image's digest. */
  status: string;
  digest: string;
  /** The host's image layer (usr-guard installed, the stand-in as /usr/bin/bootc). */
  image: string;
  /** The host's repository (ughello, ugmissing) and the folder holding ugloc's .deb (in no repository). */
  repo: string;
  debs: string;
  /** The real-ostree sandbox's run sysroot (ostreeSysroot). */
  sysroot: string;
}

/** The bootc status of a host booted from `image` (containers-storage), with `digest`. */
export const statusJson = (image: string, digest: string) =>
  JSON.stringify({
    apiVersion: 'org.containers.bootc/v1',
    kind: 'BootcHost',
    spec: { image: { image, transport: 'containers-storage' } },
    status: { booted: { image: { image: { image, transport: 'containers-storage' }, imageDigest: digest } } },
  });

/**
 * Make the world: the run's ostree sysroot, its debian/ug checked out as a
 * container root (etc back in /etc, the stateroot's var in /var, apt pointed
 * at a repository inside the image that has ughello, the stand-in bootc),
 * committed as localhost/ug-vendor:1 (also :latest), and :2 (one file more).
 */
export async function keepWorld(): Promise<KeepWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'ug-keep-'));
  try {
    const sysroot = await ostreeSysroot();
    const graph = `${dir}/graph`;
    const conf = `${dir}/storage.conf`;
    mkdirSync(graph);
    writeFileSync(conf, `[storage]\ndriver = "overlay"\ngraphroot = "${graph}"\nrunroot = "/run/ug-containers"\n`);
    const baseRepo = buildRepo(['ughello']);
    const repo = buildRepo(['ughello', 'ugmissing']);
    const debs = mkdtempSync(join(tmpdir(), 'ug-keep-debs-'));
    buildDeb(debs, 'ugloc', '1.0');
    writeFileSync(`${dir}/bootc`, BOOTC_STANDIN);
    chmodSync(`${dir}/bootc`, 0o755);
    const S = `${sysroot}/sysroot`;
    const root = `${dir}/root`;
    const made = await run(`${privateStorage(conf)}
ostree --repo=${S}/ostree/repo checkout --force-copy debian/ug ${root}
rm -rf ${root}/etc && mv ${root}/usr/etc ${root}/etc
cp -a ${S}/ostree/deploy/debian/var/. ${root}/var/
mkdir -p ${root}/srv && cp -a ${baseRepo} ${root}/srv/ug-repo
rm -f ${root}/etc/apt/sources.list ${root}/etc/apt/sources.list.d/*
echo "deb [trusted=yes] copy:/srv/ug-repo ./" >${root}/etc/apt/sources.list.d/ug.list
cp ${dir}/bootc ${root}/usr/bin/bootc
c=$($B from scratch)
m=$($B mount $c)
tar -C ${root} -cf - . | tar -C $m -xpf -
$B umount $c >/dev/null
$B commit -q $c localhost/ug-vendor:1 >/dev/null
$B rm $c >/dev/null
$B tag localhost/ug-vendor:1 localhost/ug-vendor:latest
c=$($B from localhost/ug-vendor:1)
echo "the vendor's next image" >${dir}/v2 && $B copy $c ${dir}/v2 /usr/share/ug-vendor-2 >/dev/null
$B commit -q $c localhost/ug-vendor:2 >/dev/null
$B rm $c >/dev/null
$B images --json localhost/ug-vendor:1
`);
    rmSync(root, { recursive: true, force: true });
    rmSync(baseRepo, { recursive: true, force: true });
    if (made.code !== 0) throw new Error(`making the vendor image failed: ${made.stderr}`);
    const digest = (JSON.parse(made.stdout) as { digest: string }[])[0]!.digest;
    // dpkg's database in /var, as on a host whose image keeps it there: the recipe moves it into the kept image.
    const image = buildImage(['--dpkg-db=var'], [], '', `mkdir -p $R/usr/bin && cp ${dir}/bootc $R/usr/bin/bootc`);
    return {
      dir,
      conf,
      graph,
      status: statusJson('localhost/ug-vendor:latest', digest),
      digest,
      image,
      repo,
      debs,
      sysroot,
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export function disposeWorld(w: KeepWorld | undefined): void {
  if (!w) return;
  for (const d of [w.dir, w.image, w.repo, w.debs, w.sysroot]) rmSync(d, { recursive: true, force: true });
}

/** Shell for a sandbox of the world: /sys, the storage, the stand-in's state (booted from ug-vendor:latest). */
export const hostSetup = (
  w: KeepWorld,
) => `# podman reads /sys/fs/cgroup, which a host has and the sandbox does not mount.
mount -t sysfs ug-sys /sys && mount -t cgroup2 ug-cgroup /sys/fs/cgroup
export CONTAINERS_STORAGE_CONF=${w.conf} BUILDAH_ISOLATION=chroot
mkdir -p /run/ug-bootc && printf '%s' ${shq(w.status)} >/run/ug-bootc/status.json && echo localhost/ug-vendor:latest >/run/ug-bootc/vendor`;

/**
 * The built image `tag` taken out of the storage, shaped as an ostree commit
 * (/etc in /usr/etc, /var empty: a switch keeps the host's), committed in
 * the world's sysroot as debian/kept and deployed: the next boot boots it.
 */
export async function deployBuilt(w: KeepWorld, tag: string): Promise<void> {
  const t = `${w.dir}/kept`;
  const S = `${w.sysroot}/sysroot`;
  const r = await run(`${privateStorage(w.conf)}
mkdir ${t}
c=$($B from ${tag}) && m=$($B mount $c)
tar -C $m -cf - . | tar -C ${t} -xpf -
$B umount $c >/dev/null && $B rm $c >/dev/null
rm -rf ${t}/usr/etc && mv ${t}/etc ${t}/usr/etc
for d in var dev proc sys run tmp; do rm -rf ${t}/$d && mkdir ${t}/$d; done
chmod 1777 ${t}/tmp
ostree --repo=${S}/ostree/repo commit -b debian/kept --no-xattrs --tree=dir=${t} -s 'kept by usr-guard keep' >/dev/null
rm -rf ${t}
# deploy freezes the file system of /boot: a tmpfs, never this machine's disk (ostree-host.ts does the same).
mkdir ${w.dir}/boot && cp -a ${S}/boot/. ${w.dir}/boot/
mount -t tmpfs -o mode=755 ug-boot ${S}/boot && cp -a ${w.dir}/boot/. ${S}/boot/ && rm -rf ${w.dir}/boot && mkdir ${w.dir}/boot
OSTREE_SYSROOT_DEBUG=mutable-deployments ostree admin deploy --sysroot=${S} --os=debian --karg=root=LABEL=ug-root debian/kept >/dev/null
cp -a ${S}/boot/. ${w.dir}/boot/ && umount ${S}/boot
find ${S}/boot -mindepth 1 -delete && cp -a ${w.dir}/boot/. ${S}/boot/ && rm -rf ${w.dir}/boot
`);
  if (r.code !== 0) throw new Error(`deploying ${tag} failed: ${r.stderr}`);
}
