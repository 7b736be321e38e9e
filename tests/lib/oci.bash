# Shared by the engine tests (oci-podman, oci-containerd, oci-buildah): a
# busybox root, a jail-oci wrapper that keeps the runtime's state and its jail
# registry private to the test (engines do not pass our environment on), and
# the checks that nothing of a run is left behind.

BUILD=${JAIL_BUILD:-$BATS_TEST_DIRNAME/../../build}
OCI_BIN=$BUILD/jail-oci

# $1: a directory; makes DIR/bin/jail-oci (the name engines know for JSON logs),
# DIR/oci (--root) and DIR/jails (the jail registry).
oci_wrapper() {
	mkdir -p "$1/bin" "$1/oci" "$1/jails"
	cat >"$1/bin/jail-oci" <<EOF
#!/bin/sh
exec "$OCI_BIN" --root "$1/oci" --jail-statedir "$1/jails" "\$@"
EOF
	chmod 755 "$1/bin/jail-oci"
	# the host's own settings an engine might change (a bridge network turns forwarding on)
	cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding >"$1/host-sysctl"
}

# A busybox root owned by host root as images are (static busybox, applet links, passwd, a web page).
oci_busybox_root() {
	env -u JAIL_BUILD -u MKJAIL sh "$BATS_TEST_DIRNAME/../lib/mkroot.sh" "$1"
	mkdir -p "$1/www" "$1/run"
	echo "hello from a jail" >"$1/www/index.html"
}

# No container, jail, cgroup or process of this run is left: $1 the wrapper dir.
oci_assert_clean() {
	local left
	left=$(find "$1/oci" -name state.json 2>/dev/null)
	[ -z "$left" ] || { echo "containers left: $left"; return 1; }
	left=$(ls -A "$1/jails" 2>/dev/null | grep -v -e '^cache$' -e '^\.lock$' -e '^public$' || true)
	[ -z "$left" ] || { echo "jails left: $left"; return 1; }
	left=$(ls -A "$1/jails/public" 2>/dev/null || true)
	[ -z "$left" ] || { echo "public copies left: $left"; return 1; }
	[ ! -e "$1/host-sysctl" ] ||
		[ "$(cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding)" = "$(cat "$1/host-sysctl")" ] ||
		{ echo "the host's forwarding settings changed"; return 1; }
}

# Remove a cgroup directory tree (children first) in every hierarchy, if empty.
oci_rm_cgroups() { # name (a path component)
	find /sys/fs/cgroup -mindepth 1 -maxdepth 6 -depth -type d \( -name "$1" -o -path "*/$1/*" \) \
		-exec rmdir {} + 2>/dev/null || true
}
