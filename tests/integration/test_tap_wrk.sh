#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm's HTTP server over net_tap under wrk, 64 connections for 5 s:
#   1. "Connection: close": one request per connection, tcpterm closes
#      first, the kernel client reuses ports (tw_reuse);
#   2. keep-alive: requests back to back on 64 long-lived connections.
# Each with a fresh tcpterm: wrk reports no socket error and no non-2xx
# response; tcpterm's http_responses is at least wrk's request count and at
# most 64 more (wrk counts a response when it has read all of it; at the
# end of the run it drops its connections with up to one request each in
# flight, whose responses tcpterm sent but wrk never counted); the end
# state is clean (the connections wrk aborts are reset, which is fine).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require wrk

c=64
dur=${TT_WRK_DURATION:-5}

# wrk_run NAME [WRK-ARGS...]: run wrk, check its report, print the count of
# requests it completed.
wrk_run() {
	local name=$1 out rc reqs
	shift
	out=$(tt_srv_exec wrk -t1 -c$c -d"${dur}s" --timeout 5s "$@" "http://$TT_SRV_IP/" 2>&1)
	rc=$?
	sed "s/^/[$TT_NAME] wrk ($name): /" <<<"$out" >&2
	[ $rc -eq 0 ] || tt_fail "wrk ($name) exited $rc"
	if grep -q 'Socket errors' <<<"$out"; then
		grep -qE 'Socket errors: connect 0, read 0, write 0, timeout 0' <<<"$out" ||
			tt_fail "wrk ($name): $(grep 'Socket errors' <<<"$out")"
	fi
	grep -q 'Non-2xx' <<<"$out" && tt_fail "wrk ($name): $(grep 'Non-2xx' <<<"$out")"
	reqs=$(sed -nE 's/^ *([0-9]+) requests in .*/\1/p' <<<"$out")
	[ -n "$reqs" ] || tt_fail "wrk ($name): no request count in its report"
	[ "$reqs" -gt 0 ] || tt_fail "wrk ($name): 0 requests"
	echo "$reqs"
}

# check_responses WRK_REQUESTS: tcpterm answered them all, and at most one
# more per connection.
check_responses() {
	local w=$1 r
	r=$(tt_srv_c http_responses)
	[ "$r" -ge "$w" ] || tt_fail "http_responses = $r < $w requests completed by wrk"
	[ "$r" -le $((w + c)) ] || tt_fail "http_responses = $r > $w + $c (wrk's count + one per connection)"
	tt_info "http_responses = $r, wrk completed $w ($((r - w)) in flight when wrk stopped)"
	tt_srv_expect_eq http_bad_requests "$(tt_srv_c http_bad_requests)" 0
	# Reported, not required: on a clean link they stay 0, but a busy
	# host that stops tcpterm's polling lcore for a few hundred ms (seen
	# with other busy-polling processes on the same core) makes both
	# sides retransmit, and that is TCP doing its job.
	tt_info "retransmissions: data $(tt_srv_c retrans_data), synack $(tt_srv_c retrans_synack), fin $(tt_srv_c retrans_fin); dup_acks $(tt_srv_c dup_acks)"
}

# ---- 1. Connection: close ----
tt_srv_start wrkc --set server.app=http --set server.listen=80 --set server.response_bytes=100
w=$(wrk_run close -H 'Connection: close') || exit 1
tt_srv_stop
check_responses "$w"
acc=$(tt_srv_c conn_accepted)
tt_expect_ge conn_accepted "$acc" "$w"
tt_expect_ge conn_closed_active "$(tt_srv_c conn_closed_active)" $((w - c))
tt_info "tw_reuse = $(tt_srv_c tw_reuse), conn_closed_reset = $(tt_srv_c conn_closed_reset)"

# ---- 2. keep-alive ----
tt_srv_start wrkk --set server.app=http --set server.listen=80 --set server.response_bytes=100
w=$(wrk_run keep-alive) || exit 1
tt_srv_stop
check_responses "$w"
acc=$(tt_srv_c conn_accepted)
# wrk opens its 64 connections once; a few more would mean lost ones.
if [ "$acc" -lt "$c" ] || [ "$acc" -gt $((c + 4)) ]; then
	tt_fail "keep-alive: conn_accepted = $acc, expected about $c"
fi
tt_info "keep-alive: conn_accepted = $acc, $((w / acc)) requests per connection"
tt_info "PASS"
exit 0
