#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tc and ip of iproute2 with our patches (iproute2/patches/, built by
# scripts/iproute2 into $IPROUTE2_OUT/bin, first in the guest's PATH):
#   - 'tc -j filter show' prints exactly Debian's array of filters, tcx
#     programs attached or not: a script written against Debian's tc
#     (jq, below) runs unchanged; 'tc chain show' and 'tc qdisc show' too;
#   - 'tc filter show dev veth0 ingress|egress' (text) lists the tcx
#     programs of that hook first, in run order (the order bpftool net show
#     gives), one "tcx/DIR prog_id N name NAME tag TAG [link_id N]" line
#     each, then a line saying they run before the filters below; then
#     Debian's lines; -s adds nothing;
#   - 'tc [-j] filter show dev veth0 [ingress|egress] tcx' lists only the
#     tcx programs (JSON objects: direction, prog_id, name, tag, link_id);
#   - 'ip -d link show' has tcx/ingress and tcx/egress lines (a "tcx"
#     object in JSON) with the same words, and bpftool net show -j the
#     same prog_id, name and link_id (plus prog_flags and link_flags);
#   - with no tcx program attached, or when the query is refused (no
#     capabilities: the path a kernel without tcx takes, EINVAL there), the
#     output is byte-identical to Debian's /sbin/tc and /bin/ip on the same
#     setup.
#   - with NOTCX=1 in the environment (make check-notcx boots the base
#     kernel, which has no tcx, and runs this script so) it checks that
#     the kernel has no tcx, then that the same commands on a dummy device
#     print what Debian's print, that the Debian script runs unchanged and
#     that the tcx list is empty, and stops.
# Programs: the selftests' test_tcx_libbpf.bpf.o (tcx_in1, tcx_in2,
# tcx_eg1; attached without links by 'bpftool net attach') and
# examples/tcx-order (two programs attached through pinned links).
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"
set -u

OURS=${IPROUTE2_OUT:?}/bin
DEB_TC=/sbin/tc DEB_IP=/bin/ip
B=${BPFTOOL:?}
DEV=veth0 PEER=veth1
# NOTCX=1: a kernel without tcx
NOTCX=${NOTCX:-0}
case $NOTCX in
0) ;;
1) DEV=tcxnt0 PEER= ;;
*) bail "NOTCX=$NOTCX" "NOTCX is 1 (a kernel without tcx) or 0" ;;
esac
scratch iproute2 "$DEV"

# same NAME ARGS...: ours and Debian's tc (ARGS start with 'tc') or ip
# print the same bytes and exit with the same status
same() {
	local name=$1 tool=$2 deb rc_o rc_d
	shift 2
	case $tool in tc) deb=$DEB_TC ;; ip) deb=$DEB_IP ;; esac
	"$OURS/$tool" "$@" >"$W/ours" 2>&1; rc_o=$?
	"$deb" "$@" >"$W/deb" 2>&1; rc_d=$?
	if [ "$rc_o" = "$rc_d" ] && cmp -s "$W/ours" "$W/deb"; then
		ok "$name"
	else
		not_ok "$name" "status $rc_o vs Debian's $rc_d; diff: $(diff "$W/deb" "$W/ours" | head -n 8 | tr '\n' '|')"
	fi
}

# py NAME CODE ARGS...: a Python check (CODE exits non-zero with a reason
# on stdout when it fails)
py() {
	local name=$1 code=$2 why
	shift 2
	if why=$(python3 -c "$code" "$@" 2>&1); then ok "$name"; else not_ok "$name" "$why"; fi
}

# --- the guest's PATH ------------------------------------------------------
for t in tc ip; do
	if [ "$(command -v "$t")" = "$OURS/$t" ]; then ok "PATH: $t is $OURS/$t"
	else not_ok "PATH: $t is $OURS/$t" "command -v $t: $(command -v "$t")"; fi
done
{ [ -x "$DEB_TC" ] && [ -x "$DEB_IP" ]; } || bail "Debian's $DEB_TC and $DEB_IP" "missing"
command -v jq >/dev/null || bail "jq" "missing (scripts/deps installs it)"

# A script written against Debian 12's tc, kept as such (not run through
# our helpers): every element of 'tc -j filter show' is a filter, and the
# classic filters are read from the JSON and from the text lines that
# start with "filter". Its third argument picks the tc (default: the
# one in PATH, ours).
cat >"$W/debian-script" <<'EOF'
#!/bin/sh
set -e
dev=$1 out=$2 tc=${3:-tc}
"$tc" -j filter show dev "$dev" ingress >"$out.json"
jq -e 'type == "array" and length > 0 and all(.[]; has("protocol") and has("pref") and has("kind"))' "$out.json" >/dev/null
jq -r '.[] | select(.options.handle) | "json \(.pref) \(.options.handle) \(.kind)"' "$out.json"
"$tc" filter show dev "$dev" ingress |
	awk '$1 == "filter" && $9 == "handle" { print "text", $5, $10, $6 }'
EOF
chmod +x "$W/debian-script"

# debian_script NAME: the script above prints the same with our tc and
# with Debian's, the one classic filter in JSON and in text
debian_script() {
	local want
	want=$(printf 'json 49152 0x1 bpf\ntext 49152 0x1 bpf')
	if ! "$W/debian-script" "$DEV" "$W/ds-ours" >"$W/ds-ours.out" 2>&1; then
		not_ok "$1" "the script failed on our tc: $(tr '\n' '|' <"$W/ds-ours.out") $(head -c 300 "$W/ds-ours.json")"
	elif ! "$W/debian-script" "$DEV" "$W/ds-deb" "$DEB_TC" >"$W/ds-deb.out" 2>&1; then
		not_ok "$1" "the script failed on Debian's tc: $(tr '\n' '|' <"$W/ds-deb.out")"
	elif ! cmp -s "$W/ds-ours.out" "$W/ds-deb.out" || [ "$(cat "$W/ds-ours.out")" != "$want" ]; then
		not_ok "$1" "ours: $(tr '\n' '|' <"$W/ds-ours.out"), Debian's: $(tr '\n' '|' <"$W/ds-deb.out"), expected: $(echo "$want" | tr '\n' '|')"
	else
		ok "$1"
	fi
}

# tcx_empty WHEN: 'tc filter show ... tcx' lists nothing, [] in JSON
tcx_empty() {
	local rc_t rc_j
	tc filter show dev "$DEV" ingress tcx >"$W/tcx.txt" 2>&1; rc_t=$?
	tc -j filter show dev "$DEV" tcx >"$W/tcx.json" 2>&1; rc_j=$?
	if [ "$rc_t" = 0 ] && [ "$rc_j" = 0 ] && [ ! -s "$W/tcx.txt" ] && [ "$(cat "$W/tcx.json")" = "[]" ]; then
		ok "$1: tc [-j] filter show dev $DEV [ingress] tcx: nothing, []"
	else
		not_ok "$1: tc [-j] filter show dev $DEV [ingress] tcx: nothing, []" \
			"status $rc_t/$rc_j: $(tr '\n' '|' <"$W/tcx.txt") $(cat "$W/tcx.json")"
	fi
}

OBJ=${TCX_BPF_OBJ:-$(dirname "${TEST_PROGS:?}")/test_tcx_libbpf.bpf.o}
EX=${TOOLS_OUT:-}/examples/tcx-order/tcx_order
[ -f "$OBJ" ] || bail "BPF object $OBJ" "missing: build the selftests (make tools)"
[ -x "$EX" ] || bail "examples/tcx-order" "missing: $EX (make tools)"

# --- setup: a veth pair, clsact with one classic cls_bpf filter per side -----
if [ "$NOTCX" = 1 ]; then
	ip link add "$DEV" type dummy || bail "ip link add $DEV type dummy"
else
	ip link add "$DEV" type veth peer name "$PEER" || bail "ip link add $DEV"
fi
# No IPv6 autoconfiguration traffic on the pair: the counters 'ip -s'
# prints must not move between our command and Debian's.
devs=("$DEV")
[ -z "$PEER" ] || devs+=("$PEER")
for d in "${devs[@]}"; do
	f=/proc/sys/net/ipv6/conf/$d/disable_ipv6
	[ ! -w "$f" ] || echo 1 >"$f"
done
ip link set "$DEV" up && { [ -z "$PEER" ] || ip link set "$PEER" up; }
"$DEB_TC" qdisc add dev "$DEV" clsact || bail "tc qdisc add dev $DEV clsact"
"$DEB_TC" filter add dev "$DEV" ingress bpf da obj "$OBJ" sec tcx/ingress ||
	bail "tc filter add dev $DEV ingress bpf"
"$DEB_TC" filter add dev "$DEV" egress bpf da obj "$OBJ" sec tcx/egress ||
	bail "tc filter add dev $DEV egress bpf"

# every command whose output must not change while no tcx program is there
classic() {
	local when=$1
	same "$when: tc filter show dev $DEV ingress" tc filter show dev "$DEV" ingress
	same "$when: tc filter show dev $DEV egress" tc filter show dev "$DEV" egress
	same "$when: tc -s filter show dev $DEV ingress" tc -s filter show dev "$DEV" ingress
	same "$when: tc -j filter show dev $DEV ingress" tc -j filter show dev "$DEV" ingress
	same "$when: tc -j -s filter show dev $DEV egress" tc -j -s filter show dev "$DEV" egress
	same "$when: tc filter show dev $DEV parent ffff:fff2" tc filter show dev "$DEV" parent ffff:fff2
	same "$when: tc filter show dev $DEV" tc filter show dev "$DEV"
	same "$when: tc qdisc show dev $DEV" tc qdisc show dev "$DEV"
	same "$when: ip -d link show" ip -d link show
	same "$when: ip -d -j link show" ip -d -j link show
	same "$when: ip -s -d link show dev $DEV" ip -s -d link show dev "$DEV"
	same "$when: ip -d addr show dev $DEV" ip -d addr show dev "$DEV"
	same "$when: ip link show" ip link show
}

# --- a kernel without tcx: the classic output, and nothing else to test -------
if [ "$NOTCX" = 1 ]; then
	"${PROBE_DIR:?}/tcx_link_probe" >"$W/probe" 2>&1
	rc=$?
	if [ "$rc" != 0 ] && grep -q EINVAL "$W/probe"; then
		ok "kernel without tcx: BPF_LINK_CREATE tcx_ingress gets EINVAL ($(uname -r))"
	else
		bail "kernel without tcx: BPF_LINK_CREATE tcx_ingress gets EINVAL ($(uname -r))" \
			"probe status $rc: $(tr '\n' ' ' <"$W/probe")"
	fi
	classic "kernel without tcx"
	debian_script "kernel without tcx: a script written for Debian's tc -j filter show runs unchanged"
	tcx_empty "kernel without tcx"
	tap_done
fi

# --- nothing attached through tcx ------------------------------------------
classic "no tcx program"
debian_script "no tcx program: a script written for Debian's tc -j filter show runs unchanged"
tcx_empty "no tcx program"

# --- one program through a link, one without -----------------------------------
mkdir -p "$PIN/links"
"$B" prog loadall "$OBJ" "$PIN/progs" >"$W/out" 2>&1 || bail "bpftool prog loadall" "$(cat "$W/out")"
"$EX" -d "$DEV" -p "$PIN/links" >"$W/out" 2>&1 || bail "examples/tcx-order -p" "$(tr '\n' '|' <"$W/out")"
LF=$(link_field id pinned "$PIN/links/tcx_first")
LS=$(link_field id pinned "$PIN/links/tcx_second")
PF=$(link_field prog_id pinned "$PIN/links/tcx_first")
"$B" link detach id "$LS" || bail "bpftool link detach id $LS"
rm -f "$PIN/links/tcx_second"
"$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in1" dev "$DEV" || bail "bpftool net attach tcx_ingress tcx_in1"
"$B" net attach tcx_egress pinned "$PIN/progs/tcx_eg1" dev "$DEV" || bail "bpftool net attach tcx_egress tcx_eg1"
P1=$PF
ID1=$(prog_field id pinned "$PIN/progs/tcx_in1")
IDE=$(prog_field id pinned "$PIN/progs/tcx_eg1")
TF=$(prog_field tag id "$P1") T1=$(prog_field tag id "$ID1") TE=$(prog_field tag id "$IDE")

# The outputs of the report: two programs on ingress, one through a link.
for c in "tc filter show dev $DEV ingress" "tc -j filter show dev $DEV ingress" \
	"tc -j filter show dev $DEV tcx" "ip -d link show dev $DEV" "ip -d -j link show dev $DEV" \
	"$B -j net show dev $DEV"; do
	echo "# \$ ${c//"$B"/bpftool}"
	# shellcheck disable=SC2086 # word splitting intended
	$c 2>&1 | sed 's/^/#   /'
done

# --- tc -j filter show: Debian's array of filters, tcx programs or not --------
debian_script "tcx programs attached: a script written for Debian's tc -j filter show runs unchanged"
same "tcx programs attached: tc -j filter show dev $DEV ingress" tc -j filter show dev "$DEV" ingress
same "tcx programs attached: tc -j -s filter show dev $DEV egress" tc -j -s filter show dev "$DEV" egress
same "tcx programs attached: tc -j filter show dev $DEV parent ffff:fff2" tc -j filter show dev "$DEV" parent ffff:fff2
same "tcx programs attached: tc -j filter show dev $DEV" tc -j filter show dev "$DEV"
# only the text of 'filter show' at the ingress/egress parents gets tcx lines
same "tcx programs attached: tc filter show dev $DEV (no parent)" tc filter show dev "$DEV"
same "tcx programs attached: tc chain show dev $DEV ingress" tc chain show dev "$DEV" ingress
same "tcx programs attached: tc -j chain show dev $DEV ingress" tc -j chain show dev "$DEV" ingress
same "tcx programs attached: tc qdisc show dev $DEV" tc qdisc show dev "$DEV"

# --- tc filter show (text): the tcx lines, then Debian's -----------------------
# the tcx program lines of ingress here, in run order
ingress_tcx_lines() {
	cat <<EOF
tcx/ingress prog_id $P1 name tcx_first tag $TF link_id $LF
tcx/ingress prog_id $ID1 name tcx_in1 tag $T1
EOF
}
egress_tcx_lines() { echo "tcx/egress prog_id $IDE name tcx_eg1 tag $TE"; }

"$DEB_TC" filter show dev "$DEV" ingress >"$W/deb"
tc filter show dev "$DEV" ingress >"$W/ours" 2>&1
{
	ingress_tcx_lines
	echo "tcx/ingress: these programs run in this order before the filters below"
	cat "$W/deb"
} >"$W/expect"
feq "tc filter show ingress: link and opts programs, then Debian's filter lines" "$W/ours" "$W/expect"

"$DEB_TC" filter show dev "$DEV" egress >"$W/deb"
tc filter show dev "$DEV" egress >"$W/ours" 2>&1
{
	egress_tcx_lines
	echo "tcx/egress: this program runs before the filters below"
	cat "$W/deb"
} >"$W/expect"
feq "tc filter show egress: one program, then Debian's filter lines" "$W/ours" "$W/expect"

"$DEB_TC" -s filter show dev "$DEV" ingress >"$W/deb"
tc -s filter show dev "$DEV" ingress >"$W/ours" 2>&1
{
	ingress_tcx_lines
	echo "tcx/ingress: these programs run in this order before the filters below"
	cat "$W/deb"
} >"$W/expect"
feq "tc -s filter show ingress: -s adds nothing to the tcx lines" "$W/ours" "$W/expect"

# --- tc filter show ... tcx: the tcx programs only --------------------------------
tc filter show dev "$DEV" ingress tcx >"$W/ours" 2>&1
ingress_tcx_lines >"$W/expect"
feq "tc filter show dev $DEV ingress tcx: the tcx lines only" "$W/ours" "$W/expect"
tc filter show dev "$DEV" tcx >"$W/ours" 2>&1
{ ingress_tcx_lines; egress_tcx_lines; } >"$W/expect"
feq "tc filter show dev $DEV tcx: ingress, then egress" "$W/ours" "$W/expect"

# the objects 'tc -j filter show ... tcx' prints here
TCX_IN=$(jq -n -c --argjson p1 "$P1" --argjson lf "$LF" --argjson id1 "$ID1" --arg tf "$TF" --arg t1 "$T1" \
	'[{direction: "ingress", prog_id: $p1, name: "tcx_first", tag: $tf, link_id: $lf},
	  {direction: "ingress", prog_id: $id1, name: "tcx_in1", tag: $t1}]')
TCX_EG=$(jq -n -c --argjson ide "$IDE" --arg te "$TE" \
	'[{direction: "egress", prog_id: $ide, name: "tcx_eg1", tag: $te}]')
TCX_ALL=$(jq -n -c --argjson in "$TCX_IN" --argjson eg "$TCX_EG" '$in + $eg')
tc -j filter show dev "$DEV" ingress tcx >"$W/ours.json" 2>&1
jeq "tc -j filter show dev $DEV ingress tcx: direction, prog_id, name, tag, link_id when link-owned" \
	"$W/ours.json" "$TCX_IN"
tc -j filter show dev "$DEV" egress tcx >"$W/ours.json" 2>&1
jeq "tc -j filter show dev $DEV egress tcx" "$W/ours.json" "$TCX_EG"
tc -j filter show dev "$DEV" parent ffff:fff2 tcx >"$W/ours.json" 2>&1
jeq "tc -j filter show dev $DEV parent ffff:fff2 tcx: as ingress" "$W/ours.json" "$TCX_IN"
tc -j filter show dev "$DEV" tcx >"$W/ours.json" 2>&1
jeq "tc -j filter show dev $DEV tcx: both hooks, ingress first" "$W/ours.json" "$TCX_ALL"
if ! tc filter show dev "$DEV" root tcx >"$W/out" 2>&1 && grep -q '^Error: "tcx" lists the programs of the ingress or egress hook only$' "$W/out" &&
	! "$DEB_TC" filter show dev "$DEV" ingress tcx >/dev/null 2>&1; then
	ok "tc filter show ... root tcx: an error; Debian's tc rejects 'tcx' (a script can tell)"
else
	not_ok "tc filter show ... root tcx: an error; Debian's tc rejects 'tcx' (a script can tell)" "$(tr '\n' '|' <"$W/out")"
fi

# --- ip -d link show: Debian's output plus our tcx lines ------------------------
ip -d link show dev "$DEV" >"$W/ours" 2>&1
"$DEB_IP" -d link show dev "$DEV" >"$W/deb"
py "ip -d link show: Debian's lines, then one tcx line per program in run order" '
import sys
ours, deb = open(sys.argv[1]).read(), open(sys.argv[2]).read()
pf, lf, id1, ide, tf, t1, te = sys.argv[3:10]
lines = ours.split("\n")
tcx = [l for l in lines if l.startswith("    tcx/")]
rest = "\n".join(l for l in lines if not l.startswith("    tcx/"))
if rest != deb:
    print("without the tcx lines it differs from Debian'"'"'s: %r vs %r" % (rest, deb)); sys.exit(1)
want = ["    tcx/ingress prog_id %s name tcx_first tag %s link_id %s " % (pf, tf, lf),
        "    tcx/ingress prog_id %s name tcx_in1 tag %s " % (id1, t1),
        "    tcx/egress prog_id %s name tcx_eg1 tag %s " % (ide, te)]
if tcx != want:
    print("tcx lines %r, expected %r" % (tcx, want)); sys.exit(1)
if lines[-len(tcx) - 1:] != tcx + [""]:
    print("tcx lines not at the end: %r" % lines); sys.exit(1)
' "$W/ours" "$W/deb" "$P1" "$LF" "$ID1" "$IDE" "$TF" "$T1" "$TE"

ip -d -j link show dev "$DEV" >"$W/ours.json" 2>&1
"$DEB_IP" -d -j link show dev "$DEV" >"$W/deb.json"
jeq "ip -d -j link show: Debian's object plus \"tcx\"" "$W/ours.json" "$(cat "$W/deb.json")" 'del(.[0].tcx)'
jeq "ip -d -j link show: tcx.ingress/egress with prog_id, name, tag, link_id when link-owned" "$W/ours.json" \
	"$(jq -n -c --argjson in "$TCX_IN" --argjson eg "$TCX_EG" \
		'{ingress: ($in | map(del(.direction))), egress: ($eg | map(del(.direction)))}')" '.[0].tcx'

same "ip link show (no -d): unchanged with tcx programs" ip link show dev "$DEV"
same "ip -j link show (no -d): unchanged with tcx programs" ip -j link show dev "$DEV"

# --- bpftool net show -j: the same words, plus the attach flags -----------------
"$B" -j net show dev "$DEV" >"$W/net.json" 2>&1
jeq "bpftool -j net show: tcx entries with prog_id, name, prog_flags [], link_id and link_flags [] when link-owned" \
	"$W/net.json" "$(jq -n -c --argjson all "$TCX_ALL" \
		'$all | map({kind: ("tcx/" + .direction), name, prog_id, prog_flags: []} +
			if .link_id then {link_id, link_flags: []} else {} end)')" \
	'[.[0].tc[] | select(.kind | startswith("tcx/")) | del(.devname, .ifindex)]'

# --- run order: one vocabulary, as bpftool net show lists it -----------------------
"$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in2" dev "$DEV" prepend ||
	bail "bpftool net attach tcx_ingress tcx_in2 prepend"
# the same jq on the three tools' lists: prog_id, name, link_id (null without a link)
VOCAB='map({prog_id, name, link_id})'
for d in ingress egress; do
	"$B" -j net show dev "$DEV" | jq -c ".[0].tc | map(select(.kind == \"tcx/$d\")) | $VOCAB" >"$W/order.bpftool"
	tc -j filter show dev "$DEV" "$d" tcx | jq -c "$VOCAB" >"$W/order.tc"
	ip -d -j link show dev "$DEV" | jq -c ".[0].tcx.$d | $VOCAB" >"$W/order.ip"
	if [ -s "$W/order.bpftool" ] && [ "$(cat "$W/order.bpftool")" != "[]" ] &&
		cmp -s "$W/order.bpftool" "$W/order.tc" && cmp -s "$W/order.bpftool" "$W/order.ip"; then
		ok "run order at $d (tcx_in2 prepended): tc -j ... tcx and ip -d -j list what bpftool -j net show lists"
	else
		not_ok "run order at $d (tcx_in2 prepended): tc -j ... tcx and ip -d -j list what bpftool -j net show lists" \
			"bpftool $(cat "$W/order.bpftool"), tc $(cat "$W/order.tc"), ip $(cat "$W/order.ip")"
	fi
done
tc filter show dev "$DEV" ingress >"$W/ours" 2>&1
if [ "$(awk '/^tcx\/ingress prog_id / { printf "%s ", $5 }' "$W/ours")" = "tcx_in2 tcx_first tcx_in1 " ]; then
	ok "tc filter show ingress: tcx_in2, tcx_first, tcx_in1"
else
	not_ok "tc filter show ingress: tcx_in2, tcx_first, tcx_in1" "$(tr '\n' '|' <"$W/ours")"
fi
same "tcx_in2 prepended: tc -j filter show dev $DEV ingress" tc -j filter show dev "$DEV" ingress

# --- the query refused: the output of a tc/ip that knows nothing of tcx ------
# Without capabilities BPF_PROG_QUERY fails (EPERM), as it fails with EINVAL
# on a kernel without tcx: nothing is printed, even with programs attached.
if command -v setpriv >/dev/null; then
	nocap() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all "$@"; }
	if nocap "$OURS/tc" filter show dev "$DEV" ingress >"$W/ours" 2>&1 &&
		nocap "$DEB_TC" filter show dev "$DEV" ingress >"$W/deb" 2>&1 && cmp -s "$W/ours" "$W/deb" &&
		nocap "$OURS/ip" -d -j link show dev "$DEV" >"$W/ours" 2>&1 &&
		nocap "$DEB_IP" -d -j link show dev "$DEV" >"$W/deb" 2>&1 && cmp -s "$W/ours" "$W/deb"; then
		ok "query refused (no capabilities): tc filter show and ip -d -j link show as Debian's"
	else
		not_ok "query refused (no capabilities): tc filter show and ip -d -j link show as Debian's" \
			"$(diff "$W/deb" "$W/ours" | head -n 6 | tr '\n' '|')"
	fi
	if ! nocap "$OURS/tc" -j filter show dev "$DEV" ingress tcx >"$W/ours" 2>&1 &&
		grep -q '^Error: cannot list the tcx/ingress programs of '"$DEV"': Operation not permitted$' "$W/ours"; then
		ok "query refused (no capabilities): tc filter show ... tcx is an error"
	else
		not_ok "query refused (no capabilities): tc filter show ... tcx is an error" "$(tr '\n' '|' <"$W/ours")"
	fi
else
	skip "query refused (no capabilities)" "no setpriv"
fi

# --- all detached: byte-identical again ---------------------------------------------
"$B" link detach pinned "$PIN/links/tcx_first" || bail "bpftool link detach tcx_first"
for i in 1 2; do "$B" net detach tcx_ingress dev "$DEV" || bail "bpftool net detach tcx_ingress ($i)"; done
"$B" net detach tcx_egress dev "$DEV" || bail "bpftool net detach tcx_egress"
classic "all tcx programs detached"
tcx_empty "all tcx programs detached"

tap_done
