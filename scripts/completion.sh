#!/bin/sh
# Generates the bash completion (etc/bash_completion.d/jail.in -> OUT) with
# the parameter table of include/jail/param.h put in: "name:type:flags".
# Usage: completion.sh OUT
set -eu
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
table=$(awk '
/^[ \t]*X\([A-Z0-9_]+, "/ {
	split($0, q, "\"")
	name = q[2]
	n = split(q[3], f, ",")
	type = f[2]; gsub(/[ \t]|JPT_/, "", type)
	flags = ""
	if (f[3] ~ /JPF_CREATE_ONLY/) flags = flags "c"
	if (f[3] ~ /JPF_PSEUDO/) flags = flags "p"
	if (f[3] ~ /JPF_RDONLY/) flags = flags "r"
	if (f[3] ~ /JPF_UNIMPL/) flags = flags "u"
	if (f[3] ~ /JPF_NEVER/) flags = flags "n"
	printf "%s%s:%s:%s", sep, name, tolower(type), flags
	sep = " "
}' "$top/include/jail/param.h")
[ -n "$table" ] || { echo "completion.sh: no parameters found in param.h" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
sed "s|@PARAMS@|$table|" "$top/etc/bash_completion.d/jail.in" >"$out.tmp"
mv "$out.tmp" "$out"
