# shellcheck shell=sh
# usr-guard's login reminder (/etc/profile.d/usr-guard.sh): on an image host
# whose /usr has an overlay that holds changes made this boot, say in one line
# what they are, that they go at reboot, and how to keep them. The hooks that
# saw the changes left the line in /run/usr-guard; a boot starts without it,
# so this says nothing on every other host. Shell only, no node.
if [ -r /run/usr-guard/summary ]; then
	usr_guard_upper='' usr_guard_held=''
	read -r usr_guard_upper </run/usr-guard/upperdir 2>/dev/null
	# An upper layer with nothing in it holds no change (a run that was then called off).
	if [ -d "$usr_guard_upper" ]; then
		for usr_guard_f in "$usr_guard_upper"/* "$usr_guard_upper"/.[!.]*; do
			if [ -e "$usr_guard_f" ] || [ -L "$usr_guard_f" ]; then
				usr_guard_held=1
				break
			fi
		done
	else
		usr_guard_held=1
	fi
	if [ -n "$usr_guard_held" ] && read -r usr_guard_line </run/usr-guard/summary; then
		printf '%s\n' "$usr_guard_line" >&2
	fi
	unset usr_guard_upper usr_guard_held usr_guard_f usr_guard_line
fi
