# usr-guard's dnf 4 plugin: refuse a transaction on a read-only /usr before
# anything is downloaded, warn on a transient overlay. See dnf-image-based(7).
#
# It decides in resolved(): after dnf knows the transaction, before the summary,
# the prompt and the download. Only dnf.exceptions.Error stops dnf (any other
# exception is logged and swallowed), so that is what a refusal raises, with
# usr-guard's reason and next step: the only text that clients using dnf as a
# library (Ansible, PackageKit, Cockpit) show.

import os
import subprocess

import dnf
import dnf.const
import dnf.exceptions
import hawkey
import libdnf

HOOK = '/usr/libexec/usr-guard/hook'
REFUSED = 10
_CMDLINE = getattr(hawkey, 'CMDLINE_REPO_NAME', '@commandline')
_USER = getattr(getattr(libdnf, 'transaction', None), 'TransactionItemReason_USER', None)


class UsrGuard(dnf.Plugin):
    name = 'usr_guard'

    def _command(self, installs, removes):
        """The command the user ran, or what the transaction does (dnf.Base has no command)."""
        command = getattr(self.cli, 'command', None) if self.cli is not None else None
        aliases = getattr(command, 'aliases', None)
        if aliases:
            return aliases[0]
        if installs and removes:
            return 'upgrade'
        return 'install' if installs else 'remove'

    def resolved(self):
        # usr-guard removed but this file left behind: dnf goes on.
        if not os.access(HOOK, os.R_OK):
            return
        transaction = self.base.transaction
        if transaction is None or not len(transaction):
            return  # nothing to do: nothing to guard
        conf = self.base.conf
        opts = getattr(getattr(self.cli, 'command', None), 'opts', None)
        installs = {p.name for p in transaction.install_set}
        removes = {p.name for p in transaction.remove_set}
        # What was asked for (not pulled in); a package file from the command line is named as the file.
        asked = {tsi.pkg.name for tsi in transaction if getattr(tsi, 'reason', None) == _USER and tsi.pkg is not None}
        files = sorted({p.localPkg() for p in transaction.install_set if p.reponame == _CMDLINE})
        # A command line that says what the transaction does, for usr-guard's dnf parser.
        argv = [self._command(installs, removes), '--installroot=' + (conf.installroot or '/')]
        if getattr(conf, 'downloadonly', False) or getattr(opts, 'downloadonly', False):
            argv.append('--downloadonly')
        if conf.assumeno:
            argv.append('--assumeno')
        elif conf.assumeyes:
            argv.append('-y')
        if getattr(conf, 'persistence', '') == 'transient':
            argv.append('--transient')
        names = installs - removes if installs and removes else installs | removes
        from_files = {p.name for p in transaction.install_set if p.reponame == _CMDLINE}
        argv += ['--'] + sorted(((names & asked) or names) - from_files)
        env = dict(os.environ, USR_GUARD_DNF_VERSION=dnf.const.VERSION,
                   USR_GUARD_DNF_FILES='\n'.join(files), USR_GUARD_DNF_CHANGED=' '.join(sorted(installs | removes)))
        # Sourced: a hook that ends without an exit of its own (empty, cut short) is broken, not a pass.
        # Its words go to the terminal (stderr); the refusal in one line comes on stdout.
        proc = subprocess.run(['/bin/sh', '-c', '. "$0"; exit 3', HOOK, 'dnf'] + argv,
                              env=env, stdout=subprocess.PIPE, universal_newlines=True)
        stops = [line[5:] for line in proc.stdout.splitlines() if line.startswith('stop=')]
        # Only a refusal stops dnf; a broken hook does only where /usr is read-only anyway.
        if proc.returncode == REFUSED or (proc.returncode != 0 and not os.access('/usr', os.W_OK)):
            # dnf prints "Error: <this>" after the words above: on dnf's command line, do not say them twice.
            if self.cli is not None and stops:
                raise dnf.exceptions.Error('usr-guard refused the transaction; nothing was changed.')
            raise dnf.exceptions.Error(stops[0] if stops else 'usr-guard refused: /usr is read-only; nothing was changed. See man dnf-image-based.')
