// Images built as a Containerfile builds them: RUN lines in a chroot of this
// machine's root, in a container (/run/.containerenv), whose usr/, etc/ and
// var/ changes are kept as the image's layers (the folder returned, for
// runInSandbox's `image`). Private mount and PID namespaces; nothing leaks.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface Build {
  dir: string;
  stdout: string;
  stderr: string;
}

/** Run `script` as the RUN lines of an image build on this machine's root; a bootc image when `bootc` (its /usr/lib/bootc). */
export function buildInContainer(script: string, opts: { bootc?: boolean } = {}): Build {
  const dir = mkdtempSync(join(tmpdir(), 'ug-built-'));
  const t = `${dir}/.t`;
  const layers = ['usr', 'etc', 'var'].map(
    (d) =>
      `mkdir -p ${dir}/${d} ${dir}/.wk/${d} && mount -t overlay ug-build-${d} -o lowerdir=/${d},upperdir=${dir}/${d},workdir=${dir}/.wk/${d} "$R/${d}"`,
  );
  const outer = `
set -e
mkdir -p ${t} && mount -t tmpfs ug-build ${t} && mkdir -p ${t}/up ${t}/wk ${t}/r
mknod ${t}/up/.dockerenv c 0 0
R=${t}/r
mount -t overlay ug-build-root -o lowerdir=/,upperdir=${t}/up,workdir=${t}/wk "$R"
${layers.join('\n')}
mount -t proc proc "$R/proc" && mount --rbind /dev "$R/dev" && mount -t tmpfs ug-run "$R/run"
touch "$R/run/.containerenv"
${opts.bootc ? 'mkdir -p "$R/usr/lib/bootc" && echo stand-in >"$R/usr/lib/bootc/README"' : ''}
set +e
chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -c ${shq(script)}
`;
  const r = spawnSync('unshare', ['-m', '-p', '--fork', '--propagation', 'private', 'sh', '-c', outer], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  rmSync(`${dir}/.wk`, { recursive: true, force: true });
  rmSync(t, { recursive: true, force: true });
  // Whiteouts of what the build removed in /etc (apt's sources): the sandbox copies etc/ as files, and cannot copy those.
  spawnSync('find', [`${dir}/etc`, '-type', 'c', '-delete']);
  return { dir, stdout: r.stdout, stderr: r.stderr };
}

/** Shell that listens on /dev/log (the journal's socket, in a sandbox's own /dev), and prints what came as "@@journal: …" lines. */
export const journal = {
  listen: `python3 -c 'import socket
s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind("/dev/log")
f=open("/tmp/journal","ab",0)
while True: f.write(s.recv(4096)+b"\\n")' & journal_pid=$!
sleep 0.3`,
  show: `sleep 0.5; kill $journal_pid; sed 's/^/@@journal: /' /tmp/journal`,
};
