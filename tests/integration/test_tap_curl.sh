#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# tcpterm's HTTP server over net_tap, with curl (the kernel's TCP) as the
# client in a network namespace: kernel 198.18.0.1/24, tcpterm 198.18.0.2/24.
#
# Run 1, response_bytes=100:
#   - HTTP/1.1 GET: status 200, the body byte-exact (tt_pattern_fill);
#   - HTTP/1.0 GET (curl -0): the server closes first (TIME_WAIT on our side);
#   - two URLs in one curl: one connection, two requests (keep-alive);
#   - a malformed request gets "HTTP/1.1 400" and the server closes.
# Run 2, response_bytes=1048576: the 1 MiB body byte-exact (hundreds of
# segments: window scaling, congestion window growth), twice on one
# connection.
# Each run: a tshark capture without bad checksum, malformed frame or TCP
# anomaly; after SIGTERM a clean end state and exact counters.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require curl tshark

d=$(tt_tmpdir)
url=http://$TT_SRV_IP/

# ---- Run 1: small body. ----
tt_srv_start curl --set server.app=http --set server.listen=80 --set server.response_bytes=100
tt_srv_capture_start
tt_srv_body_file 100 "$d/exp100"

# HTTP/1.1: curl closes first when it exits.
code=$(tt_srv_exec curl -sS --max-time 10 -o "$d/b1" -w '%{http_code} %{http_version}' "$url") ||
	tt_fail "curl (HTTP/1.1) failed"
[ "$code" = "200 1.1" ] || tt_fail "curl: status/version '$code', expected '200 1.1'"
cmp "$d/exp100" "$d/b1" || tt_fail "HTTP/1.1 body differs from the pattern"
tt_info "HTTP/1.1 GET: 200, 100-byte body byte-exact"

# HTTP/1.0 without keep-alive: the server answers with Connection: close and
# sends its FIN first.
hdr=$(tt_srv_exec curl -sS -0 --max-time 10 -D - -o "$d/b2" "$url") ||
	tt_fail "curl -0 failed"
tr -d '\r' <<<"$hdr" | grep -qx 'HTTP/1.1 200 OK' || tt_fail "curl -0: no 200: $hdr"
tr -d '\r' <<<"$hdr" | grep -qix 'Connection: close' || tt_fail "curl -0: no Connection: close: $hdr"
cmp "$d/exp100" "$d/b2" || tt_fail "HTTP/1.0 body differs from the pattern"
tt_info "HTTP/1.0 GET: 200, Connection: close, body byte-exact"

# Keep-alive: two URLs, one connection (curl reports the connects it made
# for each transfer: 1, then 0 for the reused connection).
nc2=$(tt_srv_exec curl -sS --max-time 10 -o "$d/b3" -o "$d/b4" \
	-w '%{http_code}:%{num_connects} ' "$url" "${url}second") ||
	tt_fail "curl with two URLs failed"
[ "$nc2" = "200:1 200:0 " ] || tt_fail "two URLs: got '$nc2', expected '200:1 200:0 '"
cmp "$d/exp100" "$d/b3" || tt_fail "keep-alive: first body differs from the pattern"
cmp "$d/exp100" "$d/b4" || tt_fail "keep-alive: second body differs from the pattern"
tt_info "keep-alive: two requests on one connection, bodies byte-exact"

# A malformed request: 400, then the server closes (the client never sends
# its FIN first: it reads until EOF, which must come within 5 s).
bad=$(tt_srv_exec "$TT_PY" - "$TT_SRV_IP" <<'EOF'
import socket, sys
s = socket.create_connection((sys.argv[1], 80), timeout=5)
s.sendall(b"GARBAGE\r\n\r\n")
data = b""
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except socket.timeout:
    print("TIMEOUT waiting for the server to close")
s.close()
print(data.decode("ascii", "replace").split("\r\n")[0])
EOF
) || tt_fail "malformed request: client error"
[ "$bad" = "HTTP/1.1 400 Bad Request" ] || tt_fail "malformed request: got '$bad'"
tt_info "malformed request: '$bad', connection closed by the server"

tt_srv_stop
tt_srv_capture_check
tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" 4
tt_srv_expect_eq http_requests "$(tt_srv_c http_requests)" 4
tt_srv_expect_eq http_responses "$(tt_srv_c http_responses)" 4
tt_srv_expect_eq http_bad_requests "$(tt_srv_c http_bad_requests)" 1
# HTTP/1.0 and the 400: the server's FIN first; HTTP/1.1 and keep-alive:
# curl's FIN first.
tt_expect_ge conn_closed_active "$(tt_srv_c conn_closed_active)" 1
tt_srv_expect_eq "conn_closed_active + conn_closed_simultaneous" \
	$(($(tt_srv_c conn_closed_active) + $(tt_srv_c conn_closed_simultaneous))) 2
tt_srv_expect_eq conn_closed_passive "$(tt_srv_c conn_closed_passive)" 2
tt_srv_expect_eq conn_closed_reset "$(tt_srv_c conn_closed_reset)" 0
tt_srv_expect_eq tcp_rst_out "$(tt_srv_c tcp_rst_out)" 0
tt_srv_expect_eq tcp_rst_in "$(tt_srv_c tcp_rst_in)" 0

# ---- Run 2: a 1 MiB body. ----
big=1048576
tt_srv_start curlb --set server.app=http --set server.listen=80 --set server.response_bytes=$big
tt_srv_capture_start
tt_srv_body_file $big "$d/expbig"
t0=$(date +%s.%N)
out=$(tt_srv_exec curl -sS --max-time 20 -o "$d/big1" -o "$d/big2" \
	-w '%{http_code}:%{num_connects}:%{size_download} ' "$url" "$url") ||
	tt_fail "curl (1 MiB) failed"
t1=$(date +%s.%N)
[ "$out" = "200:1:$big 200:0:$big " ] || tt_fail "1 MiB: got '$out'"
cmp "$d/expbig" "$d/big1" || tt_fail "1 MiB body (first) differs from the pattern"
cmp "$d/expbig" "$d/big2" || tt_fail "1 MiB body (second, same connection) differs from the pattern"
tt_info "2 x 1 MiB on one connection byte-exact in $("$TT_PY" -c "print('%.3f' % ($t1 - $t0))") s"

tt_srv_stop
tt_srv_capture_check
tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" 1
tt_srv_expect_eq http_responses "$(tt_srv_c http_responses)" 2
tt_expect_ge tcp_bytes_out "$(tt_srv_c tcp_bytes_out)" $((2 * big))
tt_srv_expect_eq retrans_data "$(tt_srv_c retrans_data)" 0
# Window scaling negotiated both ways, and the data went in full segments.
ws=$(tt_srv_capture_count "tcp.flags.syn == 1 && tcp.flags.ack == 1 && tcp.option_kind == 3 && ip.src == $TT_SRV_IP")
[ "$ws" -eq 1 ] || tt_fail "the SYN-ACK of tcpterm has no window scale option"
segs=$(tt_srv_capture_count "ip.src == $TT_SRV_IP && tcp.len > 0")
tt_expect_ge "data segments from tcpterm" "$segs" $((2 * big / 1448))
tt_info "PASS"
exit 0
