#!/bin/sh
# Regenerates man/jail.8 from man/jail.8.in, putting in the privilege table
# exactly as the code prints it (jail --privileges=man).
set -eu
jail=${1:-build/jail}
table=$(mktemp)
"$jail" --privileges=man >"$table"
awk -v t="$table" '/^@PRIVILEGES@$/ { while ((getline l < t) > 0) print l; next } { print }' \
	man/jail.8.in >man/jail.8
rm -f "$table"
