#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A handshake that loses tcpterm's SYN-ACK, against the kernel's TCP (curl in
# a namespace over net_tap): nftables on the namespace's input hook drops the
# first SYN-ACK and the first data segment of each connection. tcpterm sends
# the SYN-ACK again at its RTO (1 s), the connection opens, and then:
#
#   - RFC 5681 3.1: the initial window is one segment, so the lost first
#     data segment is alone in flight: no duplicate ACK can repair it;
#   - with Linux's timestamps and SACK (its defaults), the handshake's ACK
#     gives an RTT sample and the tail loss probe repairs the loss within
#     a second;
#   - without them (net.ipv4.tcp_timestamps = 0, tcp_sack = 0 in the
#     namespace) there is no valid RTT sample (Karn), so RFC 6298 5.7 sets
#     the RTO to 3 s: the segment is sent again 3 s after it was first sent
#     (without the rule, the RTO backed off by the SYN-ACK's timeout, 2 s).
#
# Checked in a capture (taken before the input hook, so it sees what was
# dropped): the SYN-ACK and the first data segment each sent twice, the
# time between the data segment's two transmissions, and that nothing
# else of tcpterm's data went out in between; both 1 MiB bodies byte-exact;
# the capture has no bad checksum or malformed frame; a clean end state.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require curl tshark nft

d=$(tt_tmpdir)
url=http://$TT_SRV_IP/
size=1048576

tt_srv_start hsloss --set server.app=http --set server.listen=80 \
	--set server.response_bytes=$size
tt_srv_body_file $size "$d/exp"

# The first SYN-ACK and the first data segment (IP length > 100) of each
# connection, told apart by the client's port.
ip netns exec "$TT_SRV_NS" nft -f - <<EOF || tt_fail "nft failed"
table ip tths {
	set synack { type inet_service; flags dynamic; }
	set data { type inet_service; flags dynamic; }
	chain in {
		type filter hook input priority 0;
		ip saddr $TT_SRV_IP tcp sport 80 tcp flags & (syn | ack) == syn | ack \
			tcp dport != @synack add @synack { tcp dport } counter drop
		ip saddr $TT_SRV_IP tcp sport 80 ip length > 100 \
			tcp dport != @data add @data { tcp dport } counter drop
	}
}
EOF

# fetch NAME: download the body into $d/NAME through the lossy handshake.
fetch() {
	local out
	out=$(tt_srv_exec curl -sS --max-time 20 -o "$d/$1" -w '%{http_code}:%{size_download}' "$url") ||
		tt_fail "curl ($1) failed: $out"
	[ "$out" = "200:$size" ] || tt_fail "$1: got '$out', expected '200:$size'"
	cmp "$d/exp" "$d/$1" || tt_fail "$1: the body differs from the pattern"
}

# first_data_gap PORT: for the connection of the client's PORT, the seconds
# between the two transmissions of tcpterm's first data segment, how many
# data frames tcpterm sent before the second, and how many bytes of the
# response the capture holds (from distinct sequence numbers).
first_data_gap() {
	tshark -n -r "$TT_SRV_CAP_FILE" \
		-Y "ip.src == $TT_SRV_IP && tcp.dstport == $1 && tcp.len > 0" \
		-T fields -e frame.time_relative -e tcp.seq_raw -e tcp.len 2>/dev/null | "$TT_PY" -c '
import sys
rows = [l.split("\t") for l in sys.stdin.read().split("\n") if l]
if not rows:
    print("none 0 0")
    sys.exit(0)
seen = sum(int(ln) for s, ln in {(r[1], r[2]) for r in rows})
first = rows[0][1]
again = [i for i, r in enumerate(rows) if i > 0 and r[1] == first]
if not again:
    print("none 0 %d" % seen)
    for r in rows[:4] + [["..."]] + rows[-3:]:
        print(" ".join(r), file=sys.stderr)
else:
    i = again[0]
    print("%.3f %d %d" % (float(rows[i][0]) - float(rows[0][0]), i, seen))
'
}

# client_ports: the client ports of the connections in the capture, in order.
client_ports() {
	tshark -n -r "$TT_SRV_CAP_FILE" -Y "ip.dst == $TT_SRV_IP && tcp.flags == 0x002" \
		-T fields -e tcp.srcport 2>/dev/null | awk '!seen[$0]++'
}

tt_srv_capture_start -s 128

# ---- Linux's defaults: timestamps and SACK. ----
fetch ts
# ---- No timestamps, no SACK: no RTT sample from the handshake. ----
ip netns exec "$TT_SRV_NS" sysctl -qw net.ipv4.tcp_timestamps=0 net.ipv4.tcp_sack=0 ||
	tt_fail "cannot turn timestamps and SACK off in the namespace"
fetch nots

tt_srv_capture_stop
mapfile -t ports < <(client_ports)
[ "${#ports[@]}" = 2 ] || tt_fail "expected 2 connections in the capture, found ${#ports[@]}"

for k in 0 1; do
	p=${ports[$k]}
	n=$(tt_srv_capture_count "ip.src == $TT_SRV_IP && tcp.dstport == $p && tcp.flags.syn == 1 && tcp.flags.ack == 1")
	tt_srv_expect_eq "SYN-ACKs to port $p" "$n" 2
	read -r gap before seen <<<"$(first_data_gap "$p")"
	# The HTTP header comes on top of the body: fewer bytes than the body
	# means the capture missed frames, and cannot be judged.
	[ "$seen" -ge $size ] ||
		tt_fail "port $p: the capture holds $seen bytes of tcpterm's data, less than the" \
			"$size-byte body that curl received: the capture missed frames"
	[ "$gap" != none ] || tt_fail "port $p: the first data segment was not sent again"
	tt_info "port $p: first data segment sent again after $gap s, $before data frame(s) before; $seen bytes of data in the capture"
	# RFC 5681 3.1: nothing but that segment in flight until it is repaired.
	tt_srv_expect_eq "data frames before the retransmission (port $p)" "$before" 1
	if [ $k = 0 ]; then
		"$TT_PY" -c "import sys; sys.exit(0 if $gap < 1.0 else 1)" ||
			tt_fail "with timestamps the loss took $gap s to repair (an RTT sample was there)"
	else
		# RFC 6298 5.7: 3 s (2 s would be the RTO backed off by the SYN-ACK's timeout).
		"$TT_PY" -c "import sys; sys.exit(0 if 2.8 <= $gap <= 3.6 else 1)" ||
			tt_fail "without an RTT sample the retransmission came after $gap s, not 3 s"
	fi
done
ctr=$(ip netns exec "$TT_SRV_NS" nft list table ip tths | grep -o 'packets [0-9]*' | awk '{print $2}' | tr '\n' ' ')
tt_info "nft dropped (SYN-ACKs, data segments): $ctr"
tt_srv_capture_check "tcp.analysis.retransmission || tcp.analysis.spurious_retransmission || \
tcp.analysis.duplicate_ack || tcp.analysis.lost_segment || tcp.analysis.ack_lost_segment || \
tcp.analysis.out_of_order"

tt_srv_stop
tt_srv_expect_eq conn_established "$(tt_srv_c conn_established)" 2
tt_srv_expect_eq http_responses "$(tt_srv_c http_responses)" 2
tt_srv_expect_eq retrans_synack "$(tt_srv_c retrans_synack)" 2
tt_srv_expect_eq tcp_rst_out "$(tt_srv_c tcp_rst_out)" 0
tt_info "counters: retrans_data $(tt_srv_c retrans_data), tlp_probes $(tt_srv_c tlp_probes)," \
	"retrans_fast $(tt_srv_c retrans_fast)"
tt_info "PASS"
exit 0
