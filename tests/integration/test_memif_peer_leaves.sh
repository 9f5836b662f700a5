#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A memif peer that leaves in the middle of a burst must not take tcpterm
# down. DPDK 22.11's net_memif unmaps the shared rings when its peer
# disconnects while a worker may still be inside rx_burst() on them; before
# app/tt_unmap_guard.h the server died with SIGSEGV in librte_net_memif
# within about 15 such exits (the test's own loop reproduced it).
#
# The server of config/memif-server.ini stays up; a tcpterm client at full
# rate (rate 0, 1,024 connections at a time) is started and killed with
# SIGKILL mid-load, $KILLS times in a row, each a new memif connection.
#
# The race itself is rare (about one exit in 25 here): tests/unit/
# test_unmap_guard.c makes it certain for the guard's logic; this test
# checks the wiring (the memif PMD binds munmap() to tcpterm's, read from
# the dynamic linker's LD_DEBUG=bindings) and the whole path.
#
# Checked: the server is alive after every exit and exits 0 on SIGTERM;
# every client really carried load (its live line showed connections
# established before the kill, and the server saw a new memif connection
# each time); once the orphaned connections have timed out (short
# RTO cap, idle timeout and MSL here), the server holds no flow and no
# connection but LISTEN, and its mbufs are back in the pool.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_cli.sh
. "$(dirname "$0")/lib_cli.sh"

tt_require_root
tt_require_tcpterm

KILLS=${TT_MEMIF_KILLS:-12}
d=$(tt_tmpdir)
srv_json=$d/server.json

tt_cli_memif_setup ml "$d"

# Orphans end fast: 6 retransmissions at most 200 ms apart, 1 s idle.
# Which munmap() the memif PMD binds to: tcpterm's (the guard), not libc's.
spid=
LD_DEBUG=bindings LD_DEBUG_OUTPUT=$d/ld \
tt_start_tcpterm spid -c "$srv_ini" --set "eal.args=$srv_eal" \
	--set general.duration=0 --set general.stats_interval_ms=0 \
	--set tcp.msl_ms=100 --set tcp.rto_max_ms=200 --set tcp.rto_init_ms=200 --set server.idle_timeout_ms=1000 \
	--json "$srv_json"
srv_log=$TT_TCPTERM_LOG

tt_cli_wait_memif_listen "$sock" "$spid"

if ldd "$TCPTERM" | grep -q 'lib[at]san'; then
	tt_info "sanitizer build: the guard is off there (its runtime intercepts munmap)"
else
	grep -hE "librte_net_memif[^ ]* \[[0-9]+\] to [^ ]*tcpterm [^:]*: normal symbol .munmap'" \
		"$d"/ld.* >/dev/null ||
		tt_fail "the memif PMD does not call tcpterm's munmap(): $(grep -h "memif.*munmap" "$d"/ld.* | head -1)"
	tt_info "the memif PMD calls tcpterm's munmap() (app/tt_unmap_guard.h)"
fi

ups_before=0
for k in $(seq "$KILLS"); do
	cpid=
	tt_start_tcpterm cpid -c "$cli_ini" --set "eal.args=$cli_eal" \
		--set general.duration=0 --set general.stats_interval_ms=100 \
		--set client.duration=0 --set client.rate=0 --set client.concurrency=1024 \
		--set client.source_ips=198.18.0.10-198.18.0.40 --set tcp.msl_ms=100
	cli_log=$TT_TCPTERM_LOG
	# Under load once its live line shows connections established (the
	# link is up and ARP resolved: about a second), then a moment more.
	tt_cli_wait_log "$cli_log" '^\[.*established [1-9][0-9]*/s' 15 "$cpid" ||
		tt_fail "client $k carried no load"
	sleep 0.$((3 + RANDOM % 5))
	kill -KILL "$cpid"
	wait "$cpid" 2>/dev/null
	sleep 0.3
	tt_alive "$spid" || tt_fail "the server died when client $k of $KILLS left (SIGKILL mid-load)"
	ups=$(grep -c "port 0: link up" "$srv_log")
	[ "$ups" -gt "$ups_before" ] || tt_fail "client $k: the server saw no new memif connection"
	ups_before=$ups
done
tt_info "$KILLS clients killed mid-load, the server survived every exit"

# The orphans' retransmissions (<= 1.4 s), idle timeouts (1 s) and TIME_WAIT.
sleep 3
tt_alive "$spid" || tt_fail "the server died after the last client left"
tt_stop_tcpterm "$spid"
src=$?
grep -E 'link (up|down)|rror' "$srv_log" | tail -4
[ $src -eq 0 ] || tt_fail "server exited $src after SIGTERM"
tt_cli_check_json "$srv_json"
accepted=$(tt_cli_get "$srv_json" 'd["counters"]["conn_accepted"]')
tt_info "server: conn_accepted $accepted, states at exit: $(tt_cli_states "$srv_json")"
[ "$accepted" -gt "$KILLS" ] || tt_fail "the clients carried no load (conn_accepted $accepted)"
tt_check_pools "$srv_json" || tt_fail "server: mbufs leaked"
tt_cli_expect_eq "server flows_in_use after the orphans timed out" \
	"$(tt_cli_get "$srv_json" 'd["flows_in_use"]')" 0
tt_cli_expect_eq "server connections not in LISTEN" "$(tt_cli_get "$srv_json" \
	'sum(v for k, v in d["states"].items() if k != "LISTEN")')" 0
tt_info "PASS"
exit 0
