// Where dpkg's database and usr-guard's care of it live. A module of its own,
// so the hooks' path can look for them without loading the code that acts.
export const DB = '/var/lib/dpkg';
export const SYSIMAGE_DB = '/usr/lib/sysimage/dpkg';
export const SNAPSHOT = '/var/lib/usr-guard/dpkg-snapshot';
/** apt's marks (automatically installed or not): part of the database, in the snapshot with it. */
export const MARKS = '/var/lib/apt/extended_states';
/** Held (flock) while a snapshot is taken or put back: one at a time. */
export const SNAPSHOT_LOCK = '/var/lib/usr-guard/dpkg-snapshot.lock';
export const RESTORE_UNIT = '/usr/lib/systemd/system/usr-guard-restore-dpkg-db.service';
/** What an image build whose dpkg database stays in /var recorded of it (dpkg-db/record.ts). */
export const RECORD = '/usr/lib/usr-guard/dpkg-db.json';
/** Said by the boot unit when /var's database describes another image: the overlay warning repeats it. */
export const STALE_NOTE = '/run/usr-guard/dpkg-db-stale';
/** What the boot unit could not do with dpkg's snapshot in this boot, for `usr-guard status`. */
export const SNAPSHOT_NOTE = '/run/usr-guard/dpkg-snapshot-note';
/** Where the boot unit keeps the database of an earlier image when it moves to the image's: a folder of this name and a time, in /var/lib/usr-guard. */
export const KEPT_PREFIX = 'dpkg-of-earlier-image-';
