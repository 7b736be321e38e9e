#!/bin/sh
# Refuses a bare negated command ("! cmd") used as a statement in the bats
# files. Bats runs a test under set -e, and set -e ignores a command whose
# status is inverted with "!": such a line can never fail a test (unless it
# happens to be the test's last line), so the assertion it looks like is
# silently off. Write "run ! cmd" (bats >= 1.5) or an explicit check instead.
# "if ! cmd", "while ! cmd" and "[ ! -e f ]" are not statements and pass,
# nor does "f() { ! cmd; }": a function returns its last command's status,
# nor "! cmd || { echo why; false; }", which fails by its own hand. In
# tests, "refute cmd" (common.bash) keeps $output where "run !" would not.
# Prints FILE:LINE: TEXT for each offender; exit status 1 if there is one.
# Usage: lint-bats.sh [FILE...] (default: every .bats and .bash under tests/)
set -u
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || set -- $(find tests -name '*.bats' -o -name '*.bash' | sort)
awk '
	/^[ \t]*#/ { next }
	{
		l = $0
		# the last command of a one-line function is its return status:
		# "f() { ! cmd; }" works (a bare "{ ! cmd; }" group does not)
		if (l ~ /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*\(\)[ \t]*\{/)
			sub(/![ \t][^;{}]*;?[ \t]*\}[ \t]*$/, "}", l)
	}
	# "! cmd" at the start of a line, or after ; && || { ( then do else
	l ~ /^[ \t]*![ \t]/ { bad = 1 }
	l ~ /(;|&&|\|\||[{(]|(^|[ \t])(then|do|else))[ \t]*![ \t]/ {
		# a condition is not a statement: if/elif/while/until ... ; then/do
		if (l !~ /^[ \t]*(if|elif|while|until)[ \t]/) bad = 1
	}
	# "! cmd || { echo why; false; }" fails the test by its own hand
	bad && l ~ /![ \t].*\|\|[ \t]*(\{[^}]*)?(false|return|exit)([ \t;}]|$)/ { bad = 0 }
	bad { printf "%s:%d: %s\n", FILENAME, FNR, $0; found = 1; bad = 0 }
	END { exit found }
' "$@"
