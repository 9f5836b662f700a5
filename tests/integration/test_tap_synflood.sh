#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A SYN flood against tcpterm's HTTP server over net_tap, from the kernel
# side in the test's namespace: hping3 -S --flood --rand-source (spoofed
# sources, so no SYN is ever completed) at port 80 while curl keeps asking
# for the page. With tcp.syn_cookies = auto (the default), once a quarter
# of the flow table is half-open tcpterm answers SYNs with cookies and
# keeps no state for them (RFC 4987 3.6), so curl's connections still
# complete: at least 19 of 20 requests must succeed during the flood
# (without cookies 8 of 20 did in this setup; before them, with the default
# 63 s of SYN-ACK retransmissions, none). A request has 10 s, three SYNs of
# curl's: the flood also overflows the tap's kernel queue now and then. Then: cookies were
# sent and taken, the half-open flows the flood made ran out (SYN-ACK
# retransmissions bounded by tcp.syn_retries), and the end state is clean.
# Traffic stays inside the namespace: hping3's spoofed sources are only the
# source fields of frames sent to tcpterm's tap, and the SYN-ACKs go back to
# the namespace's MAC.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require curl hping3

d=$(tt_tmpdir)
url=http://$TT_SRV_IP/
# A small table makes the mark (a quarter of it half-open) come at once.
# SYN-ACK retransmissions hold each half-open flow 3.5 s (0.5 + 1 + 2):
# long enough that without cookies the flood keeps the table full (then
# most requests fail), short enough to end before the end-state check.
tt_srv_start flood --set server.app=http --set server.listen=80 --set server.response_bytes=100 \
	--set tcp.max_flows=8192 --set tcp.rto_init_ms=500 --set tcp.syn_retries=2

tt_bg flood_pid ip netns exec "$TT_SRV_NS" hping3 -q -S --flood --rand-source -p 80 "$TT_SRV_IP"
flood_log=$TT_BG_LOG
sleep 2
tt_alive "$flood_pid" || { cat "$flood_log"; tt_fail "hping3 exited at start"; }

ok=0
for i in $(seq 1 20); do
	code=$(tt_srv_exec curl -sS --max-time 10 -o "$d/b$i" -w '%{http_code}' "$url" 2>"$d/e$i") || true
	if [ "$code" = "200" ] && [ "$(stat -c %s "$d/b$i" 2>/dev/null)" = 100 ]; then
		ok=$((ok + 1))
	else
		tt_info "request $i during the flood: '$code' $(head -c 200 "$d/e$i")"
	fi
done
tt_alive "$flood_pid" || tt_fail "hping3 stopped before the requests ended"
kill "$flood_pid" 2>/dev/null
tt_wait_exit "$flood_pid" 5 || kill -9 "$flood_pid" 2>/dev/null
tt_info "$ok of 20 requests answered during the flood"
[ "$ok" -ge 19 ] || tt_fail "only $ok of 20 requests answered during the SYN flood"

# The flood's half-open flows end (syn_retries) before the end-state check.
sleep 4
tt_srv_stop
sent=$(tt_srv_c syncookies_sent)
tt_expect_ge syncookies_sent "$sent" 1000
# curl's connections that met the mark came in by cookie; at least the
# ones made once the table was a quarter half-open.
tt_expect_ge "syncookies_ok + conn_accepted" \
	$(($(tt_srv_c syncookies_ok) + $(tt_srv_c conn_accepted))) 20
tt_expect_ge http_responses "$(tt_srv_c http_responses)" 19
tt_info "PASS"
exit 0
