#!/usr/bin/env bats
# The runtime-tools validation suite (shared/oci kit, upstream 0105384)
# against jail-oci and crun in the same run: jail-oci must pass at least as
# many test files as crun, and every file jail-oci fails is listed with its
# first failing point. Takes about ten minutes on 2 cores, so it runs only
# with JAIL_OCI_VALIDATE=1 (make check leaves it skipped, saying so).

@test "runtime-tools: jail-oci passes at least as many test files as crun" {
	[ "${JAIL_OCI_VALIDATE:-0}" = 1 ] || skip "set JAIL_OCI_VALIDATE=1 to run the suite (about 10 minutes)"
	command -v go >/dev/null || skip "golang-go needed to build the suite (scripts/deps.sh)"
	out=$BATS_FILE_TMPDIR/validate
	run "$BATS_TEST_DIRNAME/../../scripts/oci-validate.sh" -o "$out" "${JAIL_BUILD:?}/jail-oci" crun
	[ "$status" -eq 0 ]
	j=$(sed -n 's/^jail-oci: \([0-9]*\) of .*/\1/p' "$out/jail-oci.txt")
	c=$(sed -n 's/^crun: \([0-9]*\) of .*/\1/p' "$out/crun.txt")
	echo "# jail-oci $j, crun $c of 58 test files" >&3
	awk -F'\t' 'NR > 1 && $2 != "PASS" { print "# " $1 ": jail-oci " $2 ", crun " $3 }' "$out/table.tsv" >&3
	for t in $(awk -F'\t' 'NR > 1 && $2 != "PASS" { print $1 }' "$out/table.tsv"); do
		echo "#   $t: $(grep -m1 '^not ok' "/var/tmp/oci-validation/logs/jail-oci/$t.tap" 2>/dev/null || tail -1 "/var/tmp/oci-validation/logs/jail-oci/$t.err")" >&3
	done
	[ -n "$j" ] && [ -n "$c" ] && [ "$j" -ge "$c" ]
	# the run left no container and no suite cgroup behind
	[ -z "$("${JAIL_BUILD}/jail-oci" list -q)" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 6 -type d \( -name testdir -o -name cgrouptest \) 2>/dev/null)" ]
}
