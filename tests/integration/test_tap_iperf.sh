#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm's discard server over net_tap as the sink of iperf2 for 3 s: the
# kernel pushes as fast as tcpterm's receive window lets it. tcpterm must
# have received exactly the bytes iperf says it sent (tcp_bytes_in), and
# the end state must be clean.
#
# iperf 2.1's CSV report (-y C), one line per stream:
#   timestamp,src_ip,src_port,dst_ip,dst_port,id,interval,bytes,bits_per_s
# (iperf's Reporter; field 8 is the byte count). The client closes the
# connection when done and, with a plain sink (no iperf server), waits for
# nothing else.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require iperf

secs=${TT_IPERF_SECONDS:-3}
tt_srv_start iperf --set server.app=discard --set server.listen=5001
out=$(tt_srv_exec timeout $((secs + 20)) iperf -c "$TT_SRV_IP" -p 5001 -t "$secs" -y C 2>&1)
rc=$?
echo "$out" | sed "s/^/[$TT_NAME] iperf: /"
[ $rc -eq 0 ] || tt_fail "iperf exited $rc"
line=$(grep -E "^[0-9]+,$TT_SRV_K_IP,[0-9]+,$TT_SRV_IP,5001," <<<"$out" | tail -n 1)
[ -n "$line" ] || tt_fail "no CSV report line from iperf"
sent=$(cut -d, -f8 <<<"$line")
bps=$(cut -d, -f9 <<<"$line")
if ! [[ "$sent" =~ ^[0-9]+$ ]] || [ "$sent" -eq 0 ]; then
	tt_fail "iperf CSV: bad byte count '$sent'"
fi
tt_info "iperf sent $sent bytes ($("$TT_PY" -c "print('%.1f' % ($bps / 1e6))") Mbit/s)"

tt_srv_stop
tt_srv_expect_eq tcp_bytes_in "$(tt_srv_c tcp_bytes_in)" "$sent"
tt_srv_expect_eq tcp_bytes_out "$(tt_srv_c tcp_bytes_out)" 0
tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" 1
tt_srv_expect_eq conn_closed_passive "$(tt_srv_c conn_closed_passive)" 1
tt_srv_expect_eq conn_closed_reset "$(tt_srv_c conn_closed_reset)" 0
tt_info "drops tcp_ooo = $(tt_json_get "$TT_SRV_JSON" 'd["drops"]["tcp_ooo"]'), tcp_out_of_window = $(tt_json_get "$TT_SRV_JSON" 'd["drops"]["tcp_out_of_window"]')"
tt_info "PASS"
exit 0
