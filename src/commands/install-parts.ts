// What `usr-guard install` puts into a root, part by part (--without names
// parts), as the root has it: the dnf parts only where dnf is, the plugin
// where python3's dnf package is, the hook shim with the root's own node.

import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import dnfShim from '../../hooks/dnf-shim?raw';
import dnfActions from '../../dnf-plugin/usr-guard.actions?raw';
import dnfPluginConf from '../../dnf-plugin/usr_guard.conf?raw';
import dnfPlugin from '../../dnf-plugin/usr_guard.py?raw';
import aptConf from '../../apt-conf.d/50usr-guard?raw';
import hookShim from '../../hooks/usr-guard-hook?raw';
import dpkgCfg from '../../hooks/dpkg.cfg?raw';
import dpkgDbCfg from '../../hooks/dpkg-db.cfg?raw';
import exampleConf from '../../config/usr-guard.conf?raw';
import manApt from '../../man/apt-image-based.7?raw';
import manDnf from '../../man/dnf-image-based.7?raw';
import manGuard from '../../man/usr-guard.8?raw';
import manPacman from '../../man/pacman-image-based.7?raw';
import pacmanHook from '../../hooks/pacman.hook?raw';
import restoreUnit from '../../systemd/usr-guard-restore-dpkg-db.service?raw';
import locksUnit from '../../systemd/usr-guard-dpkg-locks.service?raw';
import restorePacmanUnit from '../../systemd/usr-guard-restore-pacman-db.service?raw';
import exportUnit from '../../systemd/usr-guard-export.service?raw';
import keepRebaseUnit from '../../systemd/usr-guard-keep-rebase.service?raw';
import keepRebaseTimer from '../../systemd/usr-guard-keep-rebase.timer?raw';
import loginReminder from '../../hooks/profile.sh?raw';
import { loginReminderScript } from '../messages/overlay.js';
import { pythonSitesWith } from '../probe/python.js';
import { notRootsAbove } from '../trust.js';
import { resolveInRoot } from '../fs/resolve-in-root.js';

export interface InstallFile {
  path: string;
  mode: number;
  content: () => Buffer;
  /** A symbolic link to this target instead of a file (systemd's .wants). */
  link?: string;
}

/** Does `path` (as seen inside root) exist there? Links are followed inside the root. */
export const inRootExists = (root: string, path: string) => existsSync(resolveInRoot(root, path));

/**
 * Where dnf 4 looks for plugins in a root: `dnf-plugins` beside the python3 `dnf`
 * package (Debian: dist-packages, Fedora: site-packages), as root-relative
 * paths. The folder itself may not exist until a first plugin is installed.
 */
export function dnfPluginDirs(root: string): string[] {
  return pythonSitesWith(root, 'dnf').map((site) => `${site}/dnf-plugins`);
}

/**
 * The names the dnf shim takes where that program is in /usr/bin. microdnf
 * (UBI-minimal, RHEL 8 to 10: microdnf 3 on libdnf) has no plugin API, so the
 * shim is its only guard; on Fedora it is dnf5 by another name.
 */
export const DNF_NAMES = ['dnf', 'dnf5', 'yum', 'microdnf'];
/** The dnfs that read the dnf 4 plugin's configuration and the dnf5 action. */
const PLUGIN_DNFS = ['dnf', 'dnf5', 'yum'];
/** The shim goes to /usr/sbin, ahead of /usr/bin, unless sbin is merged into bin there (it would replace dnf). */
function sbinIsSeparate(root: string): boolean {
  return resolveInRoot(root, '/usr/sbin') !== resolveInRoot(root, '/usr/bin');
}

/**
 * The node the hooks run, as an absolute path: the root's own system node, or
 * (installing into this machine) the node running now when only root could
 * have put it there. null when the root has none: the hooks then take their
 * shell check until one is installed at /usr/bin/node.
 */
export function nodeFor(root: string): string | null {
  for (const p of ['/usr/bin/node', '/usr/bin/nodejs', '/usr/local/bin/node']) {
    const real = resolveInRoot(root, p);
    const st = statSync(real, { throwIfNoEntry: false });
    if (st?.isFile() && (st.mode & 0o111) !== 0) return p;
  }
  if (realpathSync(root) !== '/') return null;
  const exec = realpathSync(process.execPath);
  return notRootsAbove(exec) === null && !/['\s]/.test(exec) ? exec : null;
}

/** The hook shim, running `node` (its default is /usr/bin/node). */
export function hookShimWith(node: string | null): string {
  return node === null || node === '/usr/bin/node'
    ? hookShim
    : hookShim.replace(/^usr_guard_node=.*$/m, `usr_guard_node='${node}'`);
}

/** Parts by name, for --without. Each lists the files it owns in this root; the dnf parts only where dnf is. */
export function parts(
  programPath: string,
  root: string,
  node: string | null = '/usr/bin/node',
): Record<string, InstallFile[]> {
  const text = (s: string) => () => Buffer.from(s);
  const hasDnf = DNF_NAMES.filter((n) => inRootExists(root, `/usr/bin/${n}`));
  const pluginDnf = hasDnf.some((n) => PLUGIN_DNFS.includes(n));
  return {
    program: [{ path: '/usr/bin/usr-guard', mode: 0o755, content: () => readFileSync(programPath) }],
    hooks: [{ path: '/usr/libexec/usr-guard/hook', mode: 0o755, content: text(hookShimWith(node)) }],
    apt: [{ path: '/etc/apt/apt.conf.d/50usr-guard', mode: 0o644, content: text(aptConf) }],
    dpkg: [{ path: '/etc/dpkg/dpkg.cfg.d/usr-guard', mode: 0o644, content: text(dpkgCfg) }],
    // In an image build, dpkg's post-invoke moves its database into the image (usr-guard dpkg-db build-hook).
    'dpkg-db': [{ path: '/etc/dpkg/dpkg.cfg.d/usr-guard-dpkg-db', mode: 0o644, content: text(dpkgDbCfg) }],
    config: [{ path: '/etc/usr-guard/usr-guard.conf', mode: 0o644, content: text(exampleConf) }],
    'login-reminder': [
      { path: '/etc/profile.d/usr-guard.sh', mode: 0o644, content: text(loginReminderScript(loginReminder)) },
    ],
    man: [
      { path: '/usr/share/man/man7/apt-image-based.7', mode: 0o644, content: text(manApt) },
      { path: '/usr/share/man/man7/dnf-image-based.7', mode: 0o644, content: text(manDnf) },
      { path: '/usr/share/man/man7/pacman-image-based.7', mode: 0o644, content: text(manPacman) },
      { path: '/usr/share/man/man8/usr-guard.8', mode: 0o644, content: text(manGuard) },
    ],
    'dpkg-snapshot': [
      { path: '/usr/lib/systemd/system/usr-guard-restore-dpkg-db.service', mode: 0o644, content: text(restoreUnit) },
      {
        path: '/usr/lib/systemd/system/sysinit.target.wants/usr-guard-restore-dpkg-db.service',
        mode: 0o777,
        content: text(''),
        link: '../usr-guard-restore-dpkg-db.service',
      },
      // With the database in the image: apt's and dpkg's locks on writable files (src/dpkg-db/lock-binds.ts).
      { path: '/usr/lib/systemd/system/usr-guard-dpkg-locks.service', mode: 0o644, content: text(locksUnit) },
      {
        path: '/usr/lib/systemd/system/sysinit.target.wants/usr-guard-dpkg-locks.service',
        mode: 0o777,
        content: text(''),
        link: '../usr-guard-dpkg-locks.service',
      },
    ],
    // The fleet's files at each boot (status --export): it writes only what [export] in the configuration names.
    export: [
      { path: '/usr/lib/systemd/system/usr-guard-export.service', mode: 0o644, content: text(exportUnit) },
      {
        path: '/usr/lib/systemd/system/multi-user.target.wants/usr-guard-export.service',
        mode: 0o777,
        content: text(''),
        link: '../usr-guard-export.service',
      },
    ],
    'dnf-plugin': [
      ...dnfPluginDirs(root).map((dir) => ({ path: `${dir}/usr_guard.py`, mode: 0o644, content: text(dnfPlugin) })),
      ...(pluginDnf ? [{ path: '/etc/dnf/plugins/usr_guard.conf', mode: 0o644, content: text(dnfPluginConf) }] : []),
    ],
    'dnf5-actions': pluginDnf
      ? [{ path: '/etc/dnf/libdnf5-plugins/actions.d/usr-guard.actions', mode: 0o644, content: text(dnfActions) }]
      : [],
    'dnf-shim': sbinIsSeparate(root)
      ? hasDnf.map((n) => ({ path: `/usr/sbin/${n}`, mode: 0o755, content: text(dnfShim) }))
      : [],
    ...pacmanParts(root, text),
    // usr-guard keep --rebase, daily: installed disabled (no .wants link); the trade is the user's to take.
    'keep-timer': [
      { path: '/usr/lib/systemd/system/usr-guard-keep-rebase.service', mode: 0o644, content: text(keepRebaseUnit) },
      { path: '/usr/lib/systemd/system/usr-guard-keep-rebase.timer', mode: 0o644, content: text(keepRebaseTimer) },
    ],
  };
}

/** libalpm's hook folder (in the root pacman installs into; Debian's pacman does not make it) and the hook in it. */
export const PACMAN_HOOK = '/usr/share/libalpm/hooks/00-usr-guard.hook';
const PACMAN_UNIT = '/usr/lib/systemd/system/usr-guard-restore-pacman-db.service';
/** Every file of the pacman parts, whatever the root has now (for uninstall). */
export const PACMAN_FILES = [
  PACMAN_HOOK,
  PACMAN_UNIT,
  '/usr/lib/systemd/system/sysinit.target.wants/usr-guard-restore-pacman-db.service',
];

/** The pacman parts, only where pacman is in the root. */
function pacmanParts(root: string, text: (s: string) => () => Buffer): Record<string, InstallFile[]> {
  const has = inRootExists(root, '/usr/bin/pacman');
  return {
    pacman: has ? [{ path: PACMAN_HOOK, mode: 0o644, content: text(pacmanHook) }] : [],
    'pacman-snapshot': has
      ? [
          { path: PACMAN_UNIT, mode: 0o644, content: text(restorePacmanUnit) },
          { path: PACMAN_FILES[2]!, mode: 0o777, content: text(''), link: '../usr-guard-restore-pacman-db.service' },
        ]
      : [],
  };
}

/** Is the file at `path` (a real path) usr-guard's dnf shim? On a merged /usr/sbin that name is the real dnf. */
export function isOurShim(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').includes("usr-guard's dnf shim");
  } catch {
    return false;
  }
}
