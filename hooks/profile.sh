# shellcheck shell=sh
# usr-guard's login reminder (/etc/profile.d/usr-guard.sh): on an image host
# whose /usr has an overlay that holds changes made this boot, say in one line
# that it does, when they go, and how to see and keep them. The hooks that saw
# a package change left the line in /run/usr-guard; a change made by hand (a
# file added to /usr/local, an edited file) runs no hook, so without that line
# this finds the overlay itself: /usr's mount in mountinfo, on an ostree or
# composefs host, and its upper layer. A boot starts without either, so this
# says nothing on every other host. Shell only, no node.
#
# Every login shell of every user runs this, also under set -e and set -u
# (a login script's own, `sh -eu -l`), so nothing here can fail or print an
# error: each command that could fail is a condition, and each redirection
# comes after 2>/dev/null (a shell reports a failed redirection where stderr
# points at that moment). It speaks only to a person: only when stderr is a
# terminal (not for `su - u -c cmd`, `bash -l -c script`, cron, scp). And not
# in another root (a chroot with the host's /run bound in): the host's changes
# are not its own; only root can tell (PID 1's root), the others are told.
#
# The words of the line it says itself are src/messages' summaryLine, which
# node says in the summary too: `usr-guard install` (and so the .deb and the
# .rpm, which it stages) writes them in for its two marks below.
# shellcheck disable=SC3013 # test -ef: dash, bash, busybox, ksh and zsh have it; a shell without it says nothing
if [ -t 2 ] && { [ ! -e /proc/1/root ] || [ / -ef /proc/1/root ]; } 2>/dev/null; then
	usr_guard_upper='' usr_guard_held='' usr_guard_line='' usr_guard_f='' usr_guard_mp='' usr_guard_rest=''
	usr_guard_hotfix='' usr_guard_cfs=''
	if read -r usr_guard_rest 2>/dev/null </proc/cmdline; then
		case " $usr_guard_rest " in *' composefs='*) usr_guard_cfs=1 ;; esac
	fi
	if [ -r /run/usr-guard/summary ]; then
		if read -r usr_guard_upper 2>/dev/null </run/usr-guard/upperdir; then :; fi
		# Not known (or not readable here): the summary says changes were made.
		[ -n "$usr_guard_upper" ] && [ -d "$usr_guard_upper" ] || usr_guard_held=1
		if read -r usr_guard_line 2>/dev/null </run/usr-guard/summary; then :; fi
	elif [ -e /run/ostree-booted ] || [ -n "$usr_guard_cfs" ]; then
		# The last mount on /usr is the one in use; its upper layer, if it has one (an escaped name is not followed).
		if while read -r usr_guard_f usr_guard_f usr_guard_f usr_guard_f usr_guard_mp usr_guard_f usr_guard_rest; do
			[ "$usr_guard_mp" = /usr ] || continue
			usr_guard_upper=''
			case "$usr_guard_rest" in *,upperdir=*)
				usr_guard_upper=${usr_guard_rest#*,upperdir=}
				usr_guard_upper=${usr_guard_upper%%,*}
				;;
			esac
		done 2>/dev/null </proc/self/mountinfo; then :; fi
		# ostree marks a development or transient unlock; an overlay without a mark there is a hotfix (as probe/classify.ts).
		[ -n "$usr_guard_cfs" ] || usr_guard_hotfix=1
		for usr_guard_f in /run/ostree/deployment-state/*/unlocked-development /run/ostree/deployment-state/*/unlocked-transient; do
			if [ -e "$usr_guard_f" ]; then usr_guard_hotfix=''; fi
		done
		usr_guard_line=@summary_transient@
		[ -z "$usr_guard_hotfix" ] || usr_guard_line=@summary_hotfix@
	fi
	# An upper layer with nothing in it holds no change (an overlay just made, or a run that was then called off).
	if [ -z "$usr_guard_held" ] && [ -n "$usr_guard_upper" ] && [ -d "$usr_guard_upper" ]; then
		for usr_guard_f in "$usr_guard_upper"/* "$usr_guard_upper"/.[!.]*; do
			if [ -e "$usr_guard_f" ] || [ -L "$usr_guard_f" ]; then
				usr_guard_held=1
				break
			fi
		done
	fi
	if [ -n "$usr_guard_held" ] && [ -n "$usr_guard_line" ]; then
		printf '%s\n' "$usr_guard_line" >&2 || :
	fi
	unset usr_guard_upper usr_guard_held usr_guard_f usr_guard_line usr_guard_mp usr_guard_rest usr_guard_hotfix usr_guard_cfs 2>/dev/null || :
fi
