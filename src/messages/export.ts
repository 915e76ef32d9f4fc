// The words of the fleet's files ([export], src/export/): each gauge's HELP
// line in the node_exporter textfile, and what a run says of writing them. Pure.

/** The HELP text of each usr_guard_… gauge, by its name. */
export const METRIC_HELP = {
  usr_guard_info: "usr-guard's version, the host's kind and usr-guard's mode.",
  usr_guard_state: 'The state of /usr that usr-guard sees: 1 for the current one, 0 for the others.',
  usr_guard_image_based: 'Whether the host is image-based (bootc, ostree, composefs).',
  usr_guard_overlay_present: 'Whether /usr has a writable overlay (an unlock) in this boot.',
  usr_guard_overlay_changes: "Whether /usr's overlay holds changes that the next reboot discards.",
  usr_guard_overlay_packages: 'Packages the overlay added, removed or upgraded, per package manager.',
  usr_guard_overlay_files: 'Files in the overlay that no changed package accounts for (changed by hand).',
  usr_guard_database_stale: 'Whether a package database describes another image than the running one.',
  usr_guard_database_unprotected:
    'Whether a package database in /var has nothing to put it back after a transient overlay.',
  usr_guard_last_boot_packages: "Packages the last boot's overlay changed (the reboot took them).",
  usr_guard_last_boot_files: "Files the last boot's overlay held by hand (the reboot took them).",
  usr_guard_report_timestamp_seconds: 'When usr-guard wrote this, in seconds since the epoch.',
} as const;

export type MetricName = keyof typeof METRIC_HELP;

/** What each file is, in the lines below. */
export const PROMETHEUS_FILE = 'the node_exporter textfile';
export const ANSIBLE_FILE = "Ansible's local facts";

export const wroteExport = (what: string, path: string) => `wrote ${what} to ${path}`;
export const couldNotWriteFile = (what: string, why: string) => `could not write ${what}: ${why}`;
