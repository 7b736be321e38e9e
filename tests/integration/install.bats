#!/usr/bin/env bats
# make install / make uninstall into a DESTDIR: uninstall takes back every
# file install put there (programs, jail-rc, the unit, man pages, bash
# completion) and /etc/default/jail only when nobody changed it.

BUILD=${JAIL_BUILD:-$BATS_TEST_DIRNAME/../../build}
TOP=$BATS_TEST_DIRNAME/../..

mk() { make -s -C "$TOP" BUILD="$BUILD" DESTDIR="$D" "$@" >/dev/null; }
files() { (cd "$D" && find . ! -type d | LC_ALL=C sort); }

setup() { D=$BATS_TEST_TMPDIR/dest; }

@test "make uninstall removes everything make install put in DESTDIR" {
	mk PREFIX=/usr install
	run files
	for f in ./usr/sbin/jail ./usr/sbin/jls ./usr/sbin/jexec ./usr/sbin/mkjail ./usr/sbin/jail-rc \
		./lib/systemd/system/jail.service ./etc/default/jail ./usr/share/man/man8/jail.8 \
		./usr/share/man/man8/jls.8 ./usr/share/man/man5/jail.conf.5 \
		./usr/share/bash-completion/completions/jail ./usr/share/bash-completion/completions/jexec; do
		[[ $'\n'"$output"$'\n' == *$'\n'"$f"$'\n'* ]] || { echo "not installed: $f"; false; }
	done
	grep -q '^ExecStart=/usr/sbin/jail-rc start$' "$D/lib/systemd/system/jail.service"
	mk PREFIX=/usr uninstall
	run files
	[ "$output" = "" ]
}

@test "make uninstall keeps a changed /etc/default/jail, with the default PREFIX too" {
	mk install
	[ -x "$D/usr/local/sbin/jail" ]
	echo 'JAIL_ENABLE=YES' >>"$D/etc/default/jail"
	mk uninstall
	run files
	[ "$output" = "./etc/default/jail" ]
	grep -q '^JAIL_ENABLE=YES$' "$D/etc/default/jail"
}
