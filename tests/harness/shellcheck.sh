#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/harness/shellcheck.sh [TOP]: run shellcheck (settings in
# .shellcheckrc) on every shell script of the repository: files ending in
# .sh and files whose first line is a sh/bash shebang. Prints one TAP line
# per script; scripts listed in tests/harness/shellcheck-pending report
# their findings as TODO, and fail once they are clean (stale entry).
# Exit 1 on a finding outside the pending list. Run by check-harness.
set -euo pipefail
top=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cd "$top"
command -v shellcheck >/dev/null || { echo "not ok 1 - shellcheck is not installed (scripts/deps)"; exit 1; }
pending=
if [ -f tests/harness/shellcheck-pending ]; then
	pending=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' tests/harness/shellcheck-pending | awk '{print $1}')
fi

if git rev-parse --git-dir >/dev/null 2>&1; then
	all=$(git ls-files --cached --others --exclude-standard | sort -u)
else
	all=$(find . -path ./build -prune -o -path ./.git -prune -o -type f -print | cut -c3- | sort)
fi
scripts=()
while IFS= read -r f; do
	[ -f "$f" ] || continue
	case $f in
	build/*) continue ;;
	*.sh) scripts+=("$f") ;;
	*) head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh$' && scripts+=("$f") ;;
	esac
done <<<"$all"

n=0 bad=0
for f in "${scripts[@]}"; do
	n=$((n + 1))
	if out=$(shellcheck -f gcc "$f" 2>&1); then
		if grep -qxF "$f" <<<"$pending"; then
			echo "not ok $n - shellcheck $f: clean, remove it from tests/harness/shellcheck-pending"
			bad=$((bad + 1))
		else
			echo "ok $n - shellcheck $f"
		fi
	elif grep -qxF "$f" <<<"$pending"; then
		echo "not ok $n - shellcheck $f # TODO $(grep -c . <<<"$out") finding(s), listed in shellcheck-pending"
	else
		echo "not ok $n - shellcheck $f"
		awk '{print "# " $0}' <<<"$out"
		bad=$((bad + 1))
	fi
done
for p in $pending; do
	[ -e "$p" ] || { echo "not ok $((n += 1)) - shellcheck-pending lists $p, which does not exist"; bad=$((bad + 1)); }
done
echo "1..$n"
[ "$bad" -eq 0 ]
