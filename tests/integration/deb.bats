#!/usr/bin/env bats
# make deb: the Debian package builds with debhelper and passes lintian
# (errors and warnings fail `make deb`); installed with dpkg into a
# throw-away root (dpkg --root, the machine's own dpkg database untouched)
# it holds the programs, man pages, unit, default file and completion, its
# jail runs a jail, and dpkg --purge leaves the root as it was.

load ../lib/common

TOP=$BATS_TEST_DIRNAME/../..

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() {
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null && command -v lintian >/dev/null ||
		skip "dpkg-dev, debhelper and lintian are needed (scripts/deps.sh)"
	D=$BATS_TEST_TMPDIR
}
# Only this test's jail: others may come and go on the machine meanwhile.
teardown() {
	local cg
	cg=$(jail_cgroups | grep -E '/jail\.debjail(\.[0-9a-f]+)?$' || true)
	[ -z "$cg" ] || { echo "leftover cgroups: $cg"; return 1; }
	[ -z "$(ls "$JAIL_STATEDIR" 2>/dev/null | grep -v -e '^cache$' -e '^public$' || true)" ]
	[ -z "$(ls "$JAIL_STATEDIR/public" 2>/dev/null)" ]
}

@test "make deb builds a lintian-clean package; dpkg installs it in a throw-away root, its jail runs, purge removes it all" {
	run make -s -C "$TOP" BUILD="$BUILD" DEB_DIR="$D/deb" deb
	echo "$output"
	[ "$status" -eq 0 ]
	local deb
	deb=$(ls "$D"/deb/jail_*.deb)
	[ -f "$deb" ]

	# A root dpkg can install into: a shell for the maintainer scripts, an
	# empty database, and a deb-systemd-helper that notes what it is asked.
	local R=$D/target
	sh "$BATS_TEST_DIRNAME/../lib/mkroot.sh" "$R"
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers" "$R/usr/bin"
	: >"$R/var/lib/dpkg/status"
	printf '#!/bin/sh\necho "$*" >>/var/log/deb-systemd-helper\nexit 0\n' >"$R/usr/bin/deb-systemd-helper"
	chmod 755 "$R/usr/bin/deb-systemd-helper"
	mkdir -p "$R/var/log"
	mknod -m 666 "$R/dev/null" c 1 3
	(cd "$R" && find . ! -path './var/lib/dpkg/*' ! -path ./var/log/deb-systemd-helper | LC_ALL=C sort) >"$D/before"
	(cd "$R" && find . ! -type d ! -path './var/lib/dpkg/*' | LC_ALL=C sort) >"$D/before.files"

	# The libraries are the host's: the root only holds the package's files.
	run dpkg --root="$R" --force-depends -i "$deb"
	[ "$status" -eq 0 ]
	local f
	for f in usr/sbin/jail usr/sbin/jls usr/sbin/jexec usr/sbin/mkjail usr/sbin/jail-rc \
		lib/systemd/system/jail.service etc/default/jail usr/share/man/man8/jail.8.gz \
		usr/share/man/man8/jail-rc.8.gz usr/share/man/man5/jail.conf.5.gz \
		usr/share/bash-completion/completions/jail usr/share/bash-completion/completions/jls; do
		[ -e "$R/$f" ] || { echo "missing $f"; false; }
	done
	grep -qx 'ExecStart=/usr/sbin/jail-rc start' "$R/lib/systemd/system/jail.service"
	grep -qx '/etc/default/jail' "$R/var/lib/dpkg/info/jail.conffiles"
	# enabled at boot, never started by the install
	grep -q "enable jail.service" "$R/var/log/deb-systemd-helper"
	refute grep -q "start" "$R/var/log/deb-systemd-helper"

	run "$R/usr/sbin/jail" -c name=debjail path="$ROOT" command=/bin/sh -c 'echo "in $(hostname)"; true'
	[ "$status" -eq 0 ]
	[ "$output" = "in $(hostname)" ]
	run "$R/usr/sbin/jls" -j debjail
	[ "$status" -eq 1 ]

	run dpkg --root="$R" --purge jail
	[ "$status" -eq 0 ]
	(cd "$R" && find . ! -path './var/lib/dpkg/*' ! -path ./var/log/deb-systemd-helper | LC_ALL=C sort) >"$D/after"
	# nothing new is left; what went is only directories dpkg took for the package's
	# (no package of this root owns /usr/sbin)
	[ -z "$(comm -13 "$D/before" "$D/after")" ]
	local gone
	while read -r gone; do
		if { [ -d "$R/$gone" ] || [ ! -e "$R/$gone" ]; } && ! grep -qx "$gone" "$D/before.files"; then
			continue
		fi
		echo "purge removed $gone"
		false
	done < <(comm -23 "$D/before" "$D/after")
	[ -z "$(ls "$R/var/lib/dpkg/info" | grep '^jail\.' || true)" ]
	refute grep -q '^Package: jail$' "$R/var/lib/dpkg/status"
	grep -q "purge jail.service" "$R/var/log/deb-systemd-helper"
}
