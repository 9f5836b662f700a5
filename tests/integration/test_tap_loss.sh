#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm's HTTP server sending under loss: curl (the kernel's TCP) in a
# namespace over net_tap downloads an 8 MiB body twice on one tcpterm, first
# on a clean link, then with 1% of tcpterm's data segments dropped at random
# by nftables on the namespace's input hook (issue 17, docs/loss.md).
#
# Checked: both bodies byte-exact; the loss really happened, one segment per
# drop (GRO off where ethtool can do it, and the nft counter says so);
# tcpterm retransmitted; the capture has no bad checksum and no malformed
# frame (retransmissions, duplicate ACKs and SACKs are what loss brings);
# after SIGTERM a clean end state, no RST either way.
# Reported, not asserted (a measurement on a shared machine): Mbit/s clean
# and under loss, their ratio, tcpterm's retransmission counters, and the
# pauses in tcpterm's sending of 150 ms or more (retransmission timeouts:
# the cost docs/loss.md explains).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require curl tshark nft

d=$(tt_tmpdir)
url=http://$TT_SRV_IP/
size=8388608
loss=1

tt_srv_start loss --set server.app=http --set server.listen=80 \
	--set server.response_bytes=$size
tt_srv_body_file $size "$d/exp"
# net_tap writes one frame at a time, but GRO could merge them before the
# input hook, and a drop would then take many segments: off where possible.
if command -v ethtool >/dev/null 2>&1; then
	ip netns exec "$TT_SRV_NS" ethtool -K "$TT_SRV_IFC" gro off >/dev/null 2>&1 ||
		tt_info "cannot turn GRO off on $TT_SRV_IFC (the drop counter checks it)"
fi

# fetch NAME: download the body into $d/NAME and check it; the seconds and
# Mbit/s it took in FETCH_T and FETCH_R.
FETCH_T=
FETCH_R=
fetch() {
	local out t0 t1
	t0=$(date +%s.%N)
	out=$(tt_srv_exec curl -sS --max-time 50 -o "$d/$1" -w '%{http_code}:%{size_download}' "$url") ||
		tt_fail "curl ($1) failed: $out"
	t1=$(date +%s.%N)
	[ "$out" = "200:$size" ] || tt_fail "$1: got '$out', expected '200:$size'"
	cmp "$d/exp" "$d/$1" || tt_fail "$1: the body differs from the pattern"
	read -r FETCH_T FETCH_R <<<"$("$TT_PY" -c "t = $t1 - $t0; print('%.3f %.1f' % (t, $size * 8 / t / 1e6))")"
}

# ---- Clean link. ----
fetch clean
t_clean=$FETCH_T
r_clean=$FETCH_R
tt_info "clean: $size bytes byte-exact in $t_clean s, $r_clean Mbit/s"

# ---- 1% of tcpterm's data segments dropped (IP length > 100: not the pure ACKs). ----
ip netns exec "$TT_SRV_NS" nft -f - <<EOF || tt_fail "nft failed"
table ip ttloss {
	chain in {
		type filter hook input priority 0;
		ip saddr $TT_SRV_IP tcp sport 80 ip length > 100 numgen random mod 100 < $loss counter drop
	}
}
EOF
tt_srv_capture_start -s 128
fetch lossy
t_loss=$FETCH_T
r_loss=$FETCH_R
tt_info "$loss% loss: $size bytes byte-exact in $t_loss s, $r_loss Mbit/s" \
	"($("$TT_PY" -c "print('%.2f' % ($r_loss / $r_clean))")x the clean rate)"
ctr=$(ip netns exec "$TT_SRV_NS" nft list chain ip ttloss in | grep -o 'packets [0-9]* bytes [0-9]*')
read -r _ drops _ dbytes <<<"$ctr"
[ -n "$drops" ] || tt_fail "no nft counter"
tt_info "nft dropped $drops segments ($dbytes bytes)"
tt_expect_ge "segments dropped" "$drops" 1
# One segment per drop: at most one MTU each (a GRO super-packet is larger).
[ "$dbytes" -le $((drops * 1500)) ] ||
	tt_fail "$drops drops took $dbytes bytes: more than one segment each (GRO?)"
tt_srv_capture_stop

# What the capture shows: pauses of 150 ms or more in tcpterm's data ending
# with a retransmission (retransmission timeouts), and tshark's flags.
rtos=$(tshark -n -r "$TT_SRV_CAP_FILE" -Y "ip.src == $TT_SRV_IP && tcp.len > 0" -T fields \
	-e frame.time_relative -e tcp.analysis.retransmission 2>/dev/null | "$TT_PY" -c '
import sys
prev = None; n = 0; total = 0.0
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    t = float(f[0])
    if prev is not None and t - prev >= 0.15 and len(f) > 1 and f[1]:
        n += 1
        total += t - prev
    prev = t
print("%d pauses, %.2f s" % (n, total))
')
tt_info "capture: tcpterm's sending paused for a retransmission timeout: $rtos"
tt_info "capture: $(tt_srv_capture_count "ip.src == $TT_SRV_IP && tcp.analysis.retransmission") retransmissions," \
	"$(tt_srv_capture_count "ip.src == $TT_SRV_IP && tcp.analysis.fast_retransmission") of them fast (tshark)," \
	"$(tt_srv_capture_count "ip.src == $TT_SRV_K_IP && tcp.options.sack_le") SACKs from Linux"
tt_srv_capture_check "tcp.analysis.retransmission || tcp.analysis.fast_retransmission || \
tcp.analysis.spurious_retransmission || tcp.analysis.duplicate_ack || tcp.analysis.out_of_order || \
tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || tcp.analysis.window_full"

tt_srv_stop
tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" 2
tt_srv_expect_eq http_responses "$(tt_srv_c http_responses)" 2
tt_srv_expect_eq tcp_rst_out "$(tt_srv_c tcp_rst_out)" 0
tt_srv_expect_eq tcp_rst_in "$(tt_srv_c tcp_rst_in)" 0
rf=$(tt_srv_c retrans_fast)
rd=$(tt_srv_c retrans_data)
tt_expect_ge "retrans_fast + retrans_data" $((rf + rd)) 1
tt_info "counters: retrans_fast $rf, retrans_data (timeouts) $rd," \
	"dup_acks $(tt_srv_c dup_acks), retrans_timeout_reset $(tt_srv_c retrans_timeout_reset)"
tt_info "PASS"
exit 0
