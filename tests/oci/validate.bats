#!/usr/bin/env bats
# The runtime-tools validation suite (shared/oci kit, upstream 0105384)
# against jail-oci and crun in the same run: jail-oci must pass at least as
# many test files as crun, and every file jail-oci fails is listed with its
# first failing point. About 5 minutes on 2 idle cores for both runtimes
# (up to 20 under load; the first run also builds the suite): with `make check`
# at about 12 minutes the two would pass the 15-minute budget, so it is
# `make check-oci` (which .ci/run runs), not part of `make check`. jail-oci
# runs through a wrapper keeping its state and jail registry private to the
# run (the suite calls the runtime with create/start/... only).

load ../lib/oci

@test "runtime-tools: jail-oci passes at least as many test files as crun" {
	command -v go >/dev/null || skip "golang-go needed to build the suite (scripts/deps.sh)"
	command -v crun >/dev/null || skip "crun needed for the comparison (scripts/deps.sh)"
	W=$BATS_FILE_TMPDIR/w
	oci_wrapper "$W"
	out=$BATS_FILE_TMPDIR/validate
	devs_before=$(stat -c '%n %a %u %g' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)
	run "$BATS_TEST_DIRNAME/../../scripts/oci-validate.sh" -o "$out" "$W/bin/jail-oci" crun
	[ "$status" -eq 0 ]
	j=$(sed -n 's/^jail-oci: \([0-9]*\) of .*/\1/p' "$out/jail-oci.txt")
	c=$(sed -n 's/^crun: \([0-9]*\) of .*/\1/p' "$out/crun.txt")
	echo "# jail-oci $j, crun $c of 58 test files" >&3
	awk -F'\t' 'NR > 1 && $2 != "PASS" { print "# " $1 ": jail-oci " $2 ", crun " $3 }' "$out/table.tsv" >&3
	for t in $(awk -F'\t' 'NR > 1 && $2 != "PASS" { print $1 }' "$out/table.tsv"); do
		echo "#   $t: $(grep -m1 '^not ok' "${OCI_WORK:-/var/tmp/oci-validation}/logs/jail-oci/$t.tap" 2>/dev/null ||
			grep -m1 'jail-oci: ' "${OCI_WORK:-/var/tmp/oci-validation}/logs/jail-oci/$t.err" 2>/dev/null ||
			tail -1 "${OCI_WORK:-/var/tmp/oci-validation}/logs/jail-oci/$t.err")" >&3
	done
	# the comparison leaves out pidfile, which races with a short-lived process (shared/oci
	# README: crun passes it in some runs, jail-oci and runc never, as the spec's kill wants)
	j2=$(awk -F'\t' 'NR > 1 && $1 != "pidfile" && $2 == "PASS"' "$out/table.tsv" | wc -l)
	c2=$(awk -F'\t' 'NR > 1 && $1 != "pidfile" && $3 == "PASS"' "$out/table.tsv" | wc -l)
	echo "# without pidfile: jail-oci $j2, crun $c2" >&3
	[ -n "$j" ] && [ -n "$c" ] && [ "$j2" -gt 0 ] && [ "$j2" -ge "$c2" ]
	# the host's device nodes are as they were (the peers' runs change the copies the script binds)
	[ "$(stat -c '%n %a %u %g' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty)" = "$devs_before" ]
	# the run left no container, no jail and no suite cgroup behind
	oci_assert_clean "$W"
	[ -z "$(find /sys/fs/cgroup -maxdepth 6 -type d \( -name testdir -o -name cgrouptest \) 2>/dev/null)" ]
}
