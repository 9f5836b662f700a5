#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Client and server in one tcpterm process, joined by an in-process net_ring
# pair (config/loopback.ini: port 0 = client 198.18.0.1, port 1 = server
# 198.18.0.2). Each run opens a fixed number of connections as fast as
# possible and exits by itself when the client is done. Checked in every
# run: exit status 0, opened == completed == N, no client failure of any
# kind, the server accepted N, no drops, no retransmission (net_ring
# loses nothing), every mbuf back in its pool. With tcp.tlp = false: a
# tail loss probe fires 10 ms after an ACK that is only late, and an lcore
# of a shared machine loses its CPU that long now and then; its duplicate
# (and the D-SACK that may answer it after the connection closed) would
# be drops with nothing lost. The probe has its tests: test_tcp_sack.c
# (the fake clock) and the tap tests under real loss. Runs:
#
#	http		50000 connections, GET / with a 100-byte body
#	fixed		1000-byte requests, 20000-byte responses (14 segments:
#			more than the initial window, so the window must grow)
#	fixed_cwnd2	the same with tcp.init_cwnd = 2 (slow start over 3 RTTs)
#	echo		5000 bytes echoed back, verified byte by byte by the client
#	send		client sends 100 bytes and closes, server discards
#	passive		the server closes first (client.close = passive)
#	reset		the client aborts with RST after the response
#	keepalive	10 requests per connection
#	two_lcores	both roles on two lcores (two CPUs needed)
#	client_two_lcores_null	a client on two lcores over net_null: steering chosen

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"

# One lcore: the CPU that is idlest now (others may be testing too).
tt_cli_loopback_init
t0=$(date +%s.%N)

# run NAME N [--set K=V ...]: one run; leaves its summary in $d/NAME.json.
run() {
	local name=$1 n=$2 pid="" rc json=$d/$1.json
	shift 2
	tt_info "---- run $name: $n connections"
	tt_start_tcpterm pid -c "$ini" \
		--set "eal.args=$eal -l ${RUN_LCORES:-$cpu} --file-prefix=ttlb$$-$name" \
		--set general.duration=0 --set general.stats_interval_ms=0 \
		--set client.rate=0 --set "client.connections=$n" --set client.duration=0 \
		--set tcp.tlp=false "$@" --json "$json"
	tt_wait_exit "$pid" 60
	rc=$?
	[ $rc -eq 0 ] || tt_fail "$name: tcpterm exited $rc"
	tt_cli_check_json "$json"
	tt_cli_report "$json" "$name"
	tt_info "$name: states at exit: $(tt_cli_states "$json")"
	tt_cli_check_client "$json" "$n"
	tt_cli_expect_eq "$name: conn_accepted" \
		"$(tt_cli_get "$json" 'd["counters"]["conn_accepted"]')" "$n"
	tt_cli_expect_eq "$name: drops_total" "$(tt_cli_get "$json" 'd["drops_total"]')" 0
	tt_cli_expect_eq "$name: tlp_probes" "$(tt_cli_get "$json" 'd["counters"]["tlp_probes"]')" 0
	tt_cli_expect_eq "$name: retransmissions" "$(tt_cli_get "$json" \
		'sum(d["counters"][k] for k in ("retrans_syn", "retrans_synack", "retrans_data", "retrans_fin"))')" 0
	tt_check_pools "$json" || tt_fail "$name: mbufs leaked"
}

# c JSON NAME: a counter of the last run.
c() {
	tt_cli_get "$1" "d[\"counters\"][\"$2\"]"
}

# 1. HTTP, one request per connection.
N=50000
run http $N
j=$d/http.json
tt_cli_expect_eq "http: http_requests" "$(c "$j" http_requests)" $N
tt_cli_expect_eq "http: http_responses" "$(c "$j" http_responses)" $N
tt_cli_expect_eq "http: client_responses" "$(c "$j" client_responses)" $N
tt_cli_expect_eq "http: conn_closed_active" "$(c "$j" conn_closed_active)" $N

# 2. Fixed-size request and response, several segments each way.
N=3000
for v in fixed fixed_cwnd2; do
	extra=()
	[ $v = fixed_cwnd2 ] && extra=(--set tcp.init_cwnd=2)
	run $v $N --set client.app=fixed --set server.app=fixed \
		--set client.request_bytes=1000 --set server.request_bytes=1000 \
		--set client.response_bytes=20000 --set server.response_bytes=20000 "${extra[@]}"
	j=$d/$v.json
	tt_cli_expect_eq "$v: tcp_bytes_in (both sides)" "$(c "$j" tcp_bytes_in)" $((N * 21000))
	tt_cli_expect_eq "$v: tcp_bytes_out (both sides)" "$(c "$j" tcp_bytes_out)" $((N * 21000))
	tt_cli_expect_eq "$v: client_responses" "$(c "$j" client_responses)" $N
	tt_cli_expect_eq "$v: last_byte samples" \
		"$(tt_cli_get "$j" 'd["client"]["latency_us"]["last_byte"]["count"]')" $N
done

# 3. Echo: the client checks every byte that comes back.
N=3000
run echo $N --set client.app=echo --set server.app=echo --set client.request_bytes=5000
j=$d/echo.json
tt_cli_expect_eq "echo: tcp_bytes_in (both sides)" "$(c "$j" tcp_bytes_in)" $((N * 10000))
tt_cli_expect_eq "echo: client_responses" "$(c "$j" client_responses)" $N

# 4. Send and discard: no response at all.
N=3000
run send $N --set client.app=send --set server.app=discard --set client.request_bytes=100
j=$d/send.json
tt_cli_expect_eq "send: tcp_bytes_in (server side)" "$(c "$j" tcp_bytes_in)" $((N * 100))
tt_cli_expect_eq "send: client_requests" "$(c "$j" client_requests)" $N
tt_cli_expect_eq "send: first_byte samples" \
	"$(tt_cli_get "$j" 'd["client"]["latency_us"]["first_byte"]["count"]')" 0

# 5. Passive close: the server's FIN first; the client closes in reply.
N=3000
run passive $N --set client.close=passive
j=$d/passive.json
tt_cli_expect_eq "passive: conn_closed_active (server)" "$(c "$j" conn_closed_active)" $N
tt_cli_expect_eq "passive: conn_closed_passive (client)" "$(c "$j" conn_closed_passive)" $N
tt_cli_expect_eq "passive: client_responses" "$(c "$j" client_responses)" $N

# 6. Reset: the client aborts each connection with RST after the response.
N=3000
run reset $N --set client.close=reset
j=$d/reset.json
tt_expect_ge "reset: tcp_rst_out" "$(c "$j" tcp_rst_out)" $N
tt_expect_ge "reset: conn_closed_reset" "$(c "$j" conn_closed_reset)" $N
tt_cli_expect_eq "reset: conn_closed_active" "$(c "$j" conn_closed_active)" 0
tt_cli_expect_eq "reset: client_responses" "$(c "$j" client_responses)" $N

# 7. Keep-alive: 10 requests per connection.
N=3000
run keepalive $N --set client.requests_per_connection=10
j=$d/keepalive.json
tt_cli_expect_eq "keepalive: http_requests" "$(c "$j" http_requests)" $((N * 10))
tt_cli_expect_eq "keepalive: http_responses" "$(c "$j" http_responses)" $((N * 10))
tt_cli_expect_eq "keepalive: client_requests" "$(c "$j" client_requests)" $((N * 10))
tt_cli_expect_eq "keepalive: client_responses" "$(c "$j" client_responses)" $((N * 10))
tt_cli_expect_eq "keepalive: conn_accepted" "$(c "$j" conn_accepted)" $N

# 8. Two workers (one per CPU): each lcore runs both roles on its own queue
# of both ring ports; every connection completes and all lcores stop
# together with every mbuf back.
if [ "$(nproc)" -ge 2 ]; then
	N=20000
	RUN_LCORES=0-1 run two_lcores $N
	j=$d/two_lcores.json
	tt_cli_expect_eq "two_lcores: lcores" "$(tt_cli_get "$j" 'd["lcores"]')" 2
	# Each worker reports its busy share: both worked, and a share is a share.
	tt_cli_expect_eq "two_lcores: busy shares in (0, 1]" \
		"$(tt_cli_get "$j" 'sum(1 for x in d["lcore_busy"] if 0 < x["busy"] <= 1)')" 2
	tt_cli_expect_eq "two_lcores: http_responses" "$(c "$j" http_responses)" $N

	# 9. A client on two lcores over a driver that spreads arriving
	# packets by a hash tcpterm does not know (net_null here, net_tap or
	# a NIC that refuses the key alike): [port0] rss = auto chooses
	# software steering and says why. net_null answers nothing, so the
	# run ends at the ARP timeout (exit 1).
	tt_info "---- run client_two_lcores_null: steering chosen"
	tt_start_tcpterm pid -c "$TT_SRCDIR/config/memif-client.ini" \
		--set "eal.args=$eal -l 0-1 --file-prefix=ttlb$$-null --vdev=net_null0" \
		--set client.duration=1 --set client.arp_timeout_ms=300 \
		--set general.stats_interval_ms=0
	tt_wait_exit "$pid" 30
	rc=$?
	[ $rc -eq 1 ] || tt_fail "client_two_lcores_null: tcpterm exited $rc, expected 1 (no ARP answer)"
	grep -q "port 0: rss steer (auto: net_null takes no RSS key" "$TT_TCPTERM_LOG" ||
		tt_fail "client_two_lcores_null: steering not chosen (log $TT_TCPTERM_LOG)"
	grep -q "steering: 2 rings of" "$TT_TCPTERM_LOG" ||
		tt_fail "client_two_lcores_null: no steering rings (log $TT_TCPTERM_LOG)"
	tt_info "client_two_lcores_null: steering chosen, with the reason"
else
	tt_info "one CPU only: the two-lcore run is left out"
fi

tt_info "all runs in $("$TT_PY" -c "import time; print('%.1f' % (time.time() - $t0))") s"
tt_info "PASS"
exit 0
