// --help texts, kept next to each other so they read as one manual.
import { VERSION } from './version.js';

const main = `usr-guard ${VERSION}: guard apt, dpkg, dnf and pacman on image-based Linux
(bootc, ostree, composefs)

Usage: usr-guard COMMAND [OPTIONS]

Commands:
  status     say what this host is and what usr-guard does here
  check      decide for a package-manager hook (what the hooks call)
  install    install the program and its hooks (into --root DIR)
  uninstall  remove them again
  overlay    make a transient overlay on /usr (bootc usr-overlay), and check
             it; --drop leaves it without a reboot
  diff       what this boot's overlay changed: packages and files, or the
             Containerfile lines that keep them; --last-boot: what the
             reboot took, and what it left in /etc and /var
  keep       build this boot's overlay into an image and boot it next
             (bootc hosts; see KEEP in usr-guard(8) for the trade)
  restore-dpkg-db
             keep dpkg's database true to the image (run at boot)
  restore-pacman-db
             put pacman's database back after a transient overlay (run at boot)
  dpkg-db    move dpkg's database into the image, or record it (image builds)

Options:
  -h, --help     show help (also after a command)
  -V, --version  show the version

Exit codes: 0 proceed, 10 refused or declined, 2 usage error, 1 could not do it
(a file system error, or an internal error).
Environment: USR_GUARD_CONFIG, USR_GUARD_MODE, USR_GUARD_DEBUG, NO_COLOR.
See usr-guard(8), apt-image-based(7), dnf-image-based(7) and
pacman-image-based(7).
`;

const status = `Usage: usr-guard status [--json | --prometheus] [--deep] [--export]

Say which state this host is in (mutable-host, container, image-locked,
image-overlay, image-overlay-readonly, image-hotfix, readonly-usr, unknown)
and what usr-guard does there.

  --json         print the state as JSON: state, why, usr (mountPoint, fsType,
                 source, readOnly, overlay, upperdir), host, container,
                 transactionalUpdate, dpkgDatabase (path, realPath, onUsr,
                 location, snapshot, migrationPending, stale, record,
                 bootUnitNote),
                 dpkgProtection, rpmDatabase (path, realPath, onUsr),
                 pacmanDatabase (path, realPath, onUsr, snapshotTaken),
                 pacmanProtection, unknowns, mode, and with --deep bootc
                 (ok, status: tracked, image, usrOverlay, usrOverlayKnown;
                 error; disagreements)
  --deep         also ask 'bootc status --format=json' (slow; needs root):
                 show its status.usrOverlay (bootc 1.14 and later) and say
                 where it disagrees with usr-guard's own probe
  --prometheus   print a node_exporter textfile (usr_guard_... gauges)
  --export       write the files the configuration's [export] section names
                 (the textfile, Ansible's local facts); exit 1 if one fails
`;

const check = `Usage: usr-guard check --caller NAME [OPTIONS] [-- ARGS...]

Decide whether a package-manager run may go on. Messages go to stderr.
Exit 0: go on (perhaps after a warning). Exit 10: refused or declined.

  --caller NAME     apt-json (apt's JSON hooks),
                    apt (APT::Install::Pre-Invoke),
                    apt-pkgs (DPkg::Pre-Install-Pkgs v3), dpkg (pre-invoke=),
                    dnf, dnf5, dnf-shim, pacman (the libalpm hook), cli
  --command CMD     the command being run (for messages)
  --root DIR        the target root; anything but / proceeds
  --download-only   nothing will be installed
  --read-only       the command changes nothing
  --assume-yes      nobody is asked
  --assume-no       the run will answer no: nothing will change
  --package NAME    a package of the transaction (repeatable)
`;

const install = `Usage: usr-guard install [--root DIR] [--without PARTS] [--dry-run]
                         [--dpkg-db=var|image]

Install the program (DIR/usr/bin/usr-guard) and its hooks. Idempotent: a
second run changes nothing. Every file is written whole or not at all, and
only inside DIR (links are followed as a chroot would). Prints one line per
file.

  --root DIR        install into DIR instead of / (an image being built;
                    it must exist)
  --without PARTS   comma-separated parts to leave out: program, hooks,
                    apt, dpkg, dpkg-db, config, login-reminder, man,
                    dnf-plugin, dnf5-actions, dnf-shim (the dnf parts only
                    where dnf is), dpkg-snapshot (the boot unit that restores
                    dpkg's database), export (the boot unit that writes
                    the files [export] names), pacman (the libalpm hook),
                    pacman-snapshot (the boot unit that restores pacman's
                    database; both only where pacman is), keep-timer
                    (usr-guard keep --rebase daily; installed disabled)
  --dry-run         list what would be written, write nothing
  --dpkg-db=image   move dpkg's database into the image
                    (/usr/lib/sysimage/dpkg), link /var/lib/dpkg to it, with
                    apt's marks, a tmpfiles.d entry and the boot unit that
                    link older /var's. The default where DIR is the build of
                    an image for a bootc or ostree host (bootc or ostree's
                    boot files in it; for / only inside a container)
  --dpkg-db=var     keep it in /var, and record in the image what it says
                    (usr-guard status then tells when it describes another
                    image)
  --relocate-dpkg-db
                    the same as --dpkg-db=image
`;

const dpkgDb = `Usage: usr-guard dpkg-db move|record [--root DIR] [--dry-run]

For image builds (see usr-guard(8), DPKG'S DATABASE):
  move     move dpkg's database into the image now, as install --dpkg-db=image
           (after 'apt-get install ./usr-guard_*.deb' in a Containerfile:
           dpkg's hook does it after the next dpkg run of the build)
  record   keep it in /var and record what it says, as install --dpkg-db=var;
           later dpkg runs of the build keep the record up to date

  --root DIR   the image's root instead of / (it must exist)
  --dry-run    say what would be done, do nothing

(build-hook is what dpkg's post-invoke runs in an image build; locks is what
usr-guard-dpkg-locks.service runs early in a boot: it binds writable files in
/run/usr-guard/locks over the image's lock files, so that apt's locks hold.)
`;

const restore = `Usage: usr-guard restore-dpkg-db

What usr-guard-restore-dpkg-db.service runs early in every boot of an
image-based host, before systemd-tmpfiles and before anything can change
dpkg's database. An image that carries its own database gets it (the one in
/var, from an earlier image, is kept aside in
/var/lib/usr-guard/dpkg-of-earlier-image-*). When packages changed since the
snapshot taken at the start of an earlier boot and /usr has no overlay now,
that snapshot (dpkg's database and apt's marks) is put back (a new folder,
synced, then a rename), keeping the holds, selections and marks of packages
that did not change; only when its manifest says it is whole and taken at a
boot's start, never while dpkg holds its lock, and only when root owns it all
the way down. Then this boot's snapshot is taken (hard links, in
/var/lib/usr-guard/dpkg-snapshot). A database in /var that describes another
image is said. Exit 0 when done or nothing to do, 1 when something stopped
it (said, and in the journal; dpkg's database is then as it was).
`;

const uninstall = `Usage: usr-guard uninstall [--root DIR] [--dry-run]

Remove every file that usr-guard install wrote (and a renamed
50usr-guard.disabled), and usr-guard's own folders when empty.

  --root DIR   remove from DIR instead of / (it must exist)
  --dry-run    list what would be removed, remove nothing
`;

const overlay = `Usage: usr-guard overlay [--read-only | --drop]

Make /usr writable until the next reboot with the host's own tool (the
configured bootc: 'bootc usr-overlay'; without bootc: 'ostree admin unlock'),
then check that it is. An overlay that is there already is remounted as
asked: read-write, or with --read-only read-only. Exit 0 only when /usr is
then as asked (or already was), 10 when not: the overlay could not be made or
remounted (a file in /usr open for writing keeps it writable).

  --read-only   a read-only overlay ('bootc usr-overlay --read-only'); a
                writable one is remounted read-only
  --drop        leave this boot's transient overlay without a reboot: list
                the processes that still hold its files, put dpkg's and
                pacman's databases back from this boot's snapshot, then
                'umount -l /usr'. Refused (10) on a hotfix unlock and where
                there is no overlay; 1 when a database cannot be put back
                (then /usr stays as it is)
`;

const diff = `Usage: usr-guard diff [--last-boot] [--json | --containerfile]

What this boot's overlay on /usr changed against the image: the packages
added, removed and upgraded (apt from dpkg's database, dnf from rpm's,
against what they held before this boot's first change, which usr-guard
kept then), and the files in the overlay's upper layer that no package
of those accounts for (added, changed, deleted). Reads only; root is not
needed where the databases and the upper layer can be read. Exit 0.

  --json            the same as data: overlay, packages (manager, name,
                    change, version, fromVersion) and files (path, change)
  --containerfile   the lines that make the changes last: RUN apt-get
                    install/purge, RUN dnf install/remove, and a commented
                    COPY or rm for the files changed by hand
  --last-boot       what the last boot's overlay held (the record kept in
                    /var/lib/usr-guard as it changed), and what its packages
                    left in /etc and /var: conffiles (rm PATH), enablement
                    links to units that are gone (systemctl disable UNIT),
                    state folders and system users (for a person to judge).
                    Removes nothing. Exit 1 when the record is damaged
`;

const restorePacman = `Usage: usr-guard restore-pacman-db

What usr-guard-restore-pacman-db.service runs early in a boot: when a
snapshot of pacman's database (DBPath/local) was taken before a transient
overlay changed it in an earlier boot, and /usr has no overlay now, put it
back (a new folder, synced, then a rename), so that pacman again agrees with
/usr. Never while pacman holds its lock (DBPath/db.lck), and only a snapshot
that root owns all the way down and that matches its manifest. Exit 0 when
restored or nothing to do, 1 when it could not (pacman's database is then as
it was).
`;

const keep = `Usage: usr-guard keep [--dry-run] [--context DIR | --undo | --rebase]

Make what this boot's overlay on /usr holds last: a recipe (a Containerfile
FROM the booted image, with the RUN lines of what was installed or removed,
the local package files, the files changed by hand copied from the overlay,
the files deleted by hand removed) in /var/lib/usr-guard/keep/ and
/etc/usr-guard/keep/, built with podman (or buildah) as
localhost/usr-guard-keep:N, and staged for the next boot with bootc switch.

The trade: after keep, bootc upgrade follows localhost/usr-guard-keep:N, not
the vendor's image. keep --rebase builds the kept recipe on the vendor's
newest image and switches to it; keep --undo goes back to the vendor's.

  --dry-run      print the recipe (stdout) and the commands (stderr); run nothing
  --context DIR  write the recipe into DIR only; build nothing
  --undo         bootc switch back to the image followed before the first keep
  --rebase       build /etc/usr-guard/keep/ on the vendor's newest image, switch

Exit 0 when staged (or printed); 2 when there is nothing to keep, or on a
mutable host or in a container (one line says why); 1 when a step failed
(the line says which, and why; the builder's log: /var/lib/usr-guard/keep.log).
`;

export const HELP = {
  main,
  status,
  check,
  install,
  uninstall,
  overlay,
  'restore-dpkg-db': restore,
  'restore-pacman-db': restorePacman,
  'dpkg-db': dpkgDb,
  diff,
  keep,
};
