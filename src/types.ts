// The plain data that flows probe → decide → act. Nothing here does I/O, so
// every layer can be tested with literal objects.

/** The state names are the interface (status --json, docs, hooks): keep them. */
export const STATE_NAMES = [
  'mutable-host',
  'container',
  'image-locked',
  'image-overlay',
  'image-overlay-readonly',
  'image-hotfix',
  'readonly-usr',
  'unknown',
] as const;
export type StateName = (typeof STATE_NAMES)[number];

/** How the mount that covers /usr relates to the image. */
export type UsrOverlay = 'none' | 'image' | 'unlock';

export interface UsrFacts {
  /** Mount point of the mount that covers /usr ("/usr" or an ancestor such as "/"). */
  mountPoint: string;
  fsType: string;
  source: string;
  readOnly: boolean;
  /** 'image': overlay of lower layers only (composefs, sysext); 'unlock': overlay with an upperdir. */
  overlay: UsrOverlay;
  /**
   * An unlock's upper layer as this process can open it (where `usr-guard diff`
   * finds the changed files), or null: mountinfo's upperdir, resolved against
   * the booted ostree deployment where ostree named it from there (probe/deployment.ts).
   */
  upperdir: string | null;
}

export type HostKind = 'bootc' | 'ostree' | 'composefs' | 'generic';

export interface HostFacts {
  kind: HostKind;
  imageBased: boolean;
  ostreeBooted: boolean;
  composefs: boolean;
  /** From /run/ostree/deployment-state/<deployment>/unlocked-*. */
  unlocked: 'development' | 'transient' | null;
  /** Whether the configured bootc binary exists (cheap stat, not `bootc status`). */
  bootcInstalled: boolean;
  /**
   * This process's / is not PID 1's (a chroot, as `systemd-detect-virt --chroot`
   * tells): the markers in /run are the host's, so it is not image-based.
   * null: could not tell (PID 1 is not ours to look at).
   */
  otherRoot: boolean | null;
  os: { id: string | null; versionId: string | null; prettyName: string | null };
}

export interface ContainerFacts {
  detected: boolean;
  /** Which signs were seen, e.g. "env container=oci", "/run/.containerenv". */
  signs: string[];
}

export interface DatabaseFacts {
  /** The conventional path (/var/lib/dpkg, /usr/lib/sysimage/rpm …). */
  path: string;
  /** Where it really lives after resolving links, or null when absent. */
  realPath: string | null;
  /** Lives under /usr, so it goes with the image. */
  onUsr: boolean;
}

/** Everything the decision may look at. Plain JSON. */
export interface SystemState {
  state: StateName;
  /** One short phrase a person reads: why this state. */
  why: string;
  usr: UsrFacts | null;
  host: HostFacts;
  container: ContainerFacts;
  /** TRANSACTIONAL_UPDATE=true is set: reported, never trusted (the state comes from the evidence). */
  transactionalUpdate: boolean;
  dpkgDatabase: DatabaseFacts | null;
  /**
   * What keeps dpkg's database true to /usr when a transient overlay goes:
   * 'relocated' (it lives in the image), 'snapshot' (saved and put back at
   * the next boot by usr-guard-restore-dpkg-db.service), or 'none'.
   */
  dpkgProtection: 'relocated' | 'snapshot' | 'none';
  /** A snapshot of dpkg's database is there (taken at this boot's first change, or waiting from an earlier boot). */
  dpkgSnapshotTaken?: boolean;
  rpmDatabase: DatabaseFacts | null;
  /** pacman's DBPath (from pacman.conf), where pacman is installed; null elsewhere. */
  pacmanDatabase: DatabaseFacts | null;
  /**
   * What keeps pacman's database true to /usr when a transient overlay goes:
   * 'relocated' (DBPath is in the image, as arch-bootc sets it), 'snapshot'
   * (saved and put back at the next boot by usr-guard-restore-pacman-db.service), or 'none'.
   */
  pacmanProtection: 'relocated' | 'snapshot' | 'none';
  pacmanSnapshotTaken?: boolean;
  /** What the probe could not read; never fatal. */
  unknowns: string[];
}

export type Caller = 'apt-json' | 'apt' | 'apt-pkgs' | 'dpkg' | 'dnf' | 'dnf5' | 'dnf-shim' | 'pacman' | 'cli';
export const CALLERS: readonly Caller[] = [
  'apt-json',
  'apt',
  'apt-pkgs',
  'dpkg',
  'dnf',
  'dnf5',
  'dnf-shim',
  'pacman',
  'cli',
];

export type PackageManager = 'apt' | 'dnf' | 'pacman';

/** What the run does to packages: the advice fits it (a removal is not kept by installing). */
export type Operation = 'install' | 'remove' | 'upgrade' | 'fix' | 'other';

/** Who asks, what for, and whether a person can answer. */
export interface Invocation {
  caller: Caller;
  /** Which documentation family the messages point to. */
  manager: PackageManager;
  /** The front end that runs, for messages ("apt-get", "unattended-upgrade", "dnf"). */
  frontend: string;
  /** Does the command change installed packages? */
  changes: boolean;
  /** Target root; anything but "/" means another root. */
  root: string;
  /** A person can answer a question on a terminal. */
  interactive: boolean;
  /** Where nobody can: why (a refusal that could have offered an overlay says it). */
  notAsked?: string;
  /**
   * What this hook may say in a run where several hooks fire: 'decide' warns,
   * offers and refuses; 'backstop' only refuses, when /usr is still read-only
   * after the hook that decided (or when that hook was walked around).
   */
  role: 'decide' | 'backstop';
  /** The shell's record holds and the overlay is getting full: node checks only the room (runstate/index.ts 'room'). */
  roomOnly?: boolean;
  /** What the run adds (or, for a removal, removes) that was asked for: the names for the Containerfile line. */
  packages: string[];
  /** Package files the run installs, as the command line names them (a .deb, an .rpm): copied in a Containerfile. */
  localFiles?: string[];
  /** The same, as absolute paths (resolved in the front end's folder): what diff's record keeps a copy of. */
  localPaths?: string[];
  /** Every package the transaction changes, where the package manager said (the overlay warning names them). */
  changed?: string[];
  operation: Operation;
  /**
   * The package-manager run this hook is part of (runstate/run-record.ts),
   * and what a hook of that run said before: the run hears one message.
   */
  runKey: string | null;
  said: VerdictKind | null;
  /**
   * dnf only: whether the dnf that runs has --transient (dnf 4.23, dnf5
   * 5.4.3 and later). Looked up only where a refusal may need it.
   */
  transientOption?: boolean;
  /** The front end's command line, for the trail in the system log. */
  commandLine?: string;
  /**
   * apt only, where the advice differs from an install's: build-dep (the
   * Containerfile line is apt-get build-dep), or reinstall of packages the
   * image has (nothing to add to the image).
   */
  aptCommand?: 'build-dep' | 'reinstall';
  /** pacman -U only: the package files (or URLs) it was given, which a Containerfile must COPY (or fetch). */
  packageFiles?: string[];
  /** apt and dpkg: the packages the run unpacks or removes, for the room check on an overlay (check/room-probe.ts). */
  transaction?: TxPackage[];
}

/** One package of a transaction: by name and version (apt knows its size), or by its file (read from the file). */
export interface TxPackage {
  /** Empty for a package file whose package is read from the file. */
  name: string;
  arch?: string;
  version?: string;
  /** An absolute path of the .deb. */
  file?: string;
  removal?: boolean;
}

export const MODES = ['auto', 'refuse', 'prompt', 'overlay', 'warn', 'off'] as const;
export type Mode = (typeof MODES)[number];

export interface Config {
  mode: Mode;
  /** Seconds to wait for an answer at the prompt, and for the overlay command. */
  promptTimeout: number;
  overlayTimeout: number;
  paths: { bootc: string; ostree: string };
  /** [export]: files for a fleet, written at boot and at each change node sees on an overlay; null: not written. */
  export: { prometheus: string | null; ansibleFacts: string | null };
}

export type VerdictKind = 'proceed' | 'warn' | 'refuse' | 'offer';

export interface Verdict {
  verdict: VerdictKind;
  /** Lines for stderr; empty for a silent proceed. */
  message: string[];
  /** For 'offer': ask first (false under mode = overlay). */
  ask?: boolean;
  /** For 'offer': what would be run to make /usr writable. */
  action?: 'usr-overlay' | 'remount-rw';
}
