#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The benchmark inside the guest (booted by scripts/bench through
# scripts/vm, QEMU -icount shift=0,sleep=off, one vCPU): guest time is
# guest instructions, so pktgen's elapsed time per packet is the number of
# instructions one packet costs.
#
#   bench.sh all KIND       every scenario of KIND (base: no tcx; ours)
#   bench.sh measure DIR SCEN N   (internal) pktgen runs on $DEV
#   bench.sh measure-elsewhere DIR SCEN XDEV   (internal) the same, after
#                checking that $DEV has no tcx program and XDEV one per
#                direction
#
# Parameters, all required (scripts/bench sets them, from its BENCH_*
# knobs):
#   BENCH_BIN    directory with tcxbench and tc_ret.o (host build)
#   COUNT        packets per measured run (a multiple of BURST)
#   REPEATS      measured runs per scenario (>= 2: the spread is reported)
#   NS_LIST      the N of the *_N scenarios, e.g. "1 2 4 8 16 32"
#   TCX_MAX_N    the largest tcx_N (63: a full attach point)
#   CTL_ITERS    iterations per control-plane op (0: skip it)
#   CTL_FILLS    programs already attached when timing them ("0,16,62")
#   FS_FILLS     programs attached for the failslab check ("3,17,63")
#   RTNL_ITERS   changes per loop of the rtnl scenario (0: skip it)
#   STARVE_ITERS attach + detach cycles of the measured writer of the
#                starve scenario, alone and among two others (0: skip it)
#   SCENARIOS    space-separated filter (e.g. "bare tcx_1"), empty for all
#   DIRS         "ingress egress"
#   BURST        packets per skb (pktgen burst at ingress, clone_skb at
#                egress; 1000 keeps the allocator out of the measured path)
#
# Output: one line per measured run on stdout,
#   RESULT kernel=... dir=... scen=... n=... rep=... usec=... cusec=...
#          pkts=... ns_per_pkt=...
# plus "ctl ...", "rtnl ...", "starve ..." and "failslab ..." lines from tcxbench, "INFO ..." lines
# and "PROGRESS ..." lines for the host to show.
set -euo pipefail

: "${BENCH_BIN:?}" "${COUNT:?}" "${REPEATS:?}" "${NS_LIST:?}" "${TCX_MAX_N:?}" \
	"${CTL_ITERS:?}" "${CTL_FILLS:?}" "${FS_FILLS:?}" "${RTNL_ITERS:?}" "${STARVE_ITERS:?}" \
	"${SCENARIOS?}" "${DIRS:?}" "${BURST:?}"
DEV=bench0
WARMUP=$((COUNT / 4))

PG=/proc/net/pktgen
TCXBENCH=$BENCH_BIN/tcxbench
OBJ=$BENCH_BIN/tc_ret.o
KREL=$(uname -r)

info() { echo "INFO $*"; }
fail() { echo "BENCH-ERROR $*"; exit 1; }

# pg_result FILE: pktgen's "Result: ..." line of FILE into PG_RESULT, with
# bash builtins only (no fork: forks are slow in a debug guest under TCG).
pg_result() {
	local line
	PG_RESULT=
	while IFS= read -r line; do
		case $line in
		Result:*) PG_RESULT=$line; return 0 ;;
		esac
	done <"$1"
	return 1
}

# pgset FILE CMD: write a pktgen command and check its answer.
pgset() {
	echo "$2" >"$1" || fail "pktgen: '$2' > $1"
	case $1 in
	*/pgctrl) return 0 ;;
	esac
	pg_result "$1" || fail "pktgen: '$2' > $1: no result"
	case $PG_RESULT in
	"Result: OK"*) ;;
	*) fail "pktgen: '$2' > $1: $PG_RESULT" ;;
	esac
}

# pktgen_run DIR COUNT: one pktgen run on $DEV; prints "usec cusec pkts".
pktgen_run() {
	local dir=$1 count=$2 d=$PG/$DEV res
	pgset "$PG/kpktgend_0" "rem_device_all"
	pgset "$PG/kpktgend_0" "add_device $DEV"
	pgset "$d" "flag NO_TIMESTAMP"
	pgset "$d" "count $count"
	pgset "$d" "pkt_size 60"
	pgset "$d" "delay 0"
	pgset "$d" "dst 198.18.0.42"
	pgset "$d" "src_min 198.18.0.1"
	pgset "$d" "src_max 198.18.0.1"
	# Not our MAC: ingress packets leave the stack in ip_rcv (OTHERHOST).
	pgset "$d" "dst_mac 02:00:00:00:00:02"
	if [ "$dir" = ingress ]; then
		pgset "$d" "xmit_mode netif_receive"
		pgset "$d" "burst $BURST"
	else
		pgset "$d" "xmit_mode queue_xmit"
		pgset "$d" "clone_skb $BURST"
	fi
	pgset "$PG/pgctrl" "start"
	pg_result "$d" || fail "pktgen: no result in $d"
	res=$PG_RESULT
	# Result: OK: 412345(c412000+d345) usec, 200000 (60byte,0frags)
	[[ $res =~ OK:\ ([0-9]+)\(c([0-9]+)\+d([0-9]+)\)\ usec,\ ([0-9]+)\ \( ]] ||
		fail "pktgen result: $res"
	local pkts=${BASH_REMATCH[4]}
	[ "$pkts" -ge "$count" ] || fail "pktgen sent $pkts of $count"
	echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]} $pkts"
}

# measure DIR SCEN N: warm-up run, then REPEATS measured runs.
measure() {
	local dir=$1 scen=$2 n=$3 r out usec cusec pkts
	pktgen_run "$dir" "$WARMUP" >/dev/null
	for r in $(seq 1 "$REPEATS"); do
		out=$(pktgen_run "$dir" "$COUNT")
		read -r usec cusec pkts <<<"$out"
		echo "RESULT kernel=$KREL dir=$dir scen=$scen n=$n rep=$r usec=$usec cusec=$cusec pkts=$pkts ns_per_pkt=$(awk "BEGIN{printf \"%.2f\", $cusec*1000/$pkts}")"
	done
}

# measure-elsewhere DIR SCEN XDEV: measure, once the tcxbench runs around
# it attached one program to each direction of XDEV; $DEV has none.
measure_elsewhere() {
	local dir=$1 scen=$2 xdev=$3 d got
	for d in ingress egress; do
		got=$("$TCXBENCH" query "$DEV" "$d")
		[ "$got" = 0 ] || fail "$scen: $DEV has $got tcx programs at $d, expected none"
		got=$("$TCXBENCH" query "$xdev" "$d")
		[ "$got" = 1 ] || fail "$scen: $xdev has $got tcx programs at $d, expected one"
	done
	measure "$dir" "$scen" 0
}

want() {
	[ -z "$SCENARIOS" ] && return 0
	local s
	for s in $SCENARIOS; do
		# "tcx" matches every tcx_N, "tcx_4" only that one.
		[ "$s" = "$1" ] || [ "$s" = "${1%_*}" ] && return 0
	done
	return 1
}

tc_clsact() { tc qdisc add dev "$DEV" clsact; }
tc_clear() { tc qdisc del dev "$DEV" clsact 2>/dev/null || true; }

# tc_filters DIR N PRIOS: N-1 cls_bpf filters returning TC_ACT_UNSPEC and a
# last one returning TC_ACT_OK, each at its own prio (PRIOS=many, what
# independent loaders get) or all in one prio (PRIOS=one, one cls_bpf
# instance walking its own list).
tc_filters() {
	local dir=$1 n=$2 prios=$3 i prio sec batch
	batch=$(mktemp)
	# Lower prios run first. Within one prio cls_bpf runs its newest
	# filter first (it adds at the head of its list), so there the
	# accepting filter goes in first and the others after it.
	for i in $(seq 1 "$n"); do
		if [ "$prios" = many ]; then
			prio=$i sec=tc_unspec
			[ "$i" -eq "$n" ] && sec=tc_ok
		else
			prio=1 sec=tc_unspec
			[ "$i" -eq 1 ] && sec=tc_ok
		fi
		echo "filter add dev $DEV $dir prio $prio handle $i bpf da obj $OBJ sec $sec" >>"$batch"
	done
	tc -batch "$batch"
	rm -f "$batch"
	# tc lists the filters in the order they run: N-1 tc_unspec, then
	# tc_ok.
	local got want
	got=$(tc filter show dev "$DEV" "$dir" | grep -o 'tc_ret.o:\[tc_[a-z]*\]' | sed 's/.*\[//; s/\]//' | tr '\n' ' ')
	want="$(for i in $(seq 2 "$n"); do printf 'tc_unspec '; done)tc_ok "
	[ "$got" = "$want" ] || fail "cls_bpf filters on $dir run as '$got', expected '$want'"
}

progress() { echo "PROGRESS $*"; }

scenario() {
	local kind=$1 dir=$2 scen=$3 n=$4
	want "$scen" || return 0
	progress "$kind $dir $scen"
	case $scen in
	bare | bare_end)
		measure "$dir" "$scen" 0 ;;
	clsact_empty)
		tc_clsact; measure "$dir" "$scen" 0; tc_clear ;;
	clsact_empty_tcx_elsewhere)
		# $DEV as in clsact_empty, while another device has a tcx
		# program at ingress and one at egress (tcx in use).
		local xdev=${DEV}x
		ip link add "$xdev" type dummy
		ip link set "$xdev" up
		tc_clsact
		"$TCXBENCH" run "$xdev" ingress 1 -- "$TCXBENCH" run "$xdev" egress 1 -- \
			"$0" measure-elsewhere "$dir" "$scen" "$xdev"
		tc_clear
		ip link del "$xdev" ;;
	cls_bpf_*)
		tc_clsact; tc_filters "$dir" "$n" many; measure "$dir" "$scen" "$n"; tc_clear ;;
	cls_bpf1p_*)
		tc_clsact; tc_filters "$dir" "$n" one; measure "$dir" "$scen" "$n"; tc_clear ;;
	tcx_*)
		"$TCXBENCH" run "$DEV" "$dir" "$n" -- "$0" measure "$dir" "$scen" "$n" ;;
	mixed_*)
		tc_clsact; tc_filters "$dir" 1 many
		"$TCXBENCH" run "$DEV" "$dir" "$n" --all-next -- "$0" measure "$dir" "$scen" "$n"
		tc_clear ;;
	*) fail "unknown scenario $scen" ;;
	esac
}

setup() {
	ip link del "$DEV" 2>/dev/null || true
	ip link add "$DEV" type dummy
	ip link set "$DEV" up
	[ -d "$PG" ] || fail "no $PG (CONFIG_NET_PKTGEN)"
	info "kernel $(uname -r) $(uname -v)"
	info "cmdline $(cat /proc/cmdline)"
	info "clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	info "cpus $(nproc)"
	info "jit $(cat /proc/sys/net/core/bpf_jit_enable)"
}

all() {
	local kind=$1 dir n
	setup
	for dir in $DIRS; do
		scenario "$kind" "$dir" bare 0
		scenario "$kind" "$dir" clsact_empty 0
		for n in $NS_LIST; do
			scenario "$kind" "$dir" "cls_bpf_$n" "$n"
		done
		for n in $NS_LIST; do
			[ "$n" -eq 1 ] && continue
			scenario "$kind" "$dir" "cls_bpf1p_$n" "$n"
		done
		if [ "$kind" = ours ]; then
			for n in $NS_LIST $TCX_MAX_N; do
				scenario "$kind" "$dir" "tcx_$n" "$n"
			done
			scenario "$kind" "$dir" mixed_1 1
			scenario "$kind" "$dir" mixed_4 4
			scenario "$kind" "$dir" clsact_empty_tcx_elsewhere 0
		fi
	done
	# The same bare scenario again at the end of the boot: drift shows here.
	for dir in $DIRS; do
		scenario "$kind" "$dir" bare_end 0
	done

	if [ "$kind" = ours ] && [ "$CTL_ITERS" -gt 0 ]; then
		local cdev=${DEV}c
		ip link add "$cdev" type dummy
		ip link set "$cdev" up
		for dir in $DIRS; do
			progress "$kind $dir control plane ($CTL_ITERS iterations per op)"
			"$TCXBENCH" ctl "$cdev" "$dir" "$CTL_FILLS" "$CTL_ITERS" cpu
			"$TCXBENCH" ctl "$cdev" "$dir" "$CTL_FILLS" "$(( (CTL_ITERS + 9) / 10 ))" wall
		done
		failslab_check "$cdev"
		ip link del "$cdev"
	fi
	rtnl_check "$kind"
	starve_check "$kind"
	ip link del "$DEV"
	echo "BENCH-DONE"
}

# Scenario rtnl: an unrelated RTNL user (RTM_GETLINK of $DEV, back to
# back) alone, then, on ours, while another task changes the tcx ingress
# of a second device in a loop (link create + close, then opts attach +
# detach). The base kernel gives the reference without tcx.
rtnl_check() {
	local kind=$1 rdev=${DEV}r loop
	want rtnl || return 0
	[ "$RTNL_ITERS" -gt 0 ] || return 0
	ip link add "$rdev" type dummy
	ip link set "$rdev" up
	progress "$kind rtnl: RTM_GETLINK alone ($((RTNL_ITERS * 20)) requests)"
	"$TCXBENCH" rtnl "$rdev" "$DEV" none $((RTNL_ITERS * 20))
	if [ "$kind" = ours ]; then
		for loop in link opts; do
			progress "$kind rtnl: RTM_GETLINK while $RTNL_ITERS tcx $loop attach+detach run"
			"$TCXBENCH" rtnl "$rdev" "$DEV" "$loop" "$RTNL_ITERS"
		done
	fi
	ip link del "$rdev"
}

# Scenario starve (ours): one writer's attach + detach cycles on the tcx
# ingress of a device, alone, then while two other writers change the
# same hook as fast as they can (link create + close, then opts attach +
# detach).
starve_check() {
	local kind=$1 sdev=${DEV}s loop
	[ "$kind" = ours ] || return 0
	want starve || return 0
	[ "$STARVE_ITERS" -gt 0 ] || return 0
	ip link add "$sdev" type dummy
	ip link set "$sdev" up
	for loop in link opts; do
		progress "$kind starve: $STARVE_ITERS tcx $loop attach+detach, alone then among two other writers"
		"$TCXBENCH" starve "$sdev" "$loop" "$STARVE_ITERS"
	done
	ip link del "$sdev"
}

# Detach under failslab at 100% for our task only.
failslab_check() {
	local cdev=$1 fs=/sys/kernel/debug/failslab dir
	if [ ! -d "$fs" ]; then
		info "failslab: no $fs (CONFIG_FAILSLAB, debugfs), skipped"
		return 0
	fi
	# task-filter first: once the probability is set, only tasks that
	# set their make-it-fail see failures (tcxbench, around its calls).
	echo Y >"$fs/task-filter"
	echo -1 >"$fs/times"
	echo 1 >"$fs/interval"
	echo 0 >"$fs/space"
	echo 0 >"$fs/verbose"
	echo N >"$fs/ignore-gfp-wait"
	echo N >"$fs/cache-filter"
	echo 100 >"$fs/probability"
	for dir in $DIRS; do
		progress "ours $dir detach under failslab 100%"
		"$TCXBENCH" failslab "$cdev" "$dir" "$FS_FILLS" || true
	done
	echo 0 >"$fs/probability"
}

case ${1:-} in
all) all "${2:?kind}" ;;
measure) measure "$2" "$3" "$4" ;;
measure-elsewhere) measure_elsewhere "$2" "$3" "$4" ;;
*) echo "usage: $0 all base|ours | measure DIR SCEN N | measure-elsewhere DIR SCEN XDEV" >&2; exit 2 ;;
esac
