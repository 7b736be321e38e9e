#!/usr/bin/env bats
# mkjail oci: jail roots from OCI image layouts (umoci), oci-archive and
# docker-archive files (skopeo, as podman save writes them), run with
# jail(8). Layers apply in order with whiteouts; blobs are checked against
# their digests; hostile layers (../x, absolute names, writing through a
# symlink, a whiteout of "..", hard links out) are refused and leave no
# half-built root and nothing outside DIR.

setup_file() {
	command -v umoci >/dev/null && command -v skopeo >/dev/null || skip "umoci and skopeo needed (scripts/deps.sh)"
	export MKJAIL=${JAIL_BUILD:?}/mkjail JAIL=${JAIL_BUILD:?}/jail
	export BASE=$BATS_FILE_TMPDIR/base
	# One busybox image for the file: a layout holding tag "bb".
	"$MKJAIL" busybox "$BATS_FILE_TMPDIR/bbroot" >/dev/null
	umoci init --layout "$BASE"
	umoci new --image "$BASE:bb"
	umoci unpack --image "$BASE:bb" "$BATS_FILE_TMPDIR/bundle" >/dev/null
	cp -a "$BATS_FILE_TMPDIR/bbroot/." "$BATS_FILE_TMPDIR/bundle/rootfs/"
	umoci repack --image "$BASE:bb" "$BATS_FILE_TMPDIR/bundle"
	rm -rf "$BATS_FILE_TMPDIR/bundle" "$BATS_FILE_TMPDIR/bbroot"
}

setup() {
	T=$(mktemp -d /tmp/mkjail-oci.XXXXXX)
	export JAIL_STATEDIR=$T/state
	cp -a "$BASE" "$T/img"
}

teardown() {
	[ -n "${T:-}" ] && rm -rf "$T"
}

# Append a layer (an uncompressed tar) to tag bb of layout $1, as a new
# manifest and config: the way an image builder adds one.
add_layer() { # $1 layout, $2 layer tar
	local lay=$1 tar=$2 dg sz man cfg mdg cdg
	dg=$(sha256sum "$tar" | cut -d' ' -f1)
	sz=$(stat -c %s "$tar")
	cp "$tar" "$lay/blobs/sha256/$dg"
	mdg=$(jq -r '.manifests[0].digest' "$lay/index.json" | cut -d: -f2)
	cdg=$(jq -r '.config.digest' "$lay/blobs/sha256/$mdg" | cut -d: -f2)
	cfg=$(jq -c --arg d "sha256:$dg" '.rootfs.diff_ids += [$d]' "$lay/blobs/sha256/$cdg")
	cdg=$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)
	printf '%s' "$cfg" >"$lay/blobs/sha256/$cdg"
	man=$(jq -c --arg d "sha256:$dg" --argjson s "$sz" --arg c "sha256:$cdg" --argjson cs "${#cfg}" \
		'.layers += [{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":$d,"size":$s}] | .config.digest = $c | .config.size = $cs' \
		"$lay/blobs/sha256/$mdg")
	mdg=$(printf '%s' "$man" | sha256sum | cut -d' ' -f1)
	printf '%s' "$man" >"$lay/blobs/sha256/$mdg"
	jq --arg d "sha256:$mdg" --argjson s "${#man}" '.manifests[0].digest = $d | .manifests[0].size = $s' \
		"$lay/index.json" >"$lay/index.new" && mv "$lay/index.new" "$lay/index.json"
}

# Nothing of a failed build: no DIR, no DIR.tmp-*, no scratch directory.
assert_nothing_built() { # $1 dir
	[ ! -e "$1" ]
	[ -z "$(ls -d "$1".tmp-* 2>/dev/null)" ]
}

@test "an image layout becomes a root that jail runs" {
	run "$MKJAIL" oci "$T/img:bb" "$T/root"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "$T/root: oci root: "*" files "* ]]
	[ "${lines[1]}" = "$T/root: 1 layers applied" ]
	[ -x "$T/root/bin/busybox" ] && [ -d "$T/root/proc" ] && [ -d "$T/root/dev" ]
	[ "$(stat -c %a "$T/root/tmp")" = 1777 ]
	# busybox applets stay hard links of one inode
	[ "$(stat -c %i "$T/root/bin/ls")" = "$(stat -c %i "$T/root/bin/busybox")" ]
	run "$JAIL" -c path="$T/root" command=/bin/echo ok
	[ "$status" -eq 0 ] && [ "$output" = ok ]
}

@test "oci-archive and docker-archive (as podman save writes them) give the same root" {
	skopeo copy -q "oci:$T/img:bb" "oci-archive:$T/o.tar:bb"
	skopeo copy -q "oci:$T/img:bb" "docker-archive:$T/d.tar:localhost/bb:latest"
	run "$MKJAIL" oci "$T/o.tar" "$T/r-oci"
	[ "$status" -eq 0 ]
	run "$MKJAIL" oci "$T/d.tar:latest" "$T/r-docker"
	[ "$status" -eq 0 ]
	run "$MKJAIL" oci "docker-archive:$T/d.tar" "$T/r-docker2"
	[ "$status" -eq 0 ]
	diff -r "$T/r-oci" "$T/r-docker"
	run "$JAIL" -c path="$T/r-docker" command=/bin/echo ok
	[ "$status" -eq 0 ] && [ "$output" = ok ]
	[ -z "$(ls -d /var/tmp/mkjail-oci.* 2>/dev/null | xargs -r -n1 find -maxdepth 0 -newer "$T/o.tar" 2>/dev/null)" ]
}

@test "layers apply in order with whiteouts and opaque directories" {
	mkdir -p "$T/s1/data/keep" "$T/s1/data/old" && echo one >"$T/s1/data/old/f" && echo k >"$T/s1/data/keep/k"
	echo gone >"$T/s1/data/victim"
	tar -C "$T/s1" -cf "$T/l1.tar" data
	add_layer "$T/img" "$T/l1.tar"
	mkdir -p "$T/s2/data/old"
	: >"$T/s2/data/.wh.victim"
	: >"$T/s2/data/old/.wh..wh..opq"
	echo new >"$T/s2/data/old/g"
	echo two >"$T/s2/data/keep/k2" 2>/dev/null || { mkdir -p "$T/s2/data/keep"; echo two >"$T/s2/data/keep/k2"; }
	tar -C "$T/s2" -cf "$T/l2.tar" data
	add_layer "$T/img" "$T/l2.tar"
	run "$MKJAIL" oci "$T/img" "$T/root"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "$T/root: 3 layers applied" ]
	[ ! -e "$T/root/data/victim" ]           # .wh.victim
	[ ! -e "$T/root/data/old/f" ]            # opaque: the lower layer's file is gone
	[ "$(cat "$T/root/data/old/g")" = new ]   # and the same layer's file stays
	[ "$(cat "$T/root/data/keep/k")" = k ]
	[ "$(cat "$T/root/data/keep/k2")" = two ]
	[ -z "$(find "$T/root" -name '.wh.*')" ]
}

@test "hostile layer: ../x is refused, nothing is written outside DIR or left behind" {
	mkdir -p "$T/s" && echo evil >"$T/s/x"
	tar -C "$T/s" -P --transform 's,^x,../../x,' -cf "$T/bad.tar" x
	tar -tPf "$T/bad.tar" | grep -qx '../../x'
	add_layer "$T/img" "$T/bad.tar"
	run "$MKJAIL" oci "$T/img" "$T/out/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 2 (sha256:"*"): ../../x: '..' in a layer path (refused)" ]]
	assert_nothing_built "$T/out/root"
	[ ! -e "$T/x" ] && [ ! -e "$T/out/x" ] && [ ! -e /x ]
}

@test "hostile layer: an absolute name is refused" {
	mkdir -p "$T/s" && echo evil >"$T/s/x"
	tar -C "$T/s" -P --transform "s,^x,$T/abs-x," -cf "$T/bad.tar" x
	add_layer "$T/img" "$T/bad.tar"
	run "$MKJAIL" oci "$T/img" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *": $T/abs-x: absolute path in a layer (refused)" ]]
	assert_nothing_built "$T/root"
	[ ! -e "$T/abs-x" ]
}

@test "hostile layer: an absolute symlink, then a write through it, is refused" {
	mkdir -p "$T/host" "$T/s/d2"
	ln -s "$T/host" "$T/s/link"
	echo evil >"$T/s/d2/evil"
	# entries: link -> $T/host, then link/evil
	tar -C "$T/s" --transform 's,^d2/,link/,' -cf "$T/bad.tar" link d2/evil
	tar -tf "$T/bad.tar" | grep -qx 'link/evil'
	add_layer "$T/img" "$T/bad.tar"
	run "$MKJAIL" oci "$T/img" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *"link/evil: a parent directory is a symbolic link (refused: a layer may not write through links)" ]]
	assert_nothing_built "$T/root"
	[ -z "$(ls -A "$T/host")" ]
	# the same across two layers: the link in one, the write in the next
	cp -a "$BASE" "$T/img2"
	tar -C "$T/s" -cf "$T/l1.tar" link
	tar -C "$T/s" --transform 's,^d2/,link/,' -cf "$T/l2.tar" d2/evil
	add_layer "$T/img2" "$T/l1.tar"
	add_layer "$T/img2" "$T/l2.tar"
	run "$MKJAIL" oci "$T/img2" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 3 "*"link/evil: a parent directory is a symbolic link"* ]]
	assert_nothing_built "$T/root"
	[ -z "$(ls -A "$T/host")" ]
}

@test "hostile layer: a whiteout of .. (or .) is refused" {
	mkdir -p "$T/s/a" && : >"$T/s/a/.wh..."
	tar -C "$T/s" -cf "$T/bad.tar" a
	add_layer "$T/img" "$T/bad.tar"
	run "$MKJAIL" oci "$T/img" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *"a/.wh...: whiteout of '..' (refused)" ]]
	assert_nothing_built "$T/root"
	[ -d "$T/img/blobs" ] && [ -d "$T/s/a" ]
	cp -a "$BASE" "$T/img2"
	mkdir -p "$T/s2/a" && : >"$T/s2/a/.wh.."
	tar -C "$T/s2" -cf "$T/bad2.tar" a
	add_layer "$T/img2" "$T/bad2.tar"
	run "$MKJAIL" oci "$T/img2" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *"a/.wh..: whiteout of '.' (refused)" ]]
	assert_nothing_built "$T/root"
}

@test "hostile layer: a hard link to a file outside DIR is refused" {
	mkdir -p "$T/s" && echo x >"$T/s/f" && ln "$T/s/f" "$T/s/g"
	# g is a hard link whose target is rewritten to ../../etc/passwd
	tar -C "$T/s" -P --transform 's,^f$,../../etc/passwd,RS' -cf "$T/bad.tar" f g
	tar -tvPf "$T/bad.tar" | grep -q 'g link to ../../etc/passwd'
	add_layer "$T/img" "$T/bad.tar"
	run "$MKJAIL" oci "$T/img" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 2 "*": ../../etc/passwd: '..' in a layer path (refused)" ]]
	assert_nothing_built "$T/root"
	# and an absolute hard link target too
	cp -a "$BASE" "$T/img2"
	tar -C "$T/s" -P --transform 's,^f$,/etc/passwd,RS' -cf "$T/bad2.tar" f g
	add_layer "$T/img2" "$T/bad2.tar"
	run "$MKJAIL" oci "$T/img2" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *": /etc/passwd: absolute path in a layer (refused)" ]]
	assert_nothing_built "$T/root"
}

@test "a blob that does not match its digest is refused" {
	dg=$(jq -r '.manifests[0].digest' "$T/img/index.json" | cut -d: -f2)
	layer=$(jq -r '.layers[0].digest' "$T/img/blobs/sha256/$dg" | cut -d: -f2)
	chmod u+w "$T/img/blobs/sha256/$layer"
	printf 'x' | dd of="$T/img/blobs/sha256/$layer" bs=1 seek=100 conv=notrunc 2>/dev/null
	run "$MKJAIL" oci "$T/img" "$T/root"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 1 (sha256:"*"): digest mismatch"* ]]
	assert_nothing_built "$T/root"
}

@test "device nodes are skipped, setuid bits kept; a layout of two images needs a tag" {
	mkdir -p "$T/s/dev" "$T/s/bin"
	mknod "$T/s/dev/evilmem" c 1 1
	cp "$T/img/oci-layout" "$T/s/bin/suidfile" && chmod 4755 "$T/s/bin/suidfile"
	tar -C "$T/s" -cf "$T/l.tar" dev bin
	add_layer "$T/img" "$T/l.tar"
	run "$MKJAIL" oci "$T/img" "$T/root"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "$T/root: 2 layers applied, device nodes skipped (a jail gets its own /dev)" ]
	[ ! -e "$T/root/dev/evilmem" ]
	[ "$(stat -c %a "$T/root/bin/suidfile")" = 4755 ]
	umoci tag --image "$T/img:bb" other
	run "$MKJAIL" oci "$T/img" "$T/root2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"holds 2 images; name one as $T/img:TAG (tags: bb, other)"* ]]
	run "$MKJAIL" oci "$T/img:nope" "$T/root2"
	[[ "$output" == *"no image tagged 'nope' (tags: bb, other)" ]]
	assert_nothing_built "$T/root2"
}
