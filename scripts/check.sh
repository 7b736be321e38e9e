#!/bin/sh
# Runs the C unit tests and the bats integration tests, counts TAP results and
# ends with one line "N passed, N failed". Exit status 1 when anything failed.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0

BATS_DIR=${BATS_DIR:-tests/integration}
UNIT=${UNIT:-1}
for t in "$BUILD"/tests/test_*; do
	[ "$UNIT" = 1 ] || break
	[ -x "$t" ] || continue
	echo "# unit: $t"
	"$t" >>"$log" 2>&1 || status=1
done
grep -E '^(not )?ok ' "$log" | grep '^not ok' || true

# A short libFuzzer pass over the jail.conf parser (ASan/UBSan build).
if [ "$UNIT" = 1 ] && [ -n "${FUZZ_BIN:-}" ] && [ -x "$FUZZ_BIN" ]; then
	echo "# fuzz: $FUZZ_BIN for ${FUZZ_TIME:-60} s"
	fdir=$(dirname "$FUZZ_BIN")
	mkdir -p "$fdir/corpus"
	if "$FUZZ_BIN" -max_total_time="${FUZZ_TIME:-60}" -max_len=4096 -dict=tests/fuzz/conf.dict \
		-artifact_prefix="$fdir/" "$fdir/corpus" tests/fuzz/corpus >"$fdir/fuzz.log" 2>&1; then
		echo "ok - fuzz_conf ran ${FUZZ_TIME:-60} s without a crash" >>"$log"
	else
		tail -30 "$fdir/fuzz.log"
		echo "not ok - fuzz_conf found a crash (see $fdir/fuzz.log)" | tee -a "$log"
	fi
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "# integration tests need root; skipped" >&2
	status=1
else
	set -- "$BATS_DIR"/*.bats
	if [ -e "$1" ]; then
		JAIL_BUILD="$top/$BUILD" bats --tap ${BATS_FILTER:+-f "$BATS_FILTER"} "$@" | tee -a "$log" | grep -E '^(not ok|# )' || true
	fi
fi

passed=$(grep -cE '^ok ' "$log")
failed=$(grep -cE '^not ok ' "$log")
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
