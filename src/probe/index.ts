// Gather the facts about this host with cheap reads only: no child process.
// Nothing here throws: what cannot be read is recorded in `unknowns`.

import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { RESTORE_UNIT, SNAPSHOT } from '../dpkg-db/paths.js';
import { PACMAN_RESTORE_UNIT, PACMAN_SNAPSHOT, pacmanDbPath } from '../pacman-db/paths.js';
import { classify } from './classify.js';
import type { DatabaseFacts, HostFacts, SystemState, UsrFacts } from '../types.js';
import { hasKernelParam } from './cmdline.js';
import { containerFacts } from './container.js';
import { upperdirHere } from './deployment.js';
import { coveringMount, parseMountinfo, rootSource, usrFactsFrom, type MountEntry } from './mountinfo.js';
import { parseOsRelease } from './os-release.js';
import { inOtherRoot } from './pid1.js';

export interface ProbeOptions {
  env: NodeJS.ProcessEnv;
  bootcPath: string;
  /** Also read what only `status` shows (os-release); the hooks' verdict does not need it. */
  forStatus?: boolean;
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function readMounts(unknowns: string[]): MountEntry[] | null {
  try {
    return parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch (e) {
    unknowns.push(`/proc/self/mountinfo: ${(e as Error).message}`);
    return null;
  }
}

// Without mountinfo, access(2) still tells a read-only file system (EROFS), even to root.
function usrFromAccess(unknowns: string[]): UsrFacts | null {
  try {
    accessSync('/usr', constants.W_OK);
    return { mountPoint: '?', fsType: '?', source: '?', readOnly: false, overlay: 'none', upperdir: null };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EROFS') {
      return { mountPoint: '?', fsType: '?', source: '?', readOnly: true, overlay: 'none', upperdir: null };
    }
    unknowns.push(`/usr writability: ${(e as Error).message}`);
    return null;
  }
}

function unlockedMarker(): HostFacts['unlocked'] {
  let deployments: string[];
  try {
    deployments = readdirSync('/run/ostree/deployment-state');
  } catch {
    return null;
  }
  for (const d of deployments) {
    if (existsSync(`/run/ostree/deployment-state/${d}/unlocked-development`)) return 'development';
    if (existsSync(`/run/ostree/deployment-state/${d}/unlocked-transient`)) return 'transient';
  }
  return null;
}

function composefsBooted(mounts: MountEntry[] | null, unknowns: string[]): boolean {
  let cmdline = '';
  try {
    cmdline = readFileSync('/proc/cmdline', 'utf8');
  } catch (e) {
    unknowns.push(`/proc/cmdline: ${(e as Error).message}`);
  }
  if (!hasKernelParam(cmdline, 'composefs') || mounts === null) return false;
  const src = rootSource(mounts) ?? '';
  return src.startsWith('composefs:') || src.startsWith('transient:composefs=');
}

function hostFacts(opts: ProbeOptions, mounts: MountEntry[] | null, unknowns: string[]): HostFacts {
  const ostreeBooted = isFile('/run/ostree-booted');
  const composefs = composefsBooted(mounts, unknowns);
  const bootcInstalled = isFile(opts.bootcPath);
  let os = { id: null, versionId: null, prettyName: null } as HostFacts['os'];
  if (opts.forStatus) {
    try {
      os = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
    } catch {
      try {
        os = parseOsRelease(readFileSync('/usr/lib/os-release', 'utf8'));
      } catch (e) {
        unknowns.push(`os-release: ${(e as Error).message}`);
      }
    }
  }
  // In another root (a chroot) the markers in /run and the kernel's command line are the host's.
  const otherRoot = inOtherRoot();
  const imageBased = otherRoot !== true && (ostreeBooted || composefs);
  // composefs-native hosts are always bootc; on ostree, bootc may or may not be there.
  const kind = !imageBased ? 'generic' : composefs || bootcInstalled ? 'bootc' : 'ostree';
  return { kind, imageBased, ostreeBooted, composefs, unlocked: unlockedMarker(), bootcInstalled, otherRoot, os };
}

function database(candidates: string[]): DatabaseFacts | null {
  for (const path of candidates) {
    try {
      // The native realpath(3): one call, where node's own walks every component in JS.
      const realPath = realpathSync.native(path);
      return { path, realPath, onUsr: realPath === '/usr' || realPath.startsWith('/usr/') };
    } catch {
      // not here; try the next place
    }
  }
  return null;
}

/** pacman's database where pacman is installed: DBPath in the image (arch-bootc moves it there) goes with /usr. */
function pacmanFacts(): Pick<SystemState, 'pacmanDatabase' | 'pacmanProtection' | 'pacmanSnapshotTaken'> {
  const dbPath = pacmanDbPath();
  const db = dbPath === null ? null : database([dbPath]);
  return {
    pacmanDatabase: db,
    pacmanProtection: db?.onUsr ? 'relocated' : existsSync(PACMAN_RESTORE_UNIT) ? 'snapshot' : 'none',
    // Whole only with its manifest (written last): a half one is no snapshot.
    pacmanSnapshotTaken: existsSync(`${PACMAN_SNAPSHOT}/manifest`),
  };
}

export function probeSystem(opts: ProbeOptions): SystemState {
  const unknowns: string[] = [];
  const mounts = readMounts(unknowns);
  let usr: UsrFacts | null;
  if (mounts) {
    const m = coveringMount(mounts, '/usr');
    usr = m ? usrFactsFrom(m) : usrFromAccess(unknowns);
  } else {
    usr = usrFromAccess(unknowns);
  }
  // ostree names some upper layers from where it mounted them (deployment.ts).
  if (usr?.upperdir) usr = { ...usr, upperdir: upperdirHere(usr.upperdir) };
  const host = hostFacts(opts, mounts, unknowns);
  const container = containerFacts(opts.env, host.imageBased);
  const transactionalUpdate = opts.env.TRANSACTIONAL_UPDATE === 'true';
  const { state, why } = classify({ usr, host, container, transactionalUpdate });
  // The database is where the status file is; report its folder.
  const dpkgDatabase = existsSync('/var/lib/dpkg/status') ? database(['/var/lib/dpkg']) : null;
  return {
    state,
    why,
    usr,
    host,
    container,
    transactionalUpdate,
    dpkgDatabase,
    dpkgProtection: dpkgDatabase?.onUsr ? 'relocated' : existsSync(RESTORE_UNIT) ? 'snapshot' : 'none',
    dpkgSnapshotTaken: existsSync(SNAPSHOT),
    rpmDatabase: database(['/usr/lib/sysimage/rpm', '/var/lib/rpm']),
    ...pacmanFacts(),
    unknowns,
  };
}
