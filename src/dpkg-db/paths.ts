// Where dpkg's database and usr-guard's care of it live. A module of its own,
// so the hooks' path can look for them without loading the code that acts.
export const DB = '/var/lib/dpkg';
export const SYSIMAGE_DB = '/usr/lib/sysimage/dpkg';
export const SNAPSHOT = '/var/lib/usr-guard/dpkg-snapshot';
export const RESTORE_UNIT = '/usr/lib/systemd/system/usr-guard-restore-dpkg-db.service';
