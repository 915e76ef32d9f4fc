// The words usr-guard says. Pure: (state, invocation) → lines. decide() picks
// which of these apply; nothing here chooses a verdict.

import type { Invocation, SystemState } from './types.js';

export function refusalHeadline(inv: Invocation): string {
  return `error: read-only /usr detected, refusing to operate. See \`man ${inv.manager}-image-based\` for more information.`;
}

function installLine(inv: Invocation): string {
  const pkgs = inv.packages.length > 0 ? inv.packages.join(' ') : 'PACKAGE';
  return inv.manager === 'dnf' ? `RUN dnf install -y ${pkgs}` : `RUN apt-get install -y ${pkgs}`;
}

function lastingRoute(s: SystemState, inv: Invocation): string {
  const update = s.host.kind === 'bootc' ? "then 'bootc upgrade' (or 'bootc switch') to it" : 'then deploy it';
  return `  To keep it: add '${installLine(inv)}' to the image's Containerfile, build the image, ${update}.`;
}

function transientRoute(s: SystemState, inv: Invocation): string {
  const tool = s.host.kind === 'bootc' ? 'bootc usr-overlay' : 'ostree admin unlock';
  const dnf = inv.manager === 'dnf' ? ` (or pass --transient to ${inv.frontend})` : '';
  return `  To try it until the next reboot: run '${tool}'${dnf}, then run this command again.`;
}

export function refusalLines(s: SystemState, inv: Invocation): string[] {
  return [refusalHeadline(inv), ...refusalDetails(s, inv)];
}

/** mode = warn: say the same, but as a warning; the package manager will meet the read-only /usr itself. */
export function readOnlyWarningLines(s: SystemState, inv: Invocation): string[] {
  return [`usr-guard: warning: read-only /usr detected; going on because mode = warn. See \`man ${inv.manager}-image-based\`.`, ...refusalDetails(s, inv)];
}

function refusalDetails(s: SystemState, inv: Invocation): string[] {
  const lines: string[] = [];
  const family = s.host.kind === 'generic' ? 'an image-based' : `an image-based (${s.host.kind})`;
  if (s.state === 'image-locked') {
    lines.push(`  This is ${family} host: /usr belongs to the image and is read-only.`, transientRoute(s, inv), lastingRoute(s, inv));
  } else if (s.state === 'image-overlay-readonly') {
    lines.push(
      `  /usr has a transient overlay, but it is mounted read-only${s.host.kind === 'bootc' ? " (as 'bootc usr-overlay --read-only' leaves it)" : ''}.`,
      "  To write to it until the next reboot: run 'mount -o remount,rw /usr', then run this command again.",
      lastingRoute(s, inv),
    );
  } else if (s.container.detected) {
    lines.push(
      "  This container's root file system is read-only (as with 'podman run --read-only').",
      "  Install packages in the image's Containerfile instead.",
    );
  } else {
    lines.push(
      '  /usr is mounted read-only on this host. It may be an image-based or immutable system:',
      "  see your distribution's documentation. If it is read-only only for now: 'mount -o remount,rw /usr'.",
    );
  }
  if (/^unattended-upgr/.test(inv.frontend)) {
    lines.push(
      '  unattended-upgrades cannot change an image-based host: turn it off',
      "  ('systemctl disable --now apt-daily-upgrade.timer') and update the image instead.",
    );
  }
  return lines;
}

function persistLine(s: SystemState, inv: Invocation): string {
  if (inv.manager === 'dnf') {
    const db = s.rpmDatabase;
    return db && db.onUsr
      ? `  /etc and /var persist; rpm's database (${db.realPath}) is under /usr and is discarded with it.`
      : '  /etc and /var persist, and packages commonly change them.';
  }
  const db = s.dpkgDatabase;
  if (!db) return '  /etc and /var persist.';
  if (s.dpkgProtection === 'relocated') return `  /etc and /var persist; dpkg's database (${db.realPath}) is in the image and goes with it.`;
  if (s.dpkgProtection === 'snapshot' && s.state === 'image-overlay') {
    return `  /etc and /var persist; dpkg's database (${db.realPath}) is saved now and put back at the next boot.`;
  }
  return `  /etc and /var persist, and so does dpkg's database in ${db.realPath}: afterwards dpkg will list packages whose files are gone.`;
}

export function overlayWarningLines(s: SystemState, inv: Invocation): string[] {
  const what = inv.packages.length > 0 ? ` (${inv.packages.join(', ')})` : '';
  const when = s.state === 'image-hotfix' ? 'at the next deployment (bootc upgrade, ostree admin deploy)' : 'at reboot';
  const kind = s.state === 'image-hotfix' ? 'a hotfix overlay' : 'a transient overlay';
  return [
    `usr-guard: warning: /usr is ${kind}: changes there${what} are discarded ${when}.`,
    persistLine(s, inv),
    "  To keep a package, add it to the image's Containerfile.",
  ];
}

export function unknownWarningLines(s: SystemState): string[] {
  return [`usr-guard: warning: cannot tell whether /usr can be changed (${s.why}); going on.`];
}
