# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2153
#
# Helpers for the tests of tcpterm's server role over net_tap with kernel
# clients (test_tap_curl/ab/wrk/iperf/echo/rst.sh). Source it after lib.sh:
#
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/lib_srv.sh"
#
# The setup is always the same: tcpterm owns 198.18.0.2/24 on a net_tap port
# whose kernel side is moved into a namespace of the test's own, with
# 198.18.0.1/24; clients run in that namespace (tt_srv_exec). Stopping
# checks what every test wants at the end: exit status 0, a valid JSON
# summary, every mbuf back in its pool, no flow left, every TCP state gauge
# at 0 except LISTEN, no drop for a damaged packet.

TT_SRV_K_IP=198.18.0.1
TT_SRV_IP=198.18.0.2
TT_SRV_K_MAC=02:00:00:00:00:01	# kernel side, inside the namespace
TT_SRV_MAC=02:00:00:00:00:02	# tcpterm's port (net_tap mac= devarg)
# TIME_WAIT lasts 2 * MSL; short so the flow table empties before the end.
TT_SRV_MSL_MS=${TT_SRV_MSL_MS:-500}

TT_SRV_PID=
TT_SRV_NS=
TT_SRV_IFC=
TT_SRV_DIR=
TT_SRV_JSON=
TT_SRV_LOG=
TT_SRV_CAP_PID=
TT_SRV_CAP_FILE=
TT_SRV_CAP_LOG=
TT_SRV_CLIENT_CPUS=

# tt_srv_require [CMD...]: root, a tap, the binary, ip and the given tools.
tt_srv_require() {
	tt_require_root
	tt_require_tun
	tt_require_cmd ip ping "$@"
	tt_require_tcpterm
}

# tt_srv_eal_args PREFIX IFACE: the [eal] args of config/tap-server.ini with
# its tap vdev and file prefix replaced by ours (as test_tap_ping.sh does).
tt_srv_eal_args() {
	local prefix=$1 ifc=$2 ini=$TT_SRCDIR/config/tap-server.ini args
	args=$(awk '
		/^[ \t]*\[/ { sec = $0; gsub(/[][ \t]/, "", sec); next }
		sec == "eal" && /^[ \t]*args[ \t]*=/ { sub(/^[^=]*=[ \t]*/, ""); print; exit }
	' "$ini")
	[ -n "$args" ] || args="-l 0 --no-pci"
	# TT_SRV_LCORES: another EAL lcore list (one tap queue pair per lcore).
	[ -z "${TT_SRV_LCORES:-}" ] || args=$(sed -E "s/(^| )-l *[0-9,-]+/\1-l $TT_SRV_LCORES/" <<<"$args")
	args=$(sed -E -e 's/--vdev[= ]+net_tap[^ ]*//g' -e 's/--file-prefix[= ]+[^ ]*//g' \
		-e 's/[ ]+/ /g' -e 's/^ //; s/ $//' <<<"$args")
	echo "$args --file-prefix=$prefix --vdev=net_tap0,iface=$ifc,mac=$TT_SRV_MAC"
}

# tt_srv_start SHORT [--set SECTION.KEY=VALUE ...]: start tcpterm as a server
# (config/tap-server.ini, tcp.msl_ms=$TT_SRV_MSL_MS, the given overrides)
# with its tap in namespace tt-SHORT-PID, and wait until it answers ping.
# SHORT: at most 6 characters (the interface name is "tt" SHORT PID).
tt_srv_start() {
	local short=$1 ini=$TT_SRCDIR/config/tap-server.ini args ok=0 i rc
	shift
	[ -f "$ini" ] || tt_fail "missing $ini"
	TT_SRV_IFC="tt${short}$$"
	[ ${#TT_SRV_IFC} -le 15 ] || TT_SRV_IFC="tt${short:0:3}$$"
	TT_SRV_DIR=$(tt_tmpdir)
	TT_SRV_JSON=$TT_SRV_DIR/summary.json
	args=$(tt_srv_eal_args "tt${short}$$" "$TT_SRV_IFC")
	TT_SRV_CLIENT_CPUS=$(tt_srv_client_cpus "$args")
	tt_start_tcpterm TT_SRV_PID -c "$ini" --set "eal.args=$args" \
		--set "port0.ip=$TT_SRV_IP/24" --set "tcp.msl_ms=$TT_SRV_MSL_MS" \
		--set general.stats_interval_ms=0 "$@" --json "$TT_SRV_JSON"
	TT_SRV_LOG=$TT_TCPTERM_LOG
	tt_wait_for_iface "$TT_SRV_IFC" 30 || tt_fail "tap $TT_SRV_IFC never appeared"
	# net_tap creates the interface at probe (EAL init) but attaches its
	# queues later, by name, in the namespace of the process: moved before
	# that, a second tap of the same name appears in the root namespace and
	# tcpterm talks to that one. Move it only once the port has started.
	rc=0
	tt_wait_for_log "$TT_SRV_LOG" 'worker [0-9]+ started' 30 "$TT_SRV_PID" || rc=$?
	[ $rc -ne 2 ] || tt_fail "tcpterm exited at start"
	[ $rc -eq 0 ] || tt_fail "tcpterm did not start its workers"
	TT_SRV_NS=$(tt_netns_create "$short")
	# No IPv6 chatter (router solicitations, MLD) in the captures.
	ip netns exec "$TT_SRV_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	# No tail loss probe (RFC 8985 7) in the kernel clients: it fires
	# after 2 SRTT + 2 ms, a few milliseconds on this link, so any time
	# tcpterm's lcore is not scheduled (ksoftirqd or another busy process
	# on its core) the kernel retransmits in vain, and the captures blame
	# tcpterm. Without it a real loss still shows: the kernel then
	# retransmits after three duplicate ACKs or its RTO (200 ms at least).
	ip netns exec "$TT_SRV_NS" sysctl -qw net.ipv4.tcp_early_retrans=0 >/dev/null 2>&1
	tt_tap_into_ns "$TT_SRV_IFC" "$TT_SRV_NS" "$TT_SRV_K_IP/24" "$TT_SRV_K_MAC" ||
		tt_fail "cannot move $TT_SRV_IFC into $TT_SRV_NS"
	for i in $(seq 1 20); do
		if ip netns exec "$TT_SRV_NS" ping -c 1 -W 1 "$TT_SRV_IP" >/dev/null 2>&1; then
			ok=1
			break
		fi
		tt_alive "$TT_SRV_PID" || tt_fail "tcpterm exited early"
	done
	[ $ok -eq 1 ] || tt_fail "no echo reply from $TT_SRV_IP within 20 tries"
	tt_info "tcpterm (pid $TT_SRV_PID) answers on $TT_SRV_IP, tap $TT_SRV_IFC in $TT_SRV_NS"
}

# tt_srv_client_cpus EAL-ARGS: the CPUs of this process's affinity that the
# EAL lcore list (-l) leaves free, as a taskset list; empty if none.
tt_srv_client_cpus() {
	"$TT_PY" -c '
import os, re, sys
m = re.search(r"(?:^|\s)-l\s*([0-9,-]+)", sys.argv[1])
used = set()
if m:
    for part in m.group(1).split(","):
        a, _, b = part.partition("-")
        used.update(range(int(a), int(b or a) + 1))
free = sorted(set(os.sched_getaffinity(0)) - used)
print(",".join(map(str, free)))
' "$1"
}

# tt_srv_exec CMD...: run CMD in the clients' namespace, on the CPUs that
# tcpterm's busy-polling lcore leaves free (when there are any): a client
# sharing tcpterm's core would stop it for a scheduler slice now and then,
# long enough for the kernel's tail loss probe to retransmit in vain.
tt_srv_exec() {
	if [ -n "$TT_SRV_CLIENT_CPUS" ] && command -v taskset >/dev/null 2>&1; then
		ip netns exec "$TT_SRV_NS" taskset -c "$TT_SRV_CLIENT_CPUS" "$@"
	else
		ip netns exec "$TT_SRV_NS" "$@"
	fi
}

# tt_srv_ab N C: ApacheBench from the namespace, N requests C at a time, each
# on a new connection, against the 100-byte HTTP answer: fail unless ab
# completes all N, none failed, every one a 2xx of 100 bytes.
tt_srv_ab() {
	local n=$1 c=$2 out rc
	out=$(tt_srv_exec ab -q -n "$n" -c "$c" -s 10 "http://$TT_SRV_IP/" 2>&1)
	rc=$?
	echo "$out" | grep -E 'Complete requests|Failed requests|Non-2xx|Requests per second|Time taken|Document Length|Exceptions|errors'
	[ $rc -eq 0 ] || { echo "$out" >&2; tt_fail "ab exited $rc"; }
	grep -qE "^Complete requests: +$n\$" <<<"$out" || tt_fail "ab: not $n complete requests"
	grep -qE '^Failed requests: +0$' <<<"$out" || tt_fail "ab: failed requests"
	grep -qE '^Document Length: +100 bytes$' <<<"$out" || tt_fail "ab: document length is not 100"
	if grep -q 'Non-2xx' <<<"$out"; then
		tt_fail "ab: non-2xx responses"
	fi
}

# tt_srv_capture_start [TSHARK-ARGS...]: capture the tap in the namespace to
# $TT_SRV_DIR/cap.pcapng until tt_srv_capture_stop (tt_srv_stop calls it).
# Returns once tshark captures. Needs tshark (tt_srv_require it).
tt_srv_capture_start() {
	local rc=0
	TT_SRV_CAP_FILE=$TT_SRV_DIR/cap.pcapng
	# A large kernel buffer: a busy run must not lose frames to the capture.
	tt_bg TT_SRV_CAP_PID ip netns exec "$TT_SRV_NS" tshark -q -n -B 64 \
		-i "$TT_SRV_IFC" "$@" -w "$TT_SRV_CAP_FILE"
	TT_SRV_CAP_LOG=$TT_BG_LOG
	tt_wait_for_log "$TT_SRV_CAP_LOG" "Capturing on" 10 "$TT_SRV_CAP_PID" || rc=$?
	if [ $rc -eq 2 ]; then
		cat "$TT_SRV_CAP_LOG" >&2
		tt_fail "tshark exited at start"
	fi
	[ $rc -eq 0 ] || tt_fail "tshark did not start capturing"
	# dumpcap says so as it opens the socket: give it a moment more.
	sleep 0.3
}

# tt_srv_capture_stop: stop tshark by PID; fail if it dropped frames.
tt_srv_capture_stop() {
	[ -n "$TT_SRV_CAP_PID" ] || return 0
	# What dumpcap has not read from its socket when it is stopped is
	# neither written nor counted as dropped, and it writes its file in
	# batches: a CI run (tap_handshake_loss, 2026-12-07) kept 1,424 frames
	# where the two 1 MiB bodies alone take 1,444, the end of the second
	# missing, 0 dropped. Stop it
	# only once the file has not grown for 1 s (at most 10 s).
	local prev=-1 cur stable=0 i
	for i in $(seq 50); do
		sleep 0.2
		cur=$(stat -c %s "$TT_SRV_CAP_FILE" 2>/dev/null || echo 0)
		if [ "$cur" = "$prev" ]; then
			stable=$((stable + 1))
			[ $stable -ge 5 ] && break
		else
			stable=0
		fi
		prev=$cur
	done
	tt_stop_tcpterm "$TT_SRV_CAP_PID" >/dev/null 2>&1
	TT_SRV_CAP_PID=
	[ -s "$TT_SRV_CAP_FILE" ] || tt_fail "no capture file"
	# tshark -q prints "N packets captured" and, when any, "N packets dropped".
	tt_info "capture: $(grep -E 'packets? (captured|dropped)' "$TT_SRV_CAP_LOG" | tr '\n' ' ')"
	if grep -qE '^[1-9][0-9]* packets? dropped' "$TT_SRV_CAP_LOG"; then
		tt_fail "the capture dropped frames: cannot judge it"
	fi
}

# The TCP expert flags that are no error. window_update and keep_alive are
# normal events. reused_ports: Linux clients reuse a 4-tuple as soon as the
# previous connection is closed on their side (ab, wrk with Connection:
# close), while it may still be in TIME_WAIT at tcpterm: legitimate (RFC 9293
# 3.6.1 / RFC 6191), and tcpterm must accept the SYN (tw_reuse).
TT_SRV_TCP_OK_FLAGS='tcp.analysis.window_update || tcp.analysis.keep_alive || tcp.analysis.reused_ports'

# tt_srv_capture_check [EXTRA-OK-FILTER]: the capture holds TCP frames, and
# none has a bad IPv4 or TCP checksum, none is malformed, none carries a TCP
# expert flag (retransmission, duplicate ACK, out of order, lost or unseen
# segment, zero window, ...) other than those of TT_SRV_TCP_OK_FLAGS and of
# EXTRA-OK-FILTER (a display filter, e.g. "tcp.analysis.window_full" with
# a reason in the caller).
tt_srv_capture_check() {
	local ok="$TT_SRV_TCP_OK_FLAGS" filter n bad
	[ -n "${1:-}" ] && ok="$ok || $1"
	n=$(tshark -n -r "$TT_SRV_CAP_FILE" -Y tcp 2>/dev/null | wc -l)
	[ "$n" -gt 0 ] || tt_fail "no TCP frame in the capture"
	# tshark 4.0 compares a field with value strings by their label.
	# A TCP checksum of 0xffff where 0x0000 was computed is the same
	# one's complement zero and every receiver accepts it (RFC 1624
	# section 3); both the kernel (skb_checksum_help writes
	# CSUM_MANGLED_0) and DPDK's net_tap TX checksum (tap_tx_l4_cksum)
	# write 0xffff for a zero result, about once in 65536 segments.
	# tshark marks it "Bad" (RFC 1071 never yields 0xffff): not an error.
	filter='ip.checksum.status == "Bad"'
	filter="$filter || (tcp.checksum.status == \"Bad\" && !(tcp.checksum == 0xffff && tcp.checksum_calculated == 0))"
	filter="$filter || _ws.malformed || _ws.expert.severity >= error"
	filter="$filter || (tcp.analysis.flags && !($ok))"
	bad=$(tshark -n -r "$TT_SRV_CAP_FILE" -o ip.check_checksum:TRUE \
		-o tcp.check_checksum:TRUE -o tcp.analyze_sequence_numbers:TRUE \
		-Y "$filter" 2>"$TT_SRV_DIR/tshark.err") ||
		tt_fail "tshark -Y failed: $(grep -v 'Running as user' "$TT_SRV_DIR/tshark.err")"
	if [ -n "$bad" ]; then
		echo "$bad" | head -n 40 >&2
		tshark -n -r "$TT_SRV_CAP_FILE" -o ip.check_checksum:TRUE \
			-o tcp.check_checksum:TRUE -Y "$filter" -V 2>/dev/null |
			grep -E 'Expert Info|checksum|Malformed' | sort | uniq -c | head -n 20 >&2
		tt_srv_capture_stalls >&2
		tt_fail "capture: $(echo "$bad" | wc -l) bad frames (filter: $filter)"
	fi
	if [ -n "${1:-}" ]; then
		tt_info "capture: $n TCP frames, checksums good, nothing malformed, no TCP anomaly but $1"
	else
		tt_info "capture: $n TCP frames, checksums good, nothing malformed, no TCP anomaly"
	fi
}

# tt_srv_capture_stalls: a diagnostic for a failed capture check: the
# longest time tcpterm sent nothing while a segment of the kernel that
# calls for an answer (data, SYN or FIN) waited. tcpterm answers those at
# once (echo, HTTP) or within its delayed-ACK time (40 ms); tens of
# milliseconds for a request mean its lcore did not run (another busy
# process on its core), long enough for the kernel's tail loss probe
# (2 SRTT, 10 ms at least here) to retransmit in vain.
tt_srv_capture_stalls() {
	tshark -n -r "$TT_SRV_CAP_FILE" -Y tcp -T fields -e frame.time_relative \
		-e ip.src -e tcp.len -e tcp.flags.syn -e tcp.flags.fin 2>/dev/null | "$TT_PY" -c '
import sys
me = sys.argv[1]
wait_since = None
worst = (0.0, 0.0)
for line in sys.stdin:
    f = line.split()
    if len(f) < 5:
        continue
    t = float(f[0])
    if f[1] == me:
        if wait_since is not None and t - wait_since > worst[0]:
            worst = (t - wait_since, wait_since)
        wait_since = None
    elif wait_since is None and (int(f[2]) > 0 or f[3] in ("1", "True") or f[4] in ("1", "True")):
        wait_since = t
print("diagnostic: the longest tcpterm kept a kernel segment (data, SYN, FIN) "
      "unanswered: %.1f ms, from t = %.3f s in the capture" % (worst[0] * 1e3, worst[1]))
' "$TT_SRV_IP"
}

# tt_srv_capture_send_stall [SENDER]: the longest time (ms, printed) a
# connection made no progress while some of SENDER's data was outstanding
# (sent and not acknowledged in the capture): neither did SENDER send data
# nor the other end acknowledge more. SENDER is tcpterm's address (the
# default) or the kernel's ($TT_SRV_K_IP). A loss repaired by SACK recovery
# costs a round trip, one repaired by the retransmission timer one RTO; two
# RTOs in a row (a retransmission lost again, backed off) or a hang cost
# more.
tt_srv_capture_send_stall() {
	tshark -n -r "$TT_SRV_CAP_FILE" -Y tcp -o tcp.analyze_sequence_numbers:FALSE \
		-T fields -E separator=, -e frame.time_relative -e ip.src -e tcp.srcport \
		-e tcp.dstport -e tcp.seq -e tcp.ack -e tcp.len -e tcp.flags.syn \
		-e tcp.flags.fin 2>/dev/null | "$TT_PY" -c '
import sys
me = sys.argv[1]
after = lambda a, b: 0 < (a - b) % 2**32 < 2**31
c = {}	# by the two ports: [snd_max, una, time of the last progress]
worst = 0.0
for line in sys.stdin:
    f = line.strip().split(",")
    if len(f) < 9 or f[4] == "":
        continue
    t = float(f[0])
    mine = f[1] == me
    k = (f[2], f[3]) if mine else (f[3], f[2])
    if mine:
        end = int(f[4]) + int(f[6]) + (f[7] in ("1", "True")) + (f[8] in ("1", "True"))
        if end == int(f[4]) and k in c:
            continue	# a pure ACK is no progress
        if k not in c:
            c[k] = [end, end, t]
    elif k not in c or f[5] == "" or not after(int(f[5]), c[k][1]):
        continue
    s = c[k]
    if after(s[0], s[1]):
        worst = max(worst, t - s[2])
    s[2] = t
    if mine:
        if after(end, s[0]):
            s[0] = end
    else:
        s[1] = int(f[5])
print("%.0f" % (worst * 1e3))
' "${1:-$TT_SRV_IP}"
}

# tt_srv_capture_rx_loss_checks NAME SENDER BOUND_MS: the capture of a
# transfer that SENDER (the kernel's address) made to tcpterm while frames
# were lost on tcpterm's side: tt_srv_capture_check with the flags such
# loss brings (the kernel's retransmissions, fast or spurious, or
# "out-of-order" when one follows the highest segment within tshark's RTT
# estimate; tcpterm's duplicate ACKs with their SACK blocks; a full window
# while tcpterm holds what follows a hole), then no stall of SENDER's
# sending with data outstanding of BOUND_MS or more. EXTRA-OK: more flags
# the caller explains (a display filter).
tt_srv_capture_rx_loss_checks() {
	local stall ok="tcp.analysis.retransmission || tcp.analysis.fast_retransmission || \
tcp.analysis.spurious_retransmission || tcp.analysis.out_of_order || tcp.analysis.duplicate_ack || \
tcp.analysis.window_full"
	tt_srv_capture_check "$ok${4:+ || $4}"
	stall=$(tt_srv_capture_send_stall "$2")
	[ -n "$stall" ] || tt_fail "$1: no stall figure from the capture"
	[ "$stall" -lt "$3" ] ||
		tt_fail "$1: $2 made no progress for $stall ms with data outstanding (bound $3)"
	tt_info "$1: longest stall of $2's sending with data outstanding $stall ms (bound $3);" \
		"$(tt_srv_capture_count "ip.src == $TT_SRV_IP && tcp.options.sack_le") tcpterm segments with SACK blocks"
}

# tt_srv_capture_count FILTER: frames of the capture that match FILTER.
tt_srv_capture_count() {
	tshark -n -r "$TT_SRV_CAP_FILE" -Y "$1" 2>/dev/null | wc -l
}

# tt_srv_stop: let TIME_WAIT expire (2 MSL and a margin), stop tcpterm by
# PID, and check the end state (see the file comment). Then the counters
# are readable with tt_srv_c NAME.
tt_srv_stop() {
	local rc out
	sleep "$("$TT_PY" -c "print($TT_SRV_MSL_MS * 2 / 1000 + 0.7)")"
	tt_srv_capture_stop
	tt_stop_tcpterm "$TT_SRV_PID"
	rc=$?
	TT_SRV_PID=
	tail -n 25 "$TT_SRV_LOG"
	[ $rc -eq 0 ] || tt_fail "tcpterm exited $rc after SIGTERM"
	[ -s "$TT_SRV_JSON" ] || tt_fail "no JSON summary"
	tt_json_valid "$TT_SRV_JSON" || tt_fail "invalid JSON summary"
	tt_check_pools "$TT_SRV_JSON" || tt_fail "mbufs leaked"
	out=$("$TT_PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
err = []
if d["flows_in_use"] != 0:
    err.append("flows_in_use = %d" % d["flows_in_use"])
for s, v in sorted(d["states"].items()):
    if s != "LISTEN" and v != 0:
        err.append("state %s = %d" % (s, v))
# Drops that mean a damaged or lost packet on a clean local link.
for r in ("truncated", "bad_ip_len", "bad_ip_cksum", "bad_tcp_hdr",
          "bad_tcp_cksum", "bad_tcp_opts", "no_mbuf", "tx_full", "no_arp"):
    if d["drops"].get(r, 0) != 0:
        err.append("drop %s = %d" % (r, d["drops"][r]))
for p in d.get("ports", []):
    for k in ("imissed", "ierrors", "oerrors"):
        if p.get(k, 0):
            err.append("port %d %s = %d" % (p["port"], k, p[k]))
nz = dict((k, v) for k, v in d["drops"].items() if v)
print("drops: %s" % (nz or "none"))
for e in err:
    print("ERROR " + e)
' "$TT_SRV_JSON")
	echo "$out" | grep -v '^ERROR' | sed "s/^/[$TT_NAME] /"
	if grep -q '^ERROR' <<<"$out"; then
		grep '^ERROR' <<<"$out" | sed 's/^ERROR /  /' >&2
		tt_fail "end state not clean"
	fi
	tt_info "end state clean: pools full, no flow, states 0 but LISTEN"
}

# tt_srv_c NAME: a counter of the JSON summary.
tt_srv_c() {
	tt_json_get "$TT_SRV_JSON" "d[\"counters\"][\"$1\"]"
}

# tt_srv_expect_eq WHAT VALUE WANT
tt_srv_expect_eq() {
	[ "$2" = "$3" ] || tt_fail "$1 = $2, expected $3"
	tt_info "$1 = $2"
}

# tt_srv_body_file N FILE: the body tcpterm's http application sends for
# response_bytes=N (tt_pattern_fill in lib/l7/tt_pattern.c): 64-byte lines,
# line k is alphabet[(k + c) % 64] for c = 0..62, then a newline.
tt_srv_body_file() {
	"$TT_PY" - "$1" "$2" <<'EOF'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
a = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/"
period = "".join("".join(a[(k + c) % 64] for c in range(63)) + "\n"
                 for k in range(64)).encode()
body = period * (n // len(period) + 1)
with open(path, "wb") as f:
    f.write(body[:n])
EOF
}
