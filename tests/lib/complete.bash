#!/bin/bash
# Completes a command line as bash would and prints COMPREPLY, one per line,
# sorted. Usage: complete.bash COMPLETION-FILE 'jail -c ip4=ne'
# The line is split as readline splits it (blanks; '=' and ':' are words of
# their own), COMP_* are set and the command's completion function called.
# NO_BASH_COMPLETION=1 leaves bash-completion's helpers out.
if [ "${NO_BASH_COMPLETION:-0}" != 1 ] && [ -r /usr/share/bash-completion/bash_completion ]; then
	. /usr/share/bash-completion/bash_completion
fi
. "$1" || exit 2
line=$2
words=() tok="" last=""
for ((i = 0; i < ${#line}; i++)); do
	c=${line:i:1}
	case $c in
	" ")
		[ -n "$tok" ] && words+=("$tok")
		tok=""
		;;
	"=" | ":")
		[ -n "$tok" ] && words+=("$tok")
		words+=("$c")
		tok=""
		;;
	*) tok+=$c ;;
	esac
	last=$c
done
# The word under the cursor: what was typed, "" after a blank, else the "=".
if [ -n "$tok" ] || [ "$last" = " " ]; then
	words+=("$tok")
fi
COMP_WORDS=("${words[@]}")
COMP_CWORD=$((${#words[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
spec=$(complete -p "${words[0]##*/}") || exit 3
fn=$(sed -n 's/.*-F \([^ ]*\) .*/\1/p' <<<"$spec")
"$fn" "${words[0]}" "${words[COMP_CWORD]}" "${words[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
