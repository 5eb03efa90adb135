#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tc and ip of iproute2 with our patches (iproute2/patches/, built by
# scripts/iproute2 into $IPROUTE2_OUT/bin, first in the guest's PATH):
#   - 'tc filter show dev veth0 ingress|egress' lists the tcx programs of
#     that hook first, in run order (the order bpftool net show gives), with
#     id, name, tag and link id or "attached without a link", then a line
#     saying they run before the filters below; -j adds one well-formed
#     object at the head of the array; -s adds nothing;
#   - 'ip -d link show' has tcx/ingress and tcx/egress lines (a "tcx"
#     object in JSON);
#   - with no tcx program attached, or when the query is refused (no
#     capabilities: the path a kernel without tcx takes, EINVAL there), the
#     output is byte-identical to Debian's /sbin/tc and /bin/ip on the same
#     setup.
#   - guest/notcx/55-iproute2.sh (a link to this script; make check-notcx
#     boots the base kernel, which has no tcx, with that directory as the
#     guest tests) checks that the kernel has no tcx, then that the same
#     commands on a dummy device print what Debian's print, and stops.
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
# run as guest/notcx/55-iproute2.sh: a kernel without tcx
NOTCX=
[ "$(basename "$(dirname "$0")")" != notcx ] || NOTCX=1 DEV=tcxnt0 PEER=
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

# teq NAME EXPECTED_FILE GOT_FILE: the two files have the same bytes
teq() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		not_ok "$1" "expected (<) vs got (>): $(diff "$2" "$3" | head -n 10 | tr '\n' '|')"
	fi
}

# py NAME CODE ARGS...: a Python check (CODE exits non-zero with a reason
# on stdout when it fails)
py() {
	local name=$1 code=$2 why
	shift 2
	if why=$(python3 -c "$code" "$@" 2>&1); then ok "$name"; else not_ok "$name" "$why"; fi
}

# jval FILE SELECTOR: one value of the JSON in FILE
jval() {
	python3 -c 'import json, sys; print(eval(sys.argv[2], {"d": json.load(open(sys.argv[1]))}))' "$1" "$2"
}
prog_field() { "$B" -j prog show id "$1" >"$W/p.json" && jval "$W/p.json" "d[\"$2\"]"; }
link_field() { "$B" -j link show pinned "$1" >"$W/l.json" && jval "$W/l.json" "d[\"$2\"]"; }

# --- the guest's PATH ------------------------------------------------------
for t in tc ip; do
	if [ "$(command -v "$t")" = "$OURS/$t" ]; then ok "PATH: $t is $OURS/$t"
	else not_ok "PATH: $t is $OURS/$t" "command -v $t: $(command -v "$t")"; fi
done
{ [ -x "$DEB_TC" ] && [ -x "$DEB_IP" ]; } || bail "Debian's $DEB_TC and $DEB_IP" "missing"

OBJ=${TCX_BPF_OBJ:-$(dirname "${TEST_PROGS:?}")/test_tcx_libbpf.bpf.o}
EX=${TOOLS_OUT:-}/examples/tcx-order/tcx_order
[ -f "$OBJ" ] || bail "BPF object $OBJ" "missing: build the selftests (make tools)"
[ -x "$EX" ] || bail "examples/tcx-order" "missing: $EX (make tools)"

# --- setup: a veth pair, clsact with one classic cls_bpf filter per side -----
if [ -n "$NOTCX" ]; then
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
if [ -n "$NOTCX" ]; then
	"${PROBE_DIR:?}/tcx_link_probe" >"$W/probe" 2>&1
	rc=$?
	if [ "$rc" != 0 ] && grep -q EINVAL "$W/probe"; then
		ok "kernel without tcx: BPF_LINK_CREATE tcx_ingress gets EINVAL ($(uname -r))"
	else
		bail "kernel without tcx: BPF_LINK_CREATE tcx_ingress gets EINVAL ($(uname -r))" \
			"probe status $rc: $(tr '\n' ' ' <"$W/probe")"
	fi
	classic "kernel without tcx"
	tap_done
fi

# --- nothing attached through tcx ------------------------------------------
classic "no tcx program"

# --- one program through a link, one without -----------------------------------
mkdir -p "$PIN/links"
"$B" prog loadall "$OBJ" "$PIN/progs" >"$W/out" 2>&1 || bail "bpftool prog loadall" "$(cat "$W/out")"
"$EX" -d "$DEV" -p "$PIN/links" >"$W/out" 2>&1 || bail "examples/tcx-order -p" "$(tr '\n' '|' <"$W/out")"
LF=$(link_field "$PIN/links/tcx_first" id)
LS=$(link_field "$PIN/links/tcx_second" id)
PF=$(link_field "$PIN/links/tcx_first" prog_id)
"$B" link detach id "$LS" || bail "bpftool link detach id $LS"
rm -f "$PIN/links/tcx_second"
"$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in1" dev "$DEV" || bail "bpftool net attach tcx_ingress tcx_in1"
"$B" net attach tcx_egress pinned "$PIN/progs/tcx_eg1" dev "$DEV" || bail "bpftool net attach tcx_egress tcx_eg1"
P1=$PF
ID1=$("$B" -j prog show pinned "$PIN/progs/tcx_in1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
IDE=$("$B" -j prog show pinned "$PIN/progs/tcx_eg1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
TF=$(prog_field "$P1" tag) T1=$(prog_field "$ID1" tag) TE=$(prog_field "$IDE" tag)

# The outputs of the report: two programs on ingress, one through a link.
for c in "tc filter show dev $DEV ingress" "tc -j filter show dev $DEV ingress" "ip -d link show dev $DEV"; do
	echo "# \$ $c"
	# shellcheck disable=SC2086 # word splitting intended
	$c 2>&1 | sed 's/^/#   /'
done

# the tcx lines our tc prints in front of Debian's at ingress here
ingress_tcx_lines() {
	cat <<EOF
tcx/ingress prog id $P1 name tcx_first tag $TF link id $LF
tcx/ingress prog id $ID1 name tcx_in1 tag $T1 attached without a link
tcx/ingress: these programs run in this order before the filters below
EOF
}

"$DEB_TC" filter show dev "$DEV" ingress >"$W/deb"
tc filter show dev "$DEV" ingress >"$W/ours" 2>&1
{
	ingress_tcx_lines
	cat "$W/deb"
} >"$W/expect"
teq "tc filter show ingress: link and opts programs, then Debian's filter lines" "$W/expect" "$W/ours"

"$DEB_TC" filter show dev "$DEV" egress >"$W/deb"
tc filter show dev "$DEV" egress >"$W/ours" 2>&1
{
	cat <<EOF
tcx/egress prog id $IDE name tcx_eg1 tag $TE attached without a link
tcx/egress: this program runs before the filters below
EOF
	cat "$W/deb"
} >"$W/expect"
teq "tc filter show egress: one program, then Debian's filter lines" "$W/expect" "$W/ours"

"$DEB_TC" -s filter show dev "$DEV" ingress >"$W/deb"
tc -s filter show dev "$DEV" ingress >"$W/ours" 2>&1
{
	ingress_tcx_lines
	cat "$W/deb"
} >"$W/expect"
teq "tc -s filter show ingress: -s adds nothing to the tcx lines" "$W/expect" "$W/ours"

# JSON: well-formed, our object first, Debian's objects after it unchanged
JCHECK='
import json, sys
ours, deb, expect = sys.argv[1:4]
try:
    o = json.load(open(ours))
except Exception as e:
    print("not JSON (%s): %s" % (e, open(ours).read()[:300])); sys.exit(1)
d = json.load(open(deb))
exp = json.loads(expect)
if not isinstance(o, list) or not o:
    print("not a non-empty array: %s" % json.dumps(o)[:300]); sys.exit(1)
if o[0] != exp:
    print("first object %s, expected %s" % (json.dumps(o[0]), json.dumps(exp))); sys.exit(1)
if o[1:] != d:
    print("the rest differs from Debian'"'"'s: %s vs %s" % (json.dumps(o[1:])[:200], json.dumps(d)[:200])); sys.exit(1)
'
tc -j filter show dev "$DEV" ingress >"$W/ours.json" 2>&1
"$DEB_TC" -j filter show dev "$DEV" ingress >"$W/deb.json"
py "tc -j filter show ingress: JSON, tcx object first, then Debian's" "$JCHECK" "$W/ours.json" "$W/deb.json" \
	"{\"kind\": \"tcx\", \"direction\": \"ingress\", \"progs\": [{\"id\": $P1, \"name\": \"tcx_first\", \"tag\": \"$TF\", \"link_id\": $LF}, {\"id\": $ID1, \"name\": \"tcx_in1\", \"tag\": \"$T1\", \"link_id\": 0}], \"run_before_filters\": true}"
tc -j -s filter show dev "$DEV" egress >"$W/ours.json" 2>&1
"$DEB_TC" -j -s filter show dev "$DEV" egress >"$W/deb.json"
py "tc -j -s filter show egress: JSON, tcx object first, then Debian's" "$JCHECK" "$W/ours.json" "$W/deb.json" \
	"{\"kind\": \"tcx\", \"direction\": \"egress\", \"progs\": [{\"id\": $IDE, \"name\": \"tcx_eg1\", \"tag\": \"$TE\", \"link_id\": 0}], \"run_before_filters\": true}"
tc -j filter show dev "$DEV" ingress | python3 -c 'import json, sys; json.load(sys.stdin)' 2>"$W/err"
check "tc -j filter show ingress: python3 json.load" test ! -s "$W/err"

# only the ingress/egress parents get the tcx lines
same "tc filter show dev $DEV (no parent): unchanged" tc filter show dev "$DEV"
same "tc qdisc show dev $DEV: unchanged" tc qdisc show dev "$DEV"

# ip -d link show: Debian's output plus our tcx lines at the end of the details
ip -d link show dev "$DEV" >"$W/ours" 2>&1
"$DEB_IP" -d link show dev "$DEV" >"$W/deb"
py "ip -d link show: Debian's lines, then one tcx line per program in run order" '
import re, sys
ours, deb = open(sys.argv[1]).read(), open(sys.argv[2]).read()
pf, lf, id1, ide, tf, t1, te = sys.argv[3:10]
lines = ours.split("\n")
tcx = [l for l in lines if l.startswith("    tcx/")]
rest = "\n".join(l for l in lines if not l.startswith("    tcx/"))
if rest != deb:
    print("without the tcx lines it differs from Debian'"'"'s: %r vs %r" % (rest, deb)); sys.exit(1)
want = [("ingress", pf, "tcx_first", tf, " link_id %s " % lf), ("ingress", id1, "tcx_in1", t1, " "),
        ("egress", ide, "tcx_eg1", te, " ")]
if len(tcx) != len(want):
    print("tcx lines: %r" % tcx); sys.exit(1)
for l, (d, i, n, t, tail) in zip(tcx, want):
    pat = r"    tcx/%s id %s name %s tag %s jited load_time \d+ created_by_uid 0 btf_id \d+%s$" % (d, i, n, t, re.escape(tail))
    if not re.match(pat, l):
        print("line %r does not match %r" % (l, pat)); sys.exit(1)
if lines[-len(tcx) - 1:] != tcx + [""]:
    print("tcx lines not at the end: %r" % lines); sys.exit(1)
' "$W/ours" "$W/deb" "$P1" "$LF" "$ID1" "$IDE" "$TF" "$T1" "$TE"

ip -d -j link show dev "$DEV" >"$W/ours.json" 2>&1
"$DEB_IP" -d -j link show dev "$DEV" >"$W/deb.json"
py "ip -d -j link show: a tcx object (ids, names, link ids), the rest Debian's" '
import json, sys
try:
    o = json.load(open(sys.argv[1]))
except Exception as e:
    print("not JSON (%s)" % e); sys.exit(1)
d = json.load(open(sys.argv[2]))
pf, lf, id1, ide = map(int, sys.argv[3:7])
t = o[0].pop("tcx", None)
if o != d:
    print("without tcx it differs from Debian'"'"'s"); sys.exit(1)
got = t and {k: [(e["prog"]["id"], e["prog"]["name"], e["link_id"]) for e in v] for k, v in t.items()}
exp = {"ingress": [(pf, "tcx_first", lf), (id1, "tcx_in1", 0)], "egress": [(ide, "tcx_eg1", 0)]}
if got != exp:
    print("tcx %s, expected %s" % (got, exp)); sys.exit(1)
' "$W/ours.json" "$W/deb.json" "$P1" "$LF" "$ID1" "$IDE"

same "ip link show (no -d): unchanged with tcx programs" ip link show dev "$DEV"
same "ip -j link show (no -d): unchanged with tcx programs" ip -j link show dev "$DEV"

# --- run order: as bpftool net show lists it ----------------------------------
"$B" net attach tcx_ingress pinned "$PIN/progs/tcx_in2" dev "$DEV" prepend ||
	bail "bpftool net attach tcx_ingress tcx_in2 prepend"
ORDER='
import json, subprocess, sys
tc, bpftool, dev = sys.argv[1:4]
net = json.loads(subprocess.check_output([bpftool, "-j", "net", "show", "dev", dev]))[0]["tc"]
ipj = json.loads(subprocess.check_output(["ip", "-d", "-j", "link", "show", "dev", dev]))[0]["tcx"]
for d in ("ingress", "egress"):
    want = [(e["prog_id"], e["link_id"]) for e in net if e["kind"] == "tcx/" + d]
    o = json.loads(subprocess.check_output([tc, "-j", "filter", "show", "dev", dev, d]))
    got = [(p["id"], p["link_id"]) for p in o[0]["progs"]]
    got_ip = [(e["prog"]["id"], e["link_id"]) for e in ipj[d]]
    if got != want or got_ip != want:
        print("%s: bpftool %s, tc %s, ip %s" % (d, want, got, got_ip)); sys.exit(1)
    if len(want) < 1:
        print("%s: nothing attached" % d); sys.exit(1)
'
py "run order (tcx_in2 prepended): tc -j and ip -d -j list what bpftool net show lists" "$ORDER" tc "$B" "$DEV"
tc filter show dev "$DEV" ingress >"$W/ours" 2>&1
if [ "$(awk '/^tcx\/ingress prog/ { printf "%s ", $6 }' "$W/ours")" = "tcx_in2 tcx_first tcx_in1 " ]; then
	ok "tc filter show ingress: tcx_in2, tcx_first, tcx_in1"
else
	not_ok "tc filter show ingress: tcx_in2, tcx_first, tcx_in1" "$(tr '\n' '|' <"$W/ours")"
fi

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
else
	skip "query refused (no capabilities)" "no setpriv"
fi

# --- all detached: byte-identical again ---------------------------------------------
"$B" link detach pinned "$PIN/links/tcx_first" || bail "bpftool link detach tcx_first"
for i in 1 2; do "$B" net detach tcx_ingress dev "$DEV" || bail "bpftool net detach tcx_ingress ($i)"; done
"$B" net detach tcx_egress dev "$DEV" || bail "bpftool net detach tcx_egress"
classic "all tcx programs detached"

tap_done
