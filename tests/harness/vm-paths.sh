#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tests/harness/vm-paths.sh [BZIMAGE]: the guest must work from a checkout
# wherever a user clones it. Copies this checkout (without build/ and .git)
# under /root, /home/<user>, /tmp and a path with a space in it, boots the
# kernel from each copy's own scripts/vm and runs one command there that
# reads the checkout and a build output, writes next to them (the write
# stays in the guest) and reports through the output share. Prints one TAP
# line per place and 'N passed, N failed, N skipped'; exits 1 on a failure.
# Run by 'make check' (scripts/vm-test) before the test suite.
# shellcheck source=../../scripts/lib.sh
. "$(dirname "$0")/../../scripts/lib.sh"

BZ=${1:-$KERNEL_IMAGE}
[ -f "$BZ" ] || die "no kernel image $BZ (make kernel?)"
BZ=$(realpath "$BZ")

scratch=()
cleanup() { [ ${#scratch[@]} -eq 0 ] || rm -rf "${scratch[@]}"; }
trap cleanup EXIT

n=0 passed=0 failed=0 skipped=0
result() { # result ok|not_ok|skip DESCRIPTION [DIAGNOSTICS]
	n=$((n + 1))
	case $1 in
	ok) passed=$((passed + 1)); echo "ok $n - $2" ;;
	skip) skipped=$((skipped + 1)); echo "ok $n - $2 # SKIP $3" ;;
	*) failed=$((failed + 1)); echo "not ok $n - $2"
	   [ -z "${3:-}" ] || printf '%s\n' "$3" | sed 's/^/# /' ;;
	esac
}

# try PARENT SUBPATH DESCRIPTION: copy the checkout to PARENT/<tmp>/SUBPATH
# and run the guest command from there.
try() {
	local parent=$1 sub=$2 what=$3 base copy token got rc
	if ! base=$(mktemp -d "$parent/tcx-paths.XXXXXX" 2>/dev/null); then
		result skip "guest runs from a checkout $what" "cannot create a directory in $parent"
		return
	fi
	scratch+=("$base")
	copy=$base/$sub
	mkdir -p "$copy/build"
	tar -C "$TOP" --exclude=./build --exclude=./.git -cf - . | tar -C "$copy" -xf -
	# The KVM verdict of this checkout, so the copy does not probe again.
	[ ! -f "$BUILD/.kvm-probe" ] || cp "$BUILD/.kvm-probe" "$copy/build/"
	token=$RANDOM-$RANDOM-$$
	echo "$token" > "$copy/build/path-marker"
	set +e
	# kmemleak=off: no end-of-run leak scan, this boot tests paths only.
	(cd "$copy" && VM_APPEND="kmemleak=off" VM_TIMEOUT=${VM_PATHS_TIMEOUT:-300} scripts/vm "$BZ" --name paths --out "$base/out" -- \
		bash -c 'test "$PWD" = "$1" && test -f guest/fstab.2 &&
			echo guest > build/guest-wrote && test "$(cat build/guest-wrote)" = guest &&
			cp build/path-marker "$TCX_OUT/seen"' _ "$copy") > "$base/vm.out" 2>&1
	rc=$?
	set -e
	# The first copy's KVM verdict serves the others (TCX_ACCEL=auto probes).
	if [ -z "${TCX_ACCEL:-}" ] && [ -f "$copy/build/.kvm-probe" ]; then
		TCX_ACCEL=$(cat "$copy/build/.kvm-probe")
		export TCX_ACCEL
	fi
	got=$(cat "$base/out/seen" 2>/dev/null || true)
	if [ $rc -ne 0 ] || [ "$got" != "$token" ]; then
		result not_ok "guest runs from a checkout $what ($copy)" \
			"scripts/vm status $rc, marker read back '${got}'"$'\n'"$(tail -n 25 "$base/vm.out")"
	elif [ -e "$copy/build/guest-wrote" ]; then
		result not_ok "guest runs from a checkout $what ($copy)" "the guest's write reached the host"
	else
		result ok "guest runs from a checkout $what ($copy)"
	fi
}

echo "TAP version 13"
try /root x "under /root"
home_parent=
if [ -d /home ] && home_parent=$(mktemp -d /home/tcxuser.XXXXXX 2>/dev/null); then
	scratch+=("$home_parent")
	try "$home_parent" x "under /home/<user>"
else
	result skip "guest runs from a checkout under /home/<user>" "cannot create a directory in /home"
fi
try /tmp x "under /tmp"
try /tmp "with space/x" "in a path with a space"
echo "1..$n"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
