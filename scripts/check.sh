#!/bin/sh
# make check: the C unit tests, a short libFuzzer pass per target, the lint
# of the bats files and the bats integration tests. Every TAP stream is
# verified, not just grepped: a stream must carry a plan, its results must be
# numbered 1..N and match the plan, and the program must exit as its results
# say. A crash, a missing plan or a short stream becomes one "not ok" line
# naming the program and why. "ok N # skip REASON" is a skip, never a pass,
# and every skip is printed with its reason. The last line is always
#     N passed, N failed, N skipped
# and the exit status is 1 when anything failed.
#
# Knobs (environment):
#   BUILD=build         where the unit binaries live (BUILD/tests/test_*)
#   UNIT=1              0 skips the unit tests, the fuzz pass and the lint
#   FUZZ_DIR=           directory of fuzz_* binaries (make fuzz); empty: none
#   FUZZ_TIME=20        seconds per fuzz target
#   FUZZ_ONLY=1         only the fuzz pass (make fuzz-short)
#   BATS_DIR=tests/integration   BATS_FILTER=regex (bats -f)
set -u
BUILD=${BUILD:-build}
UNIT=${UNIT:-1}
BATS_DIR=${BATS_DIR:-tests/integration}
FUZZ_DIR=${FUZZ_DIR:-}
FUZZ_TIME=${FUZZ_TIME:-20}
FUZZ_ONLY=${FUZZ_ONLY:-0}
# the old single-target knob: FUZZ_BIN=build-fuzz/fuzz_conf means that directory
[ -n "$FUZZ_DIR" ] || [ -z "${FUZZ_BIN:-}" ] || FUZZ_DIR=$(dirname "$FUZZ_BIN")
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
counts=$tmp/counts # one "passed failed skipped" line per TAP stream
: >"$counts"

# tap_verify NAME FILE STATUS [quiet]: count FILE's results and check them
# against its plan and STATUS (the producer's exit status, 128+N for signal
# N). Prints skips with their reason, every "not ok" (unless quiet: already
# shown live) with the diagnostics under it, and, when the stream itself is
# broken, one more "not ok - NAME: why; why..." that counts as one failure.
tap_verify() {
	awk -v name="$1" -v rc="$3" -v quiet="${4:-}" -v counts="$counts" '
	function broken(why) { whys = whys (whys == "" ? "" : "; ") why }
	/^1\.\.[0-9]+/ {
		if (plan != "") broken("a second plan")
		plan = $0; sub(/^1\.\./, "", plan); sub(/[^0-9].*/, "", plan); plan += 0
		if (tolower($0) ~ /#[ \t]*skip/) { why = $0; sub(/^[^#]*#[ \t]*[sS][kK][iI][pP][^ \t]*[ \t]*/, "", why); allskip = why }
		diag = 0; next
	}
	/^(not )?ok([ \t]|$)/ {
		n++
		num = $0; sub(/^(not )?ok[ \t]*/, "", num)
		if (num ~ /^[0-9]+/) { sub(/[^0-9].*/, "", num); if (num + 0 != n) broken(sprintf("result %d is numbered %d", n, num)) }
		if ($0 ~ /^not ok/) {
			failed++; diag = 1
			if (!quiet) print
			next
		}
		diag = 0
		d = $0; sub(/^ok[ \t]*[0-9]*[ \t]*(-[ \t]*)?/, "", d)
		if (tolower(d) ~ /#[ \t]*skip/) {
			why = d; sub(/^.*#[ \t]*[sS][kK][iI][pP][^ \t]*[ \t]*/, "", why)
			test = d; sub(/[ \t]*#[ \t]*[sS][kK][iI][pP].*$/, "", test)
			if (why == "") why = "(no reason given)"
			if (test == "") test = "test " n
			printf "skip - %s: %s # %s\n", name, test, why
			skipped++
		} else if (tolower(d) ~ /#[ \t]*todo/) {
			# TAP todo: a passing todo is still not a claim that holds
			failed++; printf "not ok - %s: %s (a todo test passed: make it a real test)\n", name, d
		} else {
			passed++
		}
		next
	}
	/^#/ { if (diag && !quiet) print; next }
	{ diag = 0 }
	END {
		if (plan == "") {
			broken(sprintf("no plan after %d results (crashed or stopped early?)", n))
		} else if (n != plan) {
			broken(sprintf("planned %d results, printed %d", plan, n))
		}
		if (allskip != "" && n == 0) printf "skip - %s: everything # %s\n", name, allskip
		if (rc >= 128) broken(sprintf("killed by signal %d", rc - 128))
		else if (rc != 0 && failed == 0) broken(sprintf("exit status %d, yet no test failed", rc))
		else if (rc == 0 && failed > 0) broken(sprintf("exit status 0 despite %d failed", failed))
		if (whys != "") { printf "not ok - %s: %s\n", name, whys; failed++ }
		printf "%d %d %d\n", passed, failed, skipped + (allskip != "" && n == 0) >> counts
	}' "$2"
}

# One result of the harness itself (lint, fuzz), as a one-line TAP stream.
harness_result() { # NAME ok|fail TEXT
	if [ "$2" = ok ]; then
		echo "ok - $3"
		printf '1..1\nok 1 - %s\n' "$3" >"$tmp/h.tap"
		tap_verify "$1" "$tmp/h.tap" 0
	else
		printf '1..1\nnot ok 1 - %s\n' "$3" >"$tmp/h.tap"
		tap_verify "$1" "$tmp/h.tap" 1
	fi
}

if [ "$UNIT" = 1 ] && [ "$FUZZ_ONLY" != 1 ]; then
	for t in "$BUILD"/tests/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		name=$(basename "$t")
		echo "# unit: $name"
		"$t" >"$tmp/unit.tap" 2>"$tmp/unit.err"
		rc=$?
		tap_verify "$name" "$tmp/unit.tap" "$rc" >"$tmp/unit.out"
		cat "$tmp/unit.out"
		# what it said on stderr helps only when something went wrong
		if grep -q '^not ok' "$tmp/unit.out" && [ -s "$tmp/unit.err" ]; then
			tail -20 "$tmp/unit.err" | sed 's/^/#   stderr: /'
		fi
	done

	echo "# lint: bats files"
	if sh scripts/lint-bats.sh >"$tmp/lint.out" 2>&1; then
		harness_result lint-bats ok "no bare '!' command in the bats files"
	else
		sed 's/^/#   /' "$tmp/lint.out"
		harness_result lint-bats fail "bare '!' commands in the bats files (they cannot fail a test)"
	fi
fi

# A short libFuzzer pass per target (ASan/UBSan build, make fuzz): seeds in
# tests/fuzz/corpus/NAME (replayed first, so past crashes stay fixed), a
# dictionary in tests/fuzz/NAME.dict when there is one.
if [ "$UNIT" = 1 ] && [ -n "$FUZZ_DIR" ]; then
	for f in "$FUZZ_DIR"/fuzz_*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		target=${f##*/fuzz_}
		work=$FUZZ_DIR/corpus/$target
		mkdir -p "$work"
		set -- -max_total_time="$FUZZ_TIME" -artifact_prefix="$FUZZ_DIR/$target-" -print_final_stats=1
		[ -f "tests/fuzz/$target.dict" ] && set -- "$@" -dict="tests/fuzz/$target.dict"
		[ -f "tests/fuzz/$target.options" ] && set -- "$@" $(cat "tests/fuzz/$target.options")
		echo "# fuzz: fuzz_$target for $FUZZ_TIME s"
		if "$f" "$@" "$work" "tests/fuzz/corpus/$target" >"$FUZZ_DIR/$target.log" 2>&1; then
			runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$FUZZ_DIR/$target.log")
			harness_result "fuzz_$target" ok "fuzz_$target: ${runs:-?} inputs in $FUZZ_TIME s, no crash"
		else
			# the error, the first frames of its stack, the summary
			awk '/==ERROR|runtime error|deadly signal|out-of-memory|timeout/ { p = 1; print; next }
				p && /^ +#[0-9]+ / { if (++k <= 6) print; next }
				/^SUMMARY/ { print }' "$FUZZ_DIR/$target.log" | head -12 | sed 's/^/#   /'
			crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$FUZZ_DIR/$target.log" | tail -1)
			harness_result "fuzz_$target" fail "fuzz_$target found a crash: ${crash:-see $FUZZ_DIR/$target.log} (replay: $f ${crash:-FILE})"
		fi
	done
fi

if [ "$FUZZ_ONLY" = 1 ]; then
	: # no bats
elif [ "$(id -u)" -ne 0 ]; then
	harness_result bats fail "integration tests need root"
else
	set -- "$BATS_DIR"/*.bats
	if [ -e "$1" ]; then
		case $BUILD in /*) jail_build=$BUILD ;; *) jail_build=$top/$BUILD ;; esac
		echo "# bats: $BATS_DIR${BATS_FILTER:+ (filter: $BATS_FILTER)}"
		# Results stream past as they come; the stream is verified at the end.
		{
			JAIL_BUILD="$jail_build" bats --tap ${BATS_FILTER:+-f "$BATS_FILTER"} "$@" 2>&1
			echo "$?" >"$tmp/bats.rc"
		} | tee "$tmp/bats.tap" | grep -E '^(not ok|# )'
		tap_verify "bats $BATS_DIR" "$tmp/bats.tap" "$(cat "$tmp/bats.rc")" quiet
	fi
fi

awk '{ p += $1; f += $2; s += $3 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit f > 0 }' "$counts"
