# shellcheck shell=sh
# usr-guard's login reminder (/etc/profile.d/usr-guard.sh): on an image host
# whose /usr has an overlay that holds changes made this boot, say in one line
# what they are, that they go at reboot, and how to keep them. The hooks that
# saw the changes left the line in /run/usr-guard; a boot starts without it,
# so this says nothing on every other host. Shell only, no node.
#
# Every login shell of every user runs this, also under set -e and set -u
# (a login script's own, `sh -eu -l`), so nothing here can fail or print an
# error: each command that could fail is a condition, and each redirection
# comes after 2>/dev/null (a shell reports a failed redirection where stderr
# points at that moment). It speaks only to a person: only when stderr is a
# terminal (not for `su - u -c cmd`, `bash -l -c script`, cron, scp). And not
# in another root (a chroot with the host's /run bound in): the host's changes
# are not its own; only root can tell (PID 1's root), the others are told.
# shellcheck disable=SC3013 # test -ef: dash, bash, busybox, ksh and zsh have it; a shell without it says nothing
if [ -t 2 ] && [ -r /run/usr-guard/summary ] && { [ ! -e /proc/1/root ] || [ / -ef /proc/1/root ]; } 2>/dev/null; then
	usr_guard_upper='' usr_guard_held='' usr_guard_line='' usr_guard_f=''
	if read -r usr_guard_upper 2>/dev/null </run/usr-guard/upperdir; then :; fi
	# An upper layer with nothing in it holds no change (a run that was then called off).
	if [ -n "$usr_guard_upper" ] && [ -d "$usr_guard_upper" ]; then
		for usr_guard_f in "$usr_guard_upper"/* "$usr_guard_upper"/.[!.]*; do
			if [ -e "$usr_guard_f" ] || [ -L "$usr_guard_f" ]; then
				usr_guard_held=1
				break
			fi
		done
	else
		# Not known (or not readable here): the summary says changes were made.
		usr_guard_held=1
	fi
	if [ -n "$usr_guard_held" ] && read -r usr_guard_line 2>/dev/null </run/usr-guard/summary; then
		printf '%s\n' "$usr_guard_line" >&2 || :
	fi
	unset usr_guard_upper usr_guard_held usr_guard_f usr_guard_line 2>/dev/null || :
fi
