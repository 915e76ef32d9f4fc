#!/bin/sh
# The base of the real-ostree sandbox (test/helpers/ostree-host.ts): an ostree
# sysroot whose repository holds one commit, debian/base, of a small Debian
# root made from this machine's own installed packages: the essential and
# required ones, apt, nodejs and ostree, and everything they depend on (so apt
# sees no broken dependency), without documentation, headers or npm.
#
#   ostree-base.sh key          the cache key: this script and the packages' versions
#   ostree-base.sh build DIR    make DIR/sysroot (DIR must not exist)
#
# Run as root. It makes no mount and runs no `ostree admin deploy` (whose
# freeze of /boot would freeze the file system DIR is on): the deployment is
# made per test run, on a tmpfs /boot. See docs/testing-ostree.md.
set -eu

# The packages to take, one per line: the roots and their dependency closure,
# each alternative resolved to the first one installed (or provided).
closure() {
	dpkg-query -W -f '${Package}\t${db:Status-Abbrev}\t${Essential}\t${Priority}\t${Provides}\t${Pre-Depends}, ${Depends}\n' |
		awk -F '\t' -v roots="apt nodejs ostree" '
		function name(s) { sub(/^[ \t]+/, "", s); sub(/[ \t(:].*$/, "", s); return s }
		$2 !~ /^.i/ { next }
		{
			dep[$1] = $6
			if ($3 == "yes" || $4 == "required") todo[++n] = $1
			np = split($5, pv, ",")
			for (i = 1; i <= np; i++) { p = name(pv[i]); if (p != "" && !(p in prov)) prov[p] = $1 }
		}
		END {
			nr = split(roots, r, " ")
			for (i = 1; i <= nr; i++) todo[++n] = r[i]
			while (n > 0) {
				p = todo[n--]
				if (p in seen) continue
				if (!(p in dep)) { print "not installed: " p > "/dev/stderr"; exit 1 }
				seen[p] = 1
				ng = split(dep[p], groups, ",")
				for (g = 1; g <= ng; g++) {
					na = split(groups[g], alts, "|")
					for (a = 1; a <= na; a++) {
						q = name(alts[a])
						if (q in dep) break
						if (q in prov) { q = prov[q]; break }
						q = ""
					}
					if (q != "") todo[++n] = q
				}
			}
			for (p in seen) print p
		}' | sort
}

key() {
	{
		cat "$0"
		# shellcheck disable=SC2046 # one package per word
		dpkg-query -W -f '${Package} ${Version}\n' $(closure)
	} | sha256sum | cut -d' ' -f1
}

# Keep the lines of a file whose package (awk field $2, less ":arch" and "/noawait") is in pkgs.
keep_packages() {
	awk -v list="$1" -v field="$2" 'BEGIN { while ((getline l < list) > 0) want[l] = 1 }
		{ p = $field; sub(/\/noawait$/, "", p); sub(/:.*$/, "", p); if (p in want) print }' "$3"
}

build() {
	out=$1
	mkdir "$out"
	pkgs=$out/packages
	closure >"$pkgs"
	t=$out/tree
	mkdir -p "$t/usr/bin" "$t/usr/lib" "$t/usr/lib64" "$t/usr/sbin"
	for l in bin lib lib64 sbin; do ln -s "usr/$l" "$t/$l"; done

	# The packages' files, through the merged-/usr links.
	# shellcheck disable=SC2046 # one package per word
	dpkg-query -L $(cat "$pkgs") | grep '^/' |
		grep -Ev '^/usr/share/(doc|man|info|locale)/|^/usr/include/|^/usr/lib/node_modules/' |
		sed 's|^/||' | sort -u |
		tar -C / --no-recursion --ignore-failed-read -cf - -T - 2>/dev/null |
		tar -C "$t" --keep-directory-symlink -xpf -

	# This machine's /etc, less usr-guard's own files and the password hashes.
	tar -C / -cf - --exclude=etc/usr-guard --exclude='etc/apt/apt.conf.d/50usr-guard*' \
		--exclude=etc/dpkg/dpkg.cfg.d/usr-guard --exclude=etc/profile.d/usr-guard.sh \
		--exclude='etc/shadow*' --exclude='etc/gshadow*' --exclude='etc/ssh/ssh_host_*' etc | tar -C "$t" -xpf -
	sed -E 's/^([^:]*):[^:]*:/\1:*:/' /etc/shadow >"$t/etc/shadow"
	sed -E 's/^([^:]*):[^:]*:/\1:!:/' /etc/gshadow >"$t/etc/gshadow"
	chown root:shadow "$t/etc/shadow" "$t/etc/gshadow"
	chmod 640 "$t/etc/shadow" "$t/etc/gshadow"
	ldconfig -r "$t"

	# dpkg's database of exactly these packages.
	db=$t/var/lib/dpkg
	mkdir -p "$db/info" "$db/updates" "$db/triggers" "$db/alternatives" "$t/var/lib/apt/lists/partial" \
		"$t/var/cache/apt/archives/partial" "$t/var/log/apt" "$t/var/tmp"
	chmod 1777 "$t/var/tmp"
	awk -v list="$pkgs" 'BEGIN { while ((getline l < list) > 0) want[l] = 1; RS = ""; ORS = "\n\n" }
		{ n = $0; sub(/\n.*/, "", n); sub(/^Package: /, "", n); if (n in want) print }' /var/lib/dpkg/status >"$db/status"
	while read -r p; do
		for f in /var/lib/dpkg/info/"$p".* /var/lib/dpkg/info/"$p":*.*; do
			if [ -e "$f" ]; then cp -a "$f" "$db/info/"; fi
		done
	done <"$pkgs"
	cp -a /var/lib/dpkg/info/format "$db/info/"
	cp -a /var/lib/dpkg/statoverride "$db/"
	cp -a /var/lib/dpkg/alternatives/. "$db/alternatives/"
	: >"$db/available"
	# diversions: three lines each (from, to, package; ":" for a local one).
	paste -d '\t' - - - </var/lib/dpkg/diversions | awk -F '\t' -v list="$pkgs" \
		'BEGIN { while ((getline l < list) > 0) want[l] = 1; want[":"] = 1 } $3 in want { print $1; print $2; print $3 }' >"$db/diversions"
	keep_packages "$pkgs" 2 /var/lib/dpkg/triggers/File >"$db/triggers/File"
	for f in /var/lib/dpkg/triggers/*; do
		case ${f##*/} in File | Lock | Unincorp) continue ;; esac
		keep_packages "$pkgs" 1 "$f" >"$db/triggers/${f##*/}"
		if [ ! -s "$db/triggers/${f##*/}" ]; then rm "$db/triggers/${f##*/}"; fi
	done
	: >"$db/triggers/Unincorp"

	# The shape of an ostree commit: /etc in /usr/etc, an empty /var (the
	# stateroot's var holds it), a kernel and initramfs for deploy, /sysroot and /ostree.
	mkdir -p "$t/usr/lib/modules/6.1.0-ug"
	echo kernel >"$t/usr/lib/modules/6.1.0-ug/vmlinuz"
	echo initramfs >"$t/usr/lib/modules/6.1.0-ug/initramfs.img"
	mv "$t/etc" "$t/usr/etc"
	mv "$t/var" "$out/var"
	for d in boot dev home mnt opt proc root run srv sys sysroot tmp var; do
		rm -rf "${t:?}/$d"
		mkdir "$t/$d"
	done
	chmod 1777 "$t/tmp"
	chmod 700 "$t/root"
	ln -s sysroot/ostree "$t/ostree"

	s=$out/sysroot
	mkdir "$s"
	ostree admin init-fs "$s" >/dev/null
	ostree admin os-init --sysroot="$s" debian >/dev/null
	# No fsync of every object: the cache is made again when it is not whole.
	ostree --repo="$s/ostree/repo" config set core.fsync false
	ostree --repo="$s/ostree/repo" commit -b debian/base --no-xattrs --tree=dir="$t" -s "Debian with apt, nodejs and ostree" >/dev/null
	cp -a "$out/var/." "$s/ostree/deploy/debian/var/"
	rm -rf "$t" "${out:?}/var"
	key >"$out/key"
}

case ${1-} in
key) key ;;
build) build "$2" ;;
*)
	echo "usage: $0 key | build DIR" >&2
	exit 2
	;;
esac
