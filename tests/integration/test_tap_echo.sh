#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm's echo server (port 7) over net_tap with socat as the client:
#   - 1 MiB of random data comes back byte-exact (the client half-closes
#     after sending; tcpterm echoes everything, then closes its side);
#   - then 8 clients at once, 256 KiB each, all byte-exact.
# tcp_bytes_in == tcp_bytes_out == what the clients sent (plus one segment
# for each tail loss probe that resent the last one); a tshark capture
# without bad checksum, malformed frame or TCP anomaly; a clean end state
# (the echo application holds received mbufs until the peer acknowledges
# their echo: every one must be back in the pool).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require socat tshark

d=$(tt_tmpdir)
big=1048576
par=8
small=262144

tt_srv_start echo --set server.app=echo --set server.listen=7
tt_srv_capture_start

# socat sends its stdin, shuts its sending side down at EOF and keeps
# reading until the server's FIN (or 10 s of silence: -T).
echo_one() {
	local in=$1 out=$2
	tt_srv_exec socat -T 10 -t 10 - "TCP:$TT_SRV_IP:7" <"$in" >"$out"
}

head -c $big /dev/urandom >"$d/in.big"
t0=$(date +%s.%N)
echo_one "$d/in.big" "$d/out.big" || tt_fail "socat (1 MiB) failed"
t1=$(date +%s.%N)
cmp "$d/in.big" "$d/out.big" || tt_fail "1 MiB echo: data differs ($(stat -c %s "$d/out.big") bytes back)"
tt_info "1 MiB echoed byte-exact in $("$TT_PY" -c "print('%.3f' % ($t1 - $t0))") s"

pids=()
for i in $(seq 1 $par); do
	head -c $small /dev/urandom >"$d/in.$i"
	echo_one "$d/in.$i" "$d/out.$i" &
	pids+=($!)
done
fails=0
for i in $(seq 1 $par); do
	wait "${pids[$((i - 1))]}" || fails=$((fails + 1))
done
[ $fails -eq 0 ] || tt_fail "$fails of $par parallel socat clients failed"
for i in $(seq 1 $par); do
	cmp "$d/in.$i" "$d/out.$i" || tt_fail "parallel echo $i: data differs ($(stat -c %s "$d/out.$i") bytes back)"
done
tt_info "$par parallel clients x $small bytes echoed byte-exact"

tt_srv_stop
# Flow control is no anomaly here: echo ties the two directions together.
# tcpterm keeps what it received until the client acknowledges the echo,
# and the window it offers shrinks by those held bytes, so the kernel
# fills it ("TCP Window Full"); the kernel's window to tcpterm depends on
# how fast socat drains its socket and may fill or even close, and then
# tcpterm fills it or probes it. Loss, retransmission, duplicate ACKs and
# reordering stay errors.
total=$((big + par * small))
# A tail loss probe (RFC 8985 7, tcp.tlp) resends the last segment when no
# ACK came within its PTO (2 SRTT, 10 ms at least). On this 2-vCPU machine
# the kernel's ACK is sometimes later than that; the probe is then a
# spurious retransmission (tlp_spurious) and the kernel answers it with a
# duplicate ACK carrying a D-SACK block. Those frames are allowed, as many
# as tcpterm sent probes; any other retransmission or duplicate ACK stays
# an error.
probe_ok=''
tlp=$(tt_srv_c tlp_probes)
if [ "$tlp" -gt 0 ]; then
	probe_ok=" || (ip.src == $TT_SRV_IP && (tcp.analysis.retransmission || tcp.analysis.spurious_retransmission))"
	probe_ok="$probe_ok || (ip.dst == $TT_SRV_IP && tcp.analysis.duplicate_ack)"
	for f in "ip.src == $TT_SRV_IP && (tcp.analysis.retransmission || tcp.analysis.spurious_retransmission)" \
		"ip.dst == $TT_SRV_IP && tcp.analysis.duplicate_ack"; do
		k=$(tshark -n -r "$TT_SRV_CAP_FILE" -o tcp.analyze_sequence_numbers:TRUE -Y "$f" 2>/dev/null | wc -l)
		[ "$k" -le "$tlp" ] || tt_fail "$k frames ($f) for $tlp tail loss probes"
	done
	tt_info "tail loss probes: $tlp, of which spurious $(tt_srv_c tlp_spurious)"
fi
tt_srv_capture_check "tcp.analysis.window_full || tcp.analysis.zero_window || tcp.analysis.zero_window_probe || tcp.analysis.zero_window_probe_ack$probe_ok"
tt_srv_expect_eq tcp_bytes_in "$(tt_srv_c tcp_bytes_in)" $total
# Every byte echoed once; a probe that resent the flight's last segment
# (at most one MSS each, 1460 bytes on this link) adds its bytes again.
out=$(tt_srv_c tcp_bytes_out)
if [ "$tlp" -eq 0 ]; then
	tt_srv_expect_eq tcp_bytes_out "$out" $total
elif [ "$out" -lt "$total" ] || [ "$out" -gt $((total + tlp * 1460)) ]; then
	tt_fail "tcp_bytes_out = $out, expected $total plus at most $tlp probe segment(s)"
fi
tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" $((1 + par))
# The clients close first (half-close), tcpterm follows after its echo.
tt_srv_expect_eq conn_closed_passive "$(tt_srv_c conn_closed_passive)" $((1 + par))
tt_srv_expect_eq conn_closed_reset "$(tt_srv_c conn_closed_reset)" 0
tt_srv_expect_eq retrans_data "$(tt_srv_c retrans_data)" 0
tt_info "PASS"
exit 0
