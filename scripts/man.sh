#!/bin/sh
# Regenerates man/jail.8 from man/jail.8.in and man/rctl.8 from man/rctl.8.in,
# putting in the tables exactly as the code prints them (jail --privileges=man,
# rctl --resources=man). Usage: man.sh [JAIL] [RCTL]
set -eu
jail=${1:-build/jail}
rctl=${2:-$(dirname "$jail")/rctl}
table=$(mktemp)
trap 'rm -f "$table"' EXIT
fill() { # fill TEMPLATE MARKER OUTPUT: the table file in place of the marker line
	awk -v t="$table" -v m="$2" '$0 == m { while ((getline l < t) > 0) print l; next } { print }' "$1" >"$3"
}
"$jail" --privileges=man >"$table"
fill man/jail.8.in @PRIVILEGES@ man/jail.8
"$rctl" --resources=man >"$table"
fill man/rctl.8.in @RESOURCES@ man/rctl.8
