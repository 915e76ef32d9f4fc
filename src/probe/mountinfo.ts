// Parse /proc/self/mountinfo (proc(5)) and find the mount that covers a path.
// Pure: the caller reads the file.

import type { UsrFacts } from '../types.js';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  mountOptions: string[];
  superOptions: string[];
}

export class MountinfoError extends Error {}

// Field 5 and the source may hold octal escapes such as "\040" for a space.
function unescapeOctal(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/**
 * One line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue".
 * Optional fields end at the lone "-" separator.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    // The kernel separates fields with single spaces and escapes spaces inside them.
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 3 || !/^\d+$/.test(fields[0]!)) {
      throw new MountinfoError(`mountinfo line ${i + 1} is malformed: ${JSON.stringify(line.slice(0, 120))}`);
    }
    entries.push({
      mountPoint: unescapeOctal(fields[4]!),
      mountOptions: fields[5]!.split(','),
      fsType: fields[sep + 1]!,
      source: unescapeOctal(fields[sep + 2]!),
      superOptions: (fields[sep + 3] ?? '').split(','),
    });
  }
  if (entries.length === 0) throw new MountinfoError('mountinfo is empty');
  return entries;
}

function covers(mountPoint: string, path: string): boolean {
  return mountPoint === '/' || path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/** The mount a path resolves to: the longest covering mount point, and of those the last stacked. */
export function coveringMount(entries: MountEntry[], path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const e of entries) {
    if (!covers(e.mountPoint, path)) continue;
    if (best === null || e.mountPoint.length >= best.mountPoint.length) best = e;
  }
  return best;
}

const hasOption = (opts: string[], name: string) => opts.some((o) => o === name || o.startsWith(`${name}=`));

/**
 * Read-only counts per mount or in the superblock: an overlay of lower layers only
 * shows "rw" per mount and "ro" only in the superblock part.
 */
export function usrFactsFrom(entry: MountEntry): UsrFacts {
  const readOnly = entry.mountOptions.includes('ro') || entry.superOptions.includes('ro');
  let overlay: UsrFacts['overlay'] = 'none';
  if (entry.fsType === 'overlay') {
    // An upperdir means writes land somewhere: an unlock. Its path changes
    // across ostree versions, so only its presence counts.
    overlay = hasOption(entry.superOptions, 'upperdir') ? 'unlock' : 'image';
  }
  return {
    mountPoint: entry.mountPoint,
    fsType: entry.fsType,
    source: entry.source,
    readOnly,
    overlay,
    upperdir: overlay === 'unlock' ? upperdirOf(entry) : null,
  };
}

/** The upperdir option's path: the kernel escapes a comma in it as "\," and a space as "\040". */
export function upperdirOf(entry: MountEntry): string | null {
  const m = /(?:^|,)upperdir=((?:\\.|[^,\\])*)/.exec(entry.superOptions.join(','));
  return m ? unescapeOctal(m[1]!).replace(/\\(.)/g, '$1') : null;
}

/** The source of the mount at "/", for the composefs check. */
export function rootSource(entries: MountEntry[]): string | null {
  return coveringMount(entries, '/')?.source ?? null;
}
