#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reliability and security tests of tcx (tests/stress/, built by make tools
# into $TOOLS_OUT/stress/), each part a few TAP lines:
#   stress  tcx_stress: threads hammering a dummy device and a veth pair
#           with attach/detach/link/query calls while qdiscs, filters,
#           devices and namespaces churn and frames flow; invariants, errno
#           table, nothing left at the end
#   fuzz    tcx_fuzz: seeded mutated bpf() calls of the tcx commands
#   priv    tcx_priv: EPERM without CAP_NET_ADMIN, per-namespace ifindex,
#           links of a deleted namespace
#   fault   tcx_fault: every slab allocation of attach, link create, link
#           update and qdisc create fails in turn (failslab, fail-nth):
#           clean ENOMEM, hooks unchanged; teardown works at 100% failure;
#           with FAULT_DEVICES=1 also device register and unregister
#   leaks   bpftool prog/link show none of ours afterwards
# In make check: 30 s of stress and 20,000 fuzz calls; make stress runs
# them at full length (scripts/stress). Knobs (environment):
#   STRESS_SECS (30)  STRESS_THREADS (4)  FUZZ_CALLS (20000)
#   SEED (the time; printed, replay with SEED=n)
#   STRESS_PARTS ("stress fuzz priv fault")
#   FAULT_DEVICES (0; 1 in make stress: about 4 more minutes)
# kmemleak and kernel splats are judged by scripts/vm on the console log.
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
set -u

S=${TOOLS_OUT:?}/stress
secs=${STRESS_SECS:-30}
threads=${STRESS_THREADS:-4}
calls=${FUZZ_CALLS:-20000}
seed=${SEED:-$(date +%s)}
parts=${STRESS_PARTS:-stress fuzz priv fault}
echo "# stress parts: $parts; STRESS_SECS=$secs FUZZ_CALLS=$calls SEED=$seed"

# part NAME CMD...: run CMD, relay its 'ok - X' / 'not ok - X' lines as TAP
# and its '#' lines as they are; a failing CMD that reported no failure,
# or reported nothing, is a failure of its own.
part() {
	local name=$1 line t0 rc='' fails=0 cases=0
	shift
	if [ ! -x "$1" ]; then
		not_ok "$name: $1" "not built (make tools)"
		return
	fi
	t0=$(date +%s)
	while IFS= read -r line; do
		case $line in
		"ok - "*"# SKIP "*)
			line=${line#ok - }
			skip "${line%% # SKIP *}" "${line#* # SKIP }"; cases=$((cases + 1)) ;;
		"ok - "*) ok "${line#ok - }"; cases=$((cases + 1)) ;;
		"not ok - "*) not_ok "${line#not ok - }"; fails=$((fails + 1)); cases=$((cases + 1)) ;;
		"# exit status "*) rc=${line#\# exit status } ;;
		*) echo "# ${line#\# }" ;;
		esac
	done < <("$@" 2>&1; echo "# exit status $?")
	echo "# $name took $(($(date +%s) - t0)) s"
	if [ "${rc:-1}" != 0 ] && [ "$fails" -eq 0 ]; then
		not_ok "$name: exited with status ${rc:-unknown}"
	elif [ "$cases" -eq 0 ]; then
		not_ok "$name: reported no result"
	fi
}

for p in $parts; do
	case $p in
	stress) part stress "$S/tcx_stress" -t "$secs" -j "$threads" -s "$seed" \
		-c "$TOP/guest/churn.sh" ;;
	fuzz) part fuzz "$S/tcx_fuzz" -n "$calls" -s "$seed" ;;
	priv) part priv "$S/tcx_priv" ;;
	fault)
		if [ "${FAULT_DEVICES:-0}" = 1 ]; then
			part fault "$S/tcx_fault" -d
		else
			part fault "$S/tcx_fault"
		fi ;;
	*) not_ok "unknown part $p in STRESS_PARTS" ;;
	esac
done

# What bpftool sees afterwards: none of our programs (tcxs_, tcxf_, tcxp_,
# tcxq_ names), no tcx link.
B=${BPFTOOL:-}
if [ -x "$B" ]; then
	left=$("$B" prog show 2>&1 | grep -E 'name tcx[sfpq]_' || true)
	links=$("$B" link show 2>&1 | grep -E '^[0-9]+: tcx ' || true)
	if [ -z "$left$links" ]; then
		ok "bpftool prog/link show: no program or tcx link of ours left"
	else
		not_ok "bpftool prog/link show: no program or tcx link of ours left" \
			"$(echo "$left $links" | tr '\n' ' ')"
	fi
else
	skip "bpftool prog/link show: nothing of ours left" "no bpftool"
fi
tap_done
