#!/usr/bin/env bats
# Bash completion (etc/bash_completion.d/jail.in, built with param.h's
# table into build/completion/jail): each case completes a command line as
# bash splits it and checks COMPREPLY. Jail names come from a private
# registry of fake entries (no jail is started), jail.conf names from a
# file of the test's own.

BUILD=${JAIL_BUILD:-$BATS_TEST_DIRNAME/../../build}
COMPLETE=$BATS_TEST_DIRNAME/../lib/complete.bash

setup() {
	export JAIL_STATEDIR="$BATS_TEST_TMPDIR/state"
	mkdir -p "$JAIL_STATEDIR" "$BATS_TEST_TMPDIR/root/bin" "$BATS_TEST_TMPDIR/root/usr/sbin"
	R=$BATS_TEST_TMPDIR/root
	# the jail's own programs, and one whose name would drive a terminal
	for f in bin/sh bin/hello usr/sbin/httpd "bin/he$(printf '\033]0;x\007')"; do
		: >"$R/$f"
		chmod 755 "$R/$f"
	done
	# "www" runs (its init is a host process of ours), "old" is dying
	sleep 60 </dev/null >/dev/null 2>&1 3>&- &
	INIT=$!
	printf '{"jid":3,"name":"www","init_pid":%d,"init_start":%s,"creator_pid":0,"creator_start":0,"params":{"path":["%s"]}}\n' \
		"$INIT" "$(awk '{print $22}' /proc/$INIT/stat)" "$R" >"$JAIL_STATEDIR/3.json"
	ln -s 3 "$JAIL_STATEDIR/n.www"
	printf '{"jid":4,"name":"old","init_pid":999999,"init_start":1,"creator_pid":0,"creator_start":0,"params":{}}\n' \
		>"$JAIL_STATEDIR/4.json"
	ln -s 4 "$JAIL_STATEDIR/n.old"
	CONF=$BATS_TEST_TMPDIR/jail.conf
	printf 'path = "/srv/$name";\nwebby { persist; }\ndb { depend = webby; persist; }\n' >"$CONF"
}

teardown() {
	kill "$INIT" 2>/dev/null || true
	wait "$INIT" 2>/dev/null || true
}

# comp 'LINE': the completions, blank-separated, sorted.
comp() {
	bash "$COMPLETE" "$BUILD/completion/jail" "$1" | tr '\n' ' ' | sed 's/ $//'
}

# expect 'LINE' 'COMPLETIONS': says what came instead when it differs.
expect() {
	local got
	got=$(comp "$1")
	[ "$got" = "$2" ] || { echo "$1: got [$got], want [$2]"; return 1; }
}

@test "jail -c/-m: parameter names from param.h, FreeBSD's no-forms, values by type" {
	cd "$BATS_TEST_TMPDIR"
	expect "$BUILD/jail -c per" "persist"
	expect "$BUILD/jail -c nop" "nopersist"
	expect "$BUILD/jail -c allow.nora" "allow.noraw_sockets"
	expect "$BUILD/jail -c host.hostna" "host.hostname="
	expect "$BUILD/jail -cm exec.pre" "exec.prepare= exec.prestart= exec.prestop="
	expect "$BUILD/jail -c ip4=" "disable inherit new"
	expect "$BUILD/jail -c sysvshm=in" "inherit"
	expect "$BUILD/jail -c host=" "inherit new"
	expect "$BUILD/jail -c persist=" "false true"
	# read-only, unimplemented and never-on-Linux parameters are not offered
	expect "$BUILD/jail -c dyi" ""
	expect "$BUILD/jail -c allow.mount.zf" ""
	expect "$BUILD/jail -c osrel" ""
	# the same without bash-completion's helpers
	[ "$(NO_BASH_COMPLETION=1 comp "$BUILD/jail -c ip4=")" = "disable inherit new" ]
	[ "$(NO_BASH_COMPLETION=1 comp "$BUILD/jail -c per")" = "persist" ]
	# every parameter of the table is known: one of each type
	local p
	for p in jid= name= path= ip4.addr= vnet.interface= mount.fstab= exec.consolelog= cgroup.parent= thin=; do
		[[ " $(comp "$BUILD/jail -c ${p%=}") " == *" $p "* ]] || { echo "missing $p"; false; }
	done
}

@test "jail: jail names for -r and name=, jail.conf names, files after command=" {
	cd "$BATS_TEST_TMPDIR"
	expect "$BUILD/jail -r " "* old www"
	expect "$BUILD/jail -f $CONF -r " "* db old webby www"
	expect "$BUILD/jail -f $CONF -c w" "webby"
	expect "$BUILD/jail -f $CONF -c depend=" "db webby"
	expect "$BUILD/jail -m name=w" "www"
	expect "$BUILD/jail -f ja" "jail.conf"
	# after command= the words are the command's: files, no parameters
	expect "$BUILD/jail -c name=x command=/bin/sh -c ja" "jail.conf"
	expect "$BUILD/jail -c name=x command=/bin/sh per" ""
	expect "$BUILD/jail -" "$(printf '%s\n' -c -m -r -R -d -f -h -i -J -l -n -p -q -s -u -U -v -e --privileges | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
}

@test "jls: parameter names (no jail(8) ones), -j and -p jail names, --libxo styles" {
	expect "$BUILD/jls allow.ra" "allow.raw_sockets"
	expect "$BUILD/jls exec.st" ""
	expect "$BUILD/jls al" "all allow.adjtime allow.chflags allow.dying allow.extattr allow.mlock allow.mount allow.mount.devfs allow.mount.fdescfs allow.mount.fusefs allow.mount.linprocfs allow.mount.linsysfs allow.mount.nullfs allow.mount.procfs allow.mount.tmpfs allow.mount.zfs allow.nfsd allow.quotas allow.raw_sockets allow.read_msgbuf allow.reserved_ports allow.routing allow.set_hostname allow.setaudit allow.settime allow.socket_af allow.suser allow.sysvipc allow.unprivileged_parent_tampering allow.unprivileged_proc_debug allow.vmm allow.vmm_ppt"
	expect "$BUILD/jls -j " "old www"
	expect "$BUILD/jls -p w" "www"
	expect "$BUILD/jls --libxo " "json text"
}

@test "jexec: jail names, then the jail's own programs (terminal-safe names only), then files" {
	cd "$BATS_TEST_TMPDIR"
	expect "$BUILD/jexec " "old www"
	expect "$BUILD/jexec -" "-U -d -e -l -u"
	expect "$BUILD/jexec www " "hello httpd sh"
	expect "$BUILD/jexec -l -U root www h" "hello httpd"
	expect "$BUILD/jexec www sh ja" "jail.conf"
}

@test "mkjail: verbs, each verb's options, suites" {
	expect "$BUILD/mkjail " "--help busybox check debian mini thin"
	expect "$BUILD/mkjail busybox --" "--busybox --file --force --user"
	expect "$BUILD/mkjail debian --" "--force --include --mirror --suite"
	expect "$BUILD/mkjail thin --" "--base --force"
	expect "$BUILD/mkjail check -" "--no-shell -S"
	expect "$BUILD/mkjail debian --suite b" "bookworm bullseye"
	# mini's programs after the directory: the host's commands
	[[ " $(comp "$BUILD/mkjail mini /tmp/x bas") " == *" basename "*" bash "* ]]
	expect "$BUILD/mkjail mini /tm" "/tmp"
}

@test "make install puts the completion where bash-completion loads it by command name" {
	local d=$BATS_TEST_TMPDIR/dest
	make -s -C "$BATS_TEST_DIRNAME/../.." BUILD="$BUILD" DESTDIR="$d" PREFIX=/usr install >/dev/null
	local c=$d/usr/share/bash-completion/completions
	[ -f "$c/jail" ]
	for n in jls jexec mkjail; do [ "$(readlink "$c/$n")" = jail ]; done
	cmp "$c/jail" "$BUILD/completion/jail"
}
