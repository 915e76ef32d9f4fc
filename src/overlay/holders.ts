// The processes that still hold files of the overlay on /usr, as `lsof /usr`
// would list them, from /proc: an open descriptor on the overlay's mount (its
// mount ID in /proc/PID/fdinfo), or a program, library or folder that the
// overlay added or changed (a path under /usr whose copy is in the upper
// layer) as its executable, working folder or a mapping. After a lazy unmount
// they keep the overlay's files until they end.

import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface Holder {
  pid: number;
  command: string;
  /** The first file of the overlay it holds, and how many in all. */
  file: string;
  files: number;
}

/** The mount ID of the mount on /usr (the topmost: the overlay), from mountinfo's text. Pure. */
export function usrMountId(mountinfo: string): number | null {
  let id: number | null = null;
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f[4] === '/usr') id = Number(f[0]);
  }
  return id;
}

/** The mount ID an fdinfo names ("mnt_id:\t42"). Pure. */
export function fdinfoMount(text: string): number | null {
  const m = /^mnt_id:\s*(\d+)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** The paths a maps file names (the sixth field onwards; " (deleted)" kept off). Pure. */
export function mappedPaths(maps: string): string[] {
  const out = new Set<string>();
  for (const line of maps.split('\n')) {
    const m = /^\S+ \S+ \S+ \S+ \S+\s+(\/.*)$/.exec(line);
    if (m) out.add(m[1]!.replace(/ \(deleted\)$/, ''));
  }
  return [...out];
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};
const link = (path: string) => {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
};

/** The processes holding files of the overlay whose upper layer is `upperdir`; never this one. */
export function overlayHolders(upperdir: string | null): Holder[] {
  const mountId = usrMountId(read('/proc/self/mountinfo'));
  /** A path under /usr that the overlay added or changed. */
  const ofOverlay = (path: string | null) =>
    path !== null && upperdir !== null && path.startsWith('/usr/') && existsSync(`${upperdir}${path.slice(4)}`);
  const out: Holder[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!/^\d+$/.test(name) || pid === process.pid) continue;
    const held = new Set<string>();
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    for (const fd of fds) {
      const target = link(`/proc/${pid}/fd/${fd}`);
      if (target === null || !target.startsWith('/usr')) continue;
      if (ofOverlay(target) || (mountId !== null && fdinfoMount(read(`/proc/${pid}/fdinfo/${fd}`)) === mountId))
        held.add(target);
    }
    for (const path of [link(`/proc/${pid}/exe`), link(`/proc/${pid}/cwd`), ...mappedPaths(read(`/proc/${pid}/maps`))])
      if (ofOverlay(path)) held.add(path!);
    if (held.size > 0)
      out.push({
        pid,
        command: read(`/proc/${pid}/comm`)
          .trim()
          .replace(/[\x00-\x1f\x7f]/g, '?'),
        file: [...held].sort()[0]!,
        files: held.size,
      });
  }
  return out.sort((a, b) => a.pid - b.pid);
}
