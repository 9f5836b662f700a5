#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm's HTTP server on two lcores over a two-queue net_tap, under
# ApacheBench in a namespace (every request on a new connection; tcpterm
# closes first). net_tap takes no RSS key, so rss = auto chooses software
# steering: a segment that lands on the lcore not owning its connection
# goes to the owner over a ring.
#
# The kernel's tap picks the queue of a frame by the flow's symmetric hash
# until tcpterm has sent a frame of that flow, and then the queue tcpterm
# sent it on (drivers/net/tun.c, tun_automq_select_queue), but it learns
# that queue only after it has handed tcpterm's frame to its stack
# (tun_get_user: the flow is updated after netif_receive_skb). So the
# kernel's ACK of our SYN-ACK, sent within that delivery, leaves on the
# SYN's queue, and its request, a moment later, on the owner's: when the
# lcore of the SYN's queue is late (this 2-vCPU machine runs two polling
# lcores, ab and the kernel), the request reaches the owner first and the
# handshake's ACK comes in behind it (docs/architecture.md, "Reordering
# between queues").
#
# Checked: ab completes every request, none failed; tcpterm answered each
# one; steering was chosen, frames were steered (steered_in == steered_out
# > 0) and none lost on a full ring; nothing failed PAWS but old pure ACKs
# (tcp_paws == 0, each late handshake ACK is tcp_old_ack, answered by
# nothing: before the fix each drew our ACK and, in TIME_WAIT, the kernel's
# RST); at most one late ACK per connection (tcp_old_ack and
# tcp_out_of_window <= connections: a late ACK with the same TSval as the
# request passes PAWS and gets the ACK of RFC 9293 3.10.7.4); every
# TIME_WAIT ended by an RST answers such an ACK (tw_ended_by_rst <=
# tcp_out_of_window); no RST from tcpterm, no connection reset, no
# retransmission, no segment for an unknown flow (a connection reset
# only before it was established: a late duplicate SYN); then the end state of
# tt_srv_stop (pools full, no flow, states at 0 but LISTEN).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require ab
[ "$(nproc)" -ge 2 ] || tt_skip "needs 2 CPUs, this machine has $(nproc)"

n=${TT_AB_N:-6000}
c=32
TT_SRV_LCORES=0,1
tt_srv_start mqs --set server.app=http --set server.listen=80 --set server.response_bytes=100
grep -E 'port 0: rss ' "$TT_SRV_LOG"
grep -qE 'port 0: rss steer \(auto: ' "$TT_SRV_LOG" ||
	tt_fail "rss = auto did not choose steering on net_tap"
tt_srv_ab "$n" "$c"

tt_srv_stop
d() { tt_json_get "$TT_SRV_JSON" "d[\"drops\"][\"$1\"]"; }
tt_srv_expect_eq lcores "$(tt_json_get "$TT_SRV_JSON" 'd["lcores"]')" 2
tt_srv_expect_eq http_responses "$(tt_srv_c http_responses)" "$n"
acc=$(tt_srv_c conn_accepted)
s_out=$(tt_srv_c steered_out)
old=$(d tcp_old_ack)
oow=$(d tcp_out_of_window)
twrst=$(tt_srv_c tw_ended_by_rst)
tt_info "conn_accepted $acc, steered_out $s_out, tcp_old_ack $old," \
	"tcp_out_of_window $oow, tw_ended_by_rst $twrst"
tt_expect_ge "steered_out" "$s_out" 1
tt_srv_expect_eq "steered_in (== steered_out)" "$(tt_srv_c steered_in)" "$s_out"
tt_srv_expect_eq "drops.steer_full" "$(d steer_full)" 0
tt_srv_expect_eq "drops.tcp_paws (only old pure ACKs fail PAWS)" "$(d tcp_paws)" 0
tt_srv_expect_eq "drops.tcp_no_flow" "$(d tcp_no_flow)" 0
[ "$old" -le "$acc" ] || tt_fail "tcp_old_ack $old > $acc connections"
[ "$oow" -le "$acc" ] || tt_fail "tcp_out_of_window $oow > $acc connections"
[ "$twrst" -le "$oow" ] ||
	tt_fail "tw_ended_by_rst $twrst > tcp_out_of_window $oow (an RST not drawn by an old ACK)"
tt_srv_expect_eq tcp_rst_out "$(tt_srv_c tcp_rst_out)" 0
# A SYN that reaches tcpterm late, on the other queue, after the kernel's
# connection of that tuple has ended, opens a connection the kernel does
# not know: it answers our SYN-ACK with an RST (RFC 9293 3.10.7.3), which
# closes it in SYN_RCVD (conn_accepted counts 5-20 such SYNs a run here).
# No connection that was established may be reset.
est=$(tt_srv_c conn_established)
rst=$(tt_srv_c conn_closed_reset)
[ "$rst" -le $((acc - est)) ] ||
	tt_fail "conn_closed_reset $rst > $((acc - est)) connections never established (accepted $acc, established $est)"
tt_info "conn_closed_reset $rst (connections never established: $((acc - est)))"
for r in retrans_synack retrans_data retrans_fin; do
	tt_srv_expect_eq "$r" "$(tt_srv_c "$r")" 0
done
tt_info "PASS"
exit 0
