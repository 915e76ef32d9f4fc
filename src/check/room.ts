// Room on an overlay /usr: does the transaction fit in what the upper layer has
// free? Pure: the sizes and the room come from room-probe.ts.
//
// dpkg has no space check of its own (apt 3's `apt` only warns, after the fact),
// and runs out half-way: "cannot copy extracted data … (No space left on device)",
// a package left half-installed. So count what dpkg needs at its peak:
// - a new package: its Installed-Size (every file goes to NAME.dpkg-new first);
// - an upgrade: the new version whole (old and new stand side by side until
//   dpkg renames), plus the old files still in the image's lower layer: dpkg's
//   backup link (NAME.dpkg-tmp) copies each of them up;
// - a removal: nothing (deleting a lower file frees nothing in the upper layer).
// Installed-Size rounds each file up to 1 KiB; a tmpfs takes 4 KiB pages
// (measured: coreutils ×1.01, perl-modules ×1.12, git-man ×1.14, tzdata ×1.50),
// and maintainer scripts make files it does not count (.pyc): hence the margin.

export const MiB = 1024 * 1024;

/** What is added on top of the count: 10% of it, and 1 MiB (tzdata's ×1.5 of a ~2 MiB package fits in that). */
export const MARGIN = { fraction: 0.1, bytes: MiB } as const;

/**
 * The room floor, in KiB, that the replay record carries (runstate/replay.ts, its fourth line).
 * A later run of the boot that the shell replays costs no node; the shell reads the overlay's free
 * room (one `stat -f`) at apt's JSON hook and a bare dpkg -i, and hands the room check to node only
 * below this floor. So a later change bigger than the floor, on an overlay with more free room than
 * the floor, is not checked; the boot's first change, and every change that node decides, always are.
 */
export const ROOM_FLOOR_KIB = 1024 * 1024;

/** Files assumed per KiB of Installed-Size where the file count is not known: one a 4 KiB page (a default tmpfs has one inode a page). */
export const KIB_PER_FILE = 4;

export interface RoomPackage {
  name: string;
  /** The new version's Installed-Size in KiB; null for a removal, or where it could not be read. */
  newKiB: number | null;
  /** The new version's file count, where known (else estimated from newKiB). */
  newFiles?: number | null;
  /** Bytes of the installed version's files that lie in the lower layer (copied up by dpkg's backup links). */
  oldLowerBytes?: number;
  /** How many such files (one inode each once copied up). */
  oldLowerFiles?: number;
}

/** statvfs of /usr (on an overlay: its upper layer's file system). 0 blocks or 0 files: no limit (a tmpfs with size=0, nr_inodes=0). */
export interface Room {
  bsize: number;
  blocks: number;
  bavail: number;
  files: number;
  ffree: number;
}

export interface RoomNeed {
  bytes: number;
  inodes: number;
  /** Packages whose size could not be read (counted as nothing). */
  unknown: string[];
}

export type RoomVerdict =
  | { fits: true; need: RoomNeed }
  | {
      fits: false;
      need: RoomNeed;
      /** Free bytes and inodes; null where the file system sets no limit. */
      freeBytes: number | null;
      freeInodes: number | null;
      short: 'space' | 'inodes' | 'both';
    };

const nonNegative = (n: number | null | undefined) =>
  n !== null && n !== undefined && Number.isFinite(n) && n > 0 ? n : 0;

/** What the transaction needs at dpkg's peak, margin included. */
export function roomNeeded(pkgs: RoomPackage[]): RoomNeed {
  let bytes = 0;
  let inodes = 0;
  const unknown: string[] = [];
  for (const p of pkgs) {
    const kib = nonNegative(p.newKiB);
    bytes += kib * 1024 + nonNegative(p.oldLowerBytes);
    const files =
      p.newFiles !== null && p.newFiles !== undefined ? nonNegative(p.newFiles) : Math.ceil(kib / KIB_PER_FILE);
    inodes += files + nonNegative(p.oldLowerFiles);
    if (p.newKiB === null && p.oldLowerBytes === undefined) unknown.push(p.name);
  }
  if (bytes === 0 && inodes === 0) return { bytes: 0, inodes: 0, unknown };
  return {
    bytes: Math.ceil(bytes * (1 + MARGIN.fraction) + MARGIN.bytes),
    inodes: Math.ceil(inodes * (1 + MARGIN.fraction)) + 16,
    unknown,
  };
}

/** Free bytes (bavail × bsize: what an unprivileged writer may use; tmpfs reserves nothing), or null: no limit (0 blocks). */
export const freeBytesOf = (room: Room): number | null => (room.blocks > 0 ? room.bavail * room.bsize : null);

/** Does it fit? */
export function judgeRoom(pkgs: RoomPackage[], room: Room): RoomVerdict {
  const need = roomNeeded(pkgs);
  const freeBytes = freeBytesOf(room);
  const freeInodes = room.files > 0 ? room.ffree : null;
  const space = freeBytes !== null && need.bytes > freeBytes;
  const inodes = freeInodes !== null && need.inodes > freeInodes;
  if (!space && !inodes) return { fits: true, need };
  return { fits: false, need, freeBytes, freeInodes, short: space && inodes ? 'both' : space ? 'space' : 'inodes' };
}

/** Bytes as people read them: "6.9 MiB", "512 KiB", "1.2 GiB". */
export function sizeText(bytes: number): string {
  if (bytes < MiB) return `${Math.ceil(bytes / 1024)} KiB`;
  if (bytes < 1024 * MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  return `${(bytes / (1024 * MiB)).toFixed(1)} GiB`;
}

/** One stanza of control data (apt-cache show, dpkg-deb --field): the fields the room check reads. */
export interface ControlSize {
  package: string;
  version: string | null;
  architecture: string | null;
  installedKiB: number | null;
}

/** Stanzas of deb822 control text, as apt-cache show and dpkg-deb --field print them. Never throws. */
export function parseControlSizes(text: string): ControlSize[] {
  const out: ControlSize[] = [];
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    const field = (name: string) => {
      const m = new RegExp(`^${name}:[ \\t]*(\\S*)[ \\t]*$`, 'im').exec(stanza);
      return m?.[1] ? m[1] : null;
    };
    const pkg = field('Package');
    if (pkg === null) continue;
    const size = field('Installed-Size');
    out.push({
      package: pkg,
      version: field('Version'),
      architecture: field('Architecture'),
      installedKiB: size !== null && /^\d{1,12}$/.test(size) ? Number(size) : null,
    });
  }
  return out;
}
