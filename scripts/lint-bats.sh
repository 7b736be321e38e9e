#!/bin/sh
# Refuses a bare negated command ("! cmd") used as a statement in the bats
# files. Bats runs a test under set -e, and set -e ignores a command whose
# status is inverted with "!": such a line can never fail a test (unless it
# happens to be the test's last line), so the assertion it looks like is
# silently off. Write "run ! cmd" (bats >= 1.5) or an explicit check instead.
# "if ! cmd", "while ! cmd" and "[ ! -e f ]" are not statements and pass.
# Prints FILE:LINE: TEXT for each offender; exit status 1 if there is one.
# Usage: lint-bats.sh [FILE...] (default: every .bats and .bash under tests/)
set -u
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || set -- $(find tests -name '*.bats' -o -name '*.bash' | sort)
awk '
	/^[ \t]*#/ { next }
	# "! cmd" at the start of a line, or after ; && || { ( then do else
	/^[ \t]*![ \t]/ { bad = 1 }
	/(;|&&|\|\||[{(]|(^|[ \t])(then|do|else))[ \t]*![ \t]/ {
		# a condition is not a statement: if/elif/while/until ... ; then/do
		if ($0 !~ /^[ \t]*(if|elif|while|until)[ \t]/) bad = 1
	}
	bad { printf "%s:%d: %s\n", FILENAME, FNR, $0; found = 1; bad = 0 }
	END { exit found }
' "$@"
