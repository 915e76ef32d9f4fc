# usr-guard's dnf 4 plugin: refuse a transaction on a read-only /usr before
# anything is downloaded, warn on a transient overlay. See dnf-image-based(7).
#
# It decides in resolved(): after dnf knows the transaction, before the summary,
# the prompt and the download. Only dnf.exceptions.Error stops dnf (any other
# exception is logged and swallowed), so that is what a refusal raises.

import os
import subprocess

import dnf
import dnf.exceptions

HOOK = '/usr/libexec/usr-guard/hook'
REFUSED = 10


class UsrGuard(dnf.Plugin):
    name = 'usr_guard'

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
        # A command line that says what the transaction does, for usr-guard's dnf parser.
        argv = ['install' if installs else 'remove', '--installroot=' + (conf.installroot or '/')]
        if getattr(conf, 'downloadonly', False) or getattr(opts, 'downloadonly', False):
            argv.append('--downloadonly')
        if conf.assumeno:
            argv.append('--assumeno')
        elif conf.assumeyes:
            argv.append('-y')
        if getattr(conf, 'persistence', '') == 'transient':
            argv.append('--transient')
        argv += ['--'] + sorted(installs | removes)
        # Sourced: a hook that ends without an exit of its own (empty, cut short) is broken, not a pass.
        rc = subprocess.call(['/bin/sh', '-c', 'unset usr_guard_caller; . "$0"; exit 3', HOOK, 'dnf'] + argv)
        # Only a refusal stops dnf; a broken hook does only where /usr is read-only anyway.
        if rc == REFUSED or (rc != 0 and not os.access('/usr', os.W_OK)):
            raise dnf.exceptions.Error('usr-guard: nothing was changed (see above).')
