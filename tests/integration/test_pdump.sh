#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Live capture with Debian's dpdk-dumpcap (rte_pdump) from a running
# tcpterm. dpdk-dumpcap is a DPDK secondary process: it attaches to
# tcpterm's shared configuration through the same --file-prefix, so tcpterm
# runs with hugepages (a --no-huge or --in-memory primary has nothing a
# secondary can map) and without --huge-unlink.
#
# tcpterm runs config/loopback.ini (client and server in one process over
# an in-process net_ring pair) on two lcores when two CPUs are there, so
# each port has two queues and connections use both; the client opens 40
# connections a second. dpdk-dumpcap captures each port (all its queues)
# for 2 s into a pcapng file. Checked with tshark, on each port:
#   - at least 20 whole exchanges, each with a SYN,
#     a SYN-ACK, the GET, the 200 response, a FIN from each side and the
#     last ACK, in that order;
#   - packets of both directions (RX and TX callbacks), on every queue
#     (one per lcore);
#   - tcpterm goes on and exits cleanly afterwards, every connection
#     completed, no mbuf lost to the capture's copies.
# A capture started without a running tcpterm must fail (dumpcap exits
# non-zero): the test would otherwise pass on an empty file.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"

tt_require_tcpterm
tt_require_root
tt_require_cmd dpdk-dumpcap tshark
ini=$TT_SRCDIR/config/loopback.ini
[ -f "$ini" ] || tt_fail "missing $ini"

# Hugepages: 300 MB free is plenty for the loopback run and the capture's
# pool (dpdk-dumpcap's own mbufs, shared with tcpterm's callbacks).
hp=/sys/kernel/mm/hugepages/hugepages-2048kB
free=$(cat "$hp/free_hugepages" 2>/dev/null || echo 0)
if [ "$free" -lt 150 ] || ! grep -q hugetlbfs /proc/mounts; then
	tt_skip "needs 150 free 2 MiB hugepages and a hugetlbfs mount (scripts/setup.sh reserves them); $free free"
fi
# Hugepages, files kept (dpdk-dumpcap maps them): none of the EAL extras.
TT_EAL_EXTRA=

d=$(tt_tmpdir)
prefix=ttpd$$
lcores=0
n_lcores=1
if [ "$(nproc)" -ge 2 ]; then
	lcores=0-1
	n_lcores=2
fi
eal=$(tt_cli_eal_from_ini "$ini" "-l $lcores --file-prefix=$prefix")
N=400
rate=40

tt_start_tcpterm pid -c "$ini" --set "eal.args=$eal" \
	--set general.duration=0 --set general.stats_interval_ms=0 \
	--set client.rate=$rate --set client.connections=$N --set client.duration=0 \
	--json "$d/tt.json"
tt_wait_for_log "$TT_TCPTERM_LOG" "next hops resolved" 30 "$pid" ||
	tt_fail "tcpterm did not start (log $TT_TCPTERM_LOG)"
grep -q "no live capture" "$TT_TCPTERM_LOG" &&
	tt_fail "tcpterm did not set up rte_pdump: $(grep "no live capture" "$TT_TCPTERM_LOG")"

# The port list a secondary sees: both ring ports.
dpdk-dumpcap --file-prefix="$prefix" -D >"$d/list.txt" 2>&1 ||
	tt_fail "dpdk-dumpcap -D failed: $(tail -3 "$d/list.txt")"
tt_info "ports seen by dpdk-dumpcap: $(grep -E '^[0-9]+\.' "$d/list.txt" | tr '\n' ' ')"
[ "$(grep -cE '^[0-9]+\. ' "$d/list.txt")" -eq 2 ] ||
	tt_fail "dpdk-dumpcap -D lists $(grep -cE '^[0-9]+\. ' "$d/list.txt") ports, expected 2"

# capture PORT: 2 s of port PORT (all its queues) into $d/capPORT.pcapng.
# The dpdk-dumpcap of DPDK 22.11 keeps only the last -i it is given, so
# each port gets its own capture, one after the other.
capture() {
	local cap=$d/cap$1.pcapng dpid
	tt_bg dpid dpdk-dumpcap --file-prefix="$prefix" -i "$1" -w "$cap" -a duration:2 -q
	tt_wait_exit "$dpid" 30 || tt_fail "dpdk-dumpcap -i $1 failed (log $TT_BG_LOG)"
	[ -s "$cap" ] || tt_fail "no capture file for port $1"
}

# check PORT: whole exchanges in port PORT's capture, one line per segment
# (stream, source, flags, payload length, HTTP method and status, the
# queue and direction dpdk-dumpcap recorded).
check() {
	local cap=$d/cap$1.pcapng n_ok n_streams n_queues n_dirs
	tshark -r "$cap" -Y tcp -T fields \
		-e tcp.stream -e ip.src -e tcp.flags.syn -e tcp.flags.ack -e tcp.flags.fin \
		-e tcp.len -e http.request.method -e http.response.code \
		-e frame.interface_queue -e frame.packet_flags_direction >"$d/segs$1.tsv" 2>/dev/null ||
		tt_fail "tshark could not read $cap"
	tt_info "port $1: $(wc -l <"$d/segs$1.tsv") TCP segments captured"
	"$TT_PY" - "$d/segs$1.tsv" >"$d/check$1.txt" <<'EOF'
import sys
streams = {}
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    if len(f) < 10:
        continue
    s, src, syn, ack, fin, ln, meth, code, queue, direction = f[:10]
    cli = src != "198.18.0.2"
    if syn == "1" and ack == "0":
        ev = "SYN"
    elif syn == "1":
        ev = "SYN-ACK"
    elif meth == "GET":
        ev = "GET"
    elif code == "200":
        ev = "200"
    elif fin == "1":
        ev = "FIN-c" if cli else "FIN-s"
    elif int(ln or 0) == 0:
        ev = "ACK-c" if cli else "ACK-s"
    else:
        ev = "DATA"
    st = streams.setdefault(s, {"queues": set(), "dirs": set(), "ev": []})
    st["queues"].add(queue)
    st["dirs"].add(direction)
    st["ev"].append(ev)

def whole(evs):
    # SYN, SYN-ACK, GET, 200, both FINs, then the last ACK, in order.
    want = ["SYN", "SYN-ACK", "GET", "200"]
    i = 0
    for e in evs:
        if i < len(want) and e == want[i]:
            i += 1
    if i < len(want):
        return False
    tail = evs[evs.index("200"):]
    return "FIN-c" in tail and "FIN-s" in tail and tail[-1].startswith("ACK")

ok = [s for s, v in streams.items() if whole(v["ev"])]
queues = set().union(*(streams[s]["queues"] for s in ok)) if ok else set()
dirs = set().union(*(streams[s]["dirs"] for s in ok)) if ok else set()
print(len(ok), len(streams), len(queues), len(dirs))
EOF
	read -r n_ok n_streams n_queues n_dirs <"$d/check$1.txt" ||
		tt_fail "port $1: exchange check failed"
	tt_info "port $1: $n_ok whole exchanges of $n_streams connections seen"
	tt_expect_ge "port $1: whole exchanges (SYN, SYN-ACK, GET, 200, FINs, last ACK)" "$n_ok" 20
	# Received and sent packets (RX and TX callbacks), on every queue.
	tt_cli_expect_eq "port $1: directions (in, out)" "$n_dirs" 2
	tt_cli_expect_eq "port $1: queues" "$n_queues" "$n_lcores"
}

capture 0
capture 1
tt_wait_exit "$pid" 60 || tt_fail "tcpterm exited non-zero after the captures (log $TT_TCPTERM_LOG)"
tt_cli_check_json "$d/tt.json"
tt_cli_check_client "$d/tt.json" "$N"
tt_check_pools "$d/tt.json" || tt_fail "mbufs leaked"
check 0
check 1

# Without a primary, dpdk-dumpcap must fail: a capture that "succeeds"
# with nothing to attach to would make the checks above meaningless.
if dpdk-dumpcap --file-prefix="${prefix}none" -i 0 -w "$d/none.pcapng" -a duration:1 -q \
	>"$d/none.log" 2>&1; then
	tt_fail "dpdk-dumpcap succeeded without a tcpterm to attach to"
fi
tt_info "PASS"
exit 0
