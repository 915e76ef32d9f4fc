// The words usr-guard says. Pure: (state, invocation) → lines. decide() picks
// which of these apply; nothing here chooses a verdict. The advice fits what
// was asked: an install is kept by installing it in the image, a removal by
// removing it there, an upgrade by a new image.

import { pacmanContainerfileLines, pacmanPersistLine } from './pacman.js';
import { printable } from '../printable.js';
import type { Invocation, SystemState } from '../types.js';

const page = (inv: Invocation) => `${inv.manager}-image-based`;

export function refusalHeadline(inv: Invocation): string {
  return `error: read-only /usr detected, refusing to operate. See \`man ${page(inv)}\` for more information.`;
}

/**
 * The Containerfile lines that make the change last, or none when there are
 * no package names to put in them. A package file named on the command line
 * is copied into the build and installed from there.
 */
function containerfileLines(inv: Invocation): string[] {
  // pacman's own: a package file given to pacman -U by URL is fetched by pacman, not copied.
  if (inv.manager === 'pacman') return pacmanContainerfileLines(inv) ?? [];
  const files = inv.localFiles ?? [];
  if (inv.packages.length === 0 && files.length === 0) return [];
  // Names as typed reach root's terminal: quoted where they hold a control character.
  const packages = inv.packages.map(printable);
  const tool = inv.manager === 'dnf' ? 'dnf' : 'apt-get';
  if (inv.operation === 'remove')
    return [`RUN ${tool} ${inv.manager === 'dnf' ? 'remove' : 'purge'} -y ${packages.join(' ')}`];
  // apt-get build-dep installs what building the packages needs, not the packages.
  if (inv.aptCommand === 'build-dep') return [`RUN apt-get build-dep -y ${packages.join(' ')}`];
  const name = (f: string) => printable(f.slice(f.lastIndexOf('/') + 1));
  const copies = files.map((f) => `COPY ${name(f)} /tmp/`);
  return [...copies, `RUN ${tool} install -y ${[...packages, ...files.map((f) => `/tmp/${name(f)}`)].join(' ')}`];
}

/** 'a', 'a' and 'b', 'a', 'b' and 'c'. */
function quoted(lines: string[]): string {
  const q = lines.map((l) => `'${l}'`);
  return q.length < 2 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q.at(-1)}`;
}

/** Hosts of the rpm family, where rpm-ostree moves the host to a new image. */
const rpmOstree = (s: SystemState) => /^(fedora|rhel|centos|almalinux|rocky)$/.test(s.host.os.id ?? '');

/** How this host moves to a new image. */
const deploy = (s: SystemState) =>
  s.host.kind === 'bootc' ? "'bootc upgrade' (or 'bootc switch') to it" : 'deploy it';

/** How to make the change last (the image's Containerfile), in one line; also the room refusal's (room.ts). */
export function lastingRoute(s: SystemState, inv: Invocation): string {
  const lines = containerfileLines(inv);
  const line = lines.length > 0 ? quoted(lines) : null;
  switch (inv.operation) {
    case 'remove':
      return line
        ? `  To remove it for good: add ${line} to the image's Containerfile, build the image, then ${deploy(s)}.`
        : `  To remove packages for good: remove them in the image's Containerfile, build the image, then ${deploy(s)}.`;
    case 'upgrade':
      return s.host.kind === 'bootc'
        ? "  To update: 'bootc upgrade' moves this host to the image's newest build (rebuild the image for newer packages)."
        : `  To update: rebuild the image and deploy it ('${rpmOstree(s) ? 'rpm-ostree upgrade' : 'ostree admin upgrade'}').`;
    case 'fix':
      return `  The packages to fix are the image's: fix them in its Containerfile, build the image, then ${deploy(s)}.`;
    default:
      if (inv.aptCommand === 'reinstall')
        return `  The image already has ${inv.packages.map(printable).join(', ')}: a reinstall adds nothing to keep in its Containerfile.`;
      return line
        ? `  To keep it: add ${line} to the image's Containerfile, build the image, then ${deploy(s)}.`
        : `  To keep it: make the change in the image's Containerfile, build the image, then ${deploy(s)}.`;
  }
}

/** Until the next reboot: only where trying a change out helps (installs and removals). */
function transientRoute(s: SystemState, inv: Invocation): string | null {
  if (inv.operation !== 'install' && inv.operation !== 'remove' && inv.operation !== 'other') return null;
  const tool = s.host.kind === 'bootc' ? 'bootc usr-overlay' : 'ostree admin unlock';
  const dnf = inv.manager === 'dnf' && inv.transientOption ? ` (or pass --transient to ${inv.frontend})` : '';
  return `  To try it until the next reboot: run '${tool}'${dnf}, then run this command again.`;
}

/** The refusal; `declined`: after "no" to the offer, which the refusal does not make again. */
export function refusalLines(s: SystemState, inv: Invocation, declined = false): string[] {
  return [refusalHeadline(inv), ...refusalDetails(s, inv, declined)];
}

/** A refusal to a user who is not root: changing packages needs root too. */
export function notRootLine(inv: Invocation): string {
  return `  Changing packages also needs root: run ${inv.frontend} as root (for example with sudo).`;
}

/** Where an overlay could have been offered and was not: why, in a line (where the refusal names one to try). */
export function notOfferedLines(s: SystemState, inv: Invocation): string[] {
  if (isUnattended(inv) || transientRoute(s, inv) === null) return [];
  return [`  No overlay was offered: ${inv.notAsked ?? 'nobody can answer here'}.`];
}

/** mode = warn: say the same, but as a warning; the package manager will meet the read-only /usr itself. */
export function readOnlyWarningLines(s: SystemState, inv: Invocation): string[] {
  return [
    `usr-guard: warning: read-only /usr detected; going on because mode = warn. See \`man ${page(inv)}\`.`,
    ...refusalDetails(s, inv),
  ];
}

const isUnattended = (inv: Invocation) => /^unattended-upgr/.test(inv.frontend);

function refusalDetails(s: SystemState, inv: Invocation, declined = false): string[] {
  const family = s.host.kind === 'generic' ? 'an image-based' : `an image-based (${s.host.kind})`;
  if (isUnattended(inv) && s.host.imageBased) {
    return [
      `  This is ${family} host: unattended-upgrades cannot change it. Turn it off`,
      `  ('systemctl disable --now apt-daily-upgrade.timer') and update the image instead${s.host.kind === 'bootc' ? " ('bootc upgrade')" : ''}.`,
    ];
  }
  const routes = (first: string | null) =>
    [declined ? null : first, lastingRoute(s, inv)].filter((l): l is string => l !== null);
  if (s.state === 'image-locked')
    return [`  This is ${family} host: /usr belongs to the image and is read-only.`, ...routes(transientRoute(s, inv))];
  if (s.state === 'image-overlay-readonly') {
    const remount =
      transientRoute(s, inv) &&
      "  To write to it until the next reboot: run 'mount -o remount,rw /usr', then run this command again.";
    return [
      `  /usr has a transient overlay, but it is mounted read-only${s.host.kind === 'bootc' ? " (as 'bootc usr-overlay --read-only' leaves it)" : ''}.`,
      ...routes(remount),
    ];
  }
  if (s.container.detected) {
    return [
      "  This container's root file system is read-only (as with 'podman run --read-only').",
      "  Change packages in the image's Containerfile instead.",
    ];
  }
  return [
    '  /usr is mounted read-only on this host. It may be an image-based or immutable system:',
    "  see your distribution's documentation. If it is read-only only for now: 'mount -o remount,rw /usr'.",
  ];
}

/**
 * The refusal in one line, for clients that show only an exception or an
 * error string (Ansible, PackageKit, Cockpit, dnf5daemon): why, and the next step.
 */
/** The hook shim's fallback (usr-guard gone or failed): its one line for dnf's plugin and dnf5's action. */
export function fallbackSummary(manager: Invocation['manager']): string {
  return `usr-guard refused: /usr is read-only; nothing was changed. See man ${manager}-image-based.`;
}

export function refusalSummary(s: SystemState, inv: Invocation): string {
  const next =
    refusalDetails(s, inv).find((l) => /^\s+(To |Turn |The packages|The image already|Change )/.test(l)) ?? '';
  const why = s.host.imageBased ? '/usr is read-only on this image-based host' : '/usr is read-only';
  return `usr-guard refused: ${why}; nothing was changed. ${next.trim()} See man ${page(inv)}.`.replace(/\s+/g, ' ');
}

function persistLine(s: SystemState, inv: Invocation): string {
  if (inv.manager === 'pacman') return pacmanPersistLine(s);
  if (inv.manager === 'dnf') {
    const db = s.rpmDatabase;
    return db?.onUsr
      ? `  /etc and /var persist; rpm's database (${db.realPath}) is under /usr and is discarded with it.`
      : '  /etc and /var persist, and packages commonly change them.';
  }
  const db = s.dpkgDatabase;
  if (!db) return '  /etc and /var persist.';
  if (s.dpkgProtection === 'relocated')
    return `  /etc and /var persist; dpkg's database (${db.realPath}) is in the image and goes with it.`;
  if (s.dpkgProtection === 'snapshot' && s.state === 'image-overlay')
    return s.dpkgSnapshotTaken
      ? `  /etc and /var persist; dpkg's database (${db.realPath}) was saved at this boot's start and is put back at the next boot.`
      : `  /etc and /var persist; dpkg's database (${db.realPath}) has no snapshot of this boot's start ('usr-guard status' says why): afterwards dpkg will list packages whose files are gone.`;
  return `  /etc and /var persist, and so does dpkg's database in ${db.realPath}: afterwards dpkg will list packages whose files are gone.`;
}

/** More names than this are a count. */
const MAX_NAMES = 8;

/** The packages a run changes, as the warning names them. */
function named(all: string[]): string {
  const names = all.map(printable);
  return names.length > MAX_NAMES
    ? `${names.slice(0, MAX_NAMES).join(', ')} and ${names.length - MAX_NAMES} more`
    : names.join(', ');
}

export function overlayWarningLines(s: SystemState, inv: Invocation): string[] {
  const changed = inv.changed ?? inv.packages;
  const what = changed.length > 0 ? ` (${named(changed)})` : '';
  const when = s.state === 'image-hotfix' ? 'at the next deployment (bootc upgrade, ostree admin deploy)' : 'at reboot';
  const kind = s.state === 'image-hotfix' ? 'a hotfix overlay' : 'a transient overlay';
  const keep =
    inv.operation === 'remove'
      ? "  To remove a package for good, remove it in the image's Containerfile."
      : "  To keep a package, add it to the image's Containerfile.";
  return [
    `usr-guard: warning: /usr is ${kind}: changes there${what} are discarded ${when}.`,
    persistLine(s, inv),
    keep,
  ];
}

export function unknownWarningLines(s: SystemState): string[] {
  return [`usr-guard: warning: cannot tell whether /usr can be changed (${s.why}); going on.`];
}

/**
 * The overlay warning's line when the boot unit found that dpkg's database in
 * /var describes another image (`stale`: what it said, "dpkg's database
 * describes another image: …").
 */
export function staleDpkgDbLine(stale: string): string {
  return `  ${stale}; apt and dpkg plan against packages this image does not have (see usr-guard status).`;
}
