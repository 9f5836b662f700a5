#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Resets, with tcpterm's HTTP server on port 80 over net_tap and the kernel
# (plus scapy, when /usr/bin/python3 has it) in a network namespace:
#   1. a SYN to port 81, where nobody listens, gets RST/ACK: curl fails at
#      once with "Connection refused" (RFC 9293 3.10.7.1);
#   2. hping3 -S -p 81 sees flags RA (only when hping3 is installed);
#   3. the client aborts with RST (SO_LINGER 0) an idle connection and one
#      after a request: tcpterm frees both flows;
#   4. scapy: a SYN to port 81 gets RST/ACK with SEQ 0 and ACK = its
#      SEQ + 1; a bare ACK for no flow gets an RST whose SEQ is its ACK
#      (RFC 9293 3.10.7.1); on a live kernel connection, an RST inside the
#      window but not at RCV.NXT gets a challenge ACK and the connection
#      lives on, an RST at RCV.NXT closes it (RFC 5961 3.2).
# Then the counters and a clean end state (no flow left).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require curl

tt_srv_start rst --set server.app=http --set server.listen=80 --set server.response_bytes=100
have_cap=0
if command -v tshark >/dev/null 2>&1; then
	tt_srv_capture_start
	have_cap=1
fi
refused=0
resets=0

# ---- 1. curl to a closed port ----
t0=$(date +%s.%N)
out=$(tt_srv_exec curl -sS --max-time 5 "http://$TT_SRV_IP:81/" 2>&1)
rc=$?
t1=$(date +%s.%N)
refused=$((refused + 1))
[ $rc -eq 7 ] || tt_fail "curl to port 81: exit $rc, expected 7 (couldn't connect): $out"
# curl 7.88 says "Couldn't connect to server" whatever the cause: the
# time tells a refusal (an RST at once) from a timeout.
fast=$("$TT_PY" -c "print(int($t1 - $t0 < 2))")
[ "$fast" = 1 ] || tt_fail "curl to port 81 took $("$TT_PY" -c "print($t1 - $t0)") s: no RST?"
tt_info "curl to port 81: '$out' (exit 7)"
# The error itself: ECONNREFUSED.
out=$(tt_srv_exec "$TT_PY" -c '
import errno, socket, sys
s = socket.socket()
s.settimeout(5)
e = s.connect_ex((sys.argv[1], 81))
print(errno.errorcode.get(e, e))
' "$TT_SRV_IP")
refused=$((refused + 1))
[ "$out" = ECONNREFUSED ] || tt_fail "connect to port 81: $out, expected ECONNREFUSED"
tt_info "connect() to port 81: ECONNREFUSED"

# ---- 2. hping3, when installed ----
if command -v hping3 >/dev/null 2>&1; then
	out=$(tt_srv_exec timeout 15 hping3 -S -p 81 -c 3 -i u200000 "$TT_SRV_IP" 2>&1)
	echo "$out" | sed "s/^/[$TT_NAME] hping3: /"
	n=$(grep -c 'flags=RA' <<<"$out")
	[ "$n" -eq 3 ] || tt_fail "hping3: $n replies with flags=RA, expected 3"
	refused=$((refused + 3))
	tt_info "hping3: 3 SYNs to port 81, 3 RST/ACK"
else
	tt_info "hping3 not installed: its part is skipped"
fi

# ---- 3. the client aborts (SO_LINGER 0 -> RST) ----
out=$(tt_srv_exec "$TT_PY" - "$TT_SRV_IP" <<'EOF'
import socket, struct, sys, time
ip = sys.argv[1]
def abort(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
# An idle connection.
s = socket.create_connection((ip, 80), timeout=5)
time.sleep(0.1)
abort(s)
# A connection after one keep-alive request and its response.
s = socket.create_connection((ip, 80), timeout=5)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
data = b""
while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < 100:
    b = s.recv(4096)
    if not b:
        sys.exit("server closed the keep-alive connection")
    data += b
if not data.startswith(b"HTTP/1.1 200 "):
    sys.exit("bad response: %r" % data[:40])
abort(s)
print("aborted 2 connections")
EOF
) || tt_fail "SO_LINGER 0 client: $out"
resets=$((resets + 2))
tt_info "$out"

# ---- 4. scapy ----
scapy_ok=0
if "$TT_PY" -c 'import scapy.all' >/dev/null 2>&1; then
	out=$(tt_srv_exec "$TT_PY" - "$TT_SRV_IP" "$TT_SRV_IFC" <<'EOF' 2>&1
import socket, sys, time
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import conf, AsyncSniffer, IP, TCP, send
ip, ifc = sys.argv[1], sys.argv[2]
conf.iface = ifc
conf.verb = 0
fails = []

def exchange(pkt, flt, wait=1.0):
    """Send pkt, return the TCP segments from tcpterm matching flt."""
    sn = AsyncSniffer(iface=ifc, filter="tcp and src host %s" % ip, store=True)
    sn.start()
    time.sleep(0.3)
    send(pkt, iface=ifc)
    time.sleep(wait)
    sn.stop()
    return [p for p in sn.results if TCP in p and flt(p[TCP])]

# A SYN to a closed port: RST/ACK, SEQ 0, ACK = SEG.SEQ + 1.
r = exchange(IP(dst=ip) / TCP(sport=40001, dport=81, flags="S", seq=1000),
             lambda t: t.dport == 40001)
if len(r) != 1 or str(r[0][TCP].flags) != "RA" or r[0][TCP].seq != 0 or r[0][TCP].ack != 1001:
    fails.append("SYN to port 81: got %s" % [(str(p[TCP].flags), p[TCP].seq, p[TCP].ack) for p in r])
else:
    print("SYN to port 81 -> RST/ACK seq 0 ack 1001")

# A bare ACK for no flow: RST with SEQ = SEG.ACK, no ACK flag.
r = exchange(IP(dst=ip) / TCP(sport=40002, dport=80, flags="A", seq=5000, ack=123456789),
             lambda t: t.dport == 40002)
if len(r) != 1 or str(r[0][TCP].flags) != "R" or r[0][TCP].seq != 123456789:
    fails.append("bare ACK: got %s" % [(str(p[TCP].flags), p[TCP].seq, p[TCP].ack) for p in r])
else:
    print("bare ACK for no flow -> RST seq 123456789")

# RFC 5961 3.2 on a connection of the kernel: learn its sequence numbers
# from the capture of the handshake.
sn = AsyncSniffer(iface=ifc, filter="tcp port 80", store=True)
sn.start()
time.sleep(0.3)
s = socket.create_connection((ip, 80), timeout=5)
lport = s.getsockname()[1]
time.sleep(0.3)
sn.stop()
mine = [p[TCP] for p in sn.results if TCP in p and p[IP].dst == ip and p[TCP].sport == lport]
if not mine:
    fails.append("handshake not captured")
else:
    nxt = mine[-1].seq          # the kernel's SND.NXT == tcpterm's RCV.NXT
    # In the window, not exact: challenge ACK, connection alive.
    r = exchange(IP(dst=ip) / TCP(sport=lport, dport=80, flags="R", seq=nxt + 1000),
                 lambda t: t.dport == lport)
    acks = [p for p in r if str(p[TCP].flags) == "A" and p[TCP].ack == nxt]
    if len(acks) != 1:
        fails.append("inexact RST: expected one challenge ACK with ack %d, got %s"
                     % (nxt, [(str(p[TCP].flags), p[TCP].seq, p[TCP].ack) for p in r]))
    else:
        print("RST in window, not exact -> challenge ACK")
    req = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    s.sendall(req)
    data = s.recv(4096)
    if not data.startswith(b"HTTP/1.1 200 "):
        fails.append("connection dead after the inexact RST: %r" % data[:40])
    else:
        print("connection alive after the inexact RST")
    time.sleep(0.2)
    nxt += len(req)
    # Exact: the connection is closed; the next request meets no flow.
    r = exchange(IP(dst=ip) / TCP(sport=lport, dport=80, flags="R", seq=nxt),
                 lambda t: t.dport == lport, wait=0.5)
    if r:
        fails.append("exact RST answered: %s" % [(str(p[TCP].flags), p[TCP].seq) for p in r])
    try:
        s.sendall(req)
        data = s.recv(4096)
        if data:
            fails.append("connection alive after the exact RST: %r" % data[:40])
        else:
            fails.append("connection closed (FIN?) instead of reset after the exact RST")
    except (ConnectionResetError, socket.timeout) as e:
        if isinstance(e, socket.timeout):
            fails.append("no RST for a request after the exact RST")
        else:
            print("RST at RCV.NXT -> connection closed; next request -> RST")
    s.close()

for f in fails:
    print("FAIL " + f)
sys.exit(1 if fails else 0)
EOF
	)
	rc=$?
	echo "$out" | sed "s/^/[$TT_NAME] scapy: /"
	[ $rc -eq 0 ] || tt_fail "scapy checks failed"
	scapy_ok=1
	refused=$((refused + 1))
	resets=$((resets + 1))
else
	tt_info "scapy not importable by $TT_PY: its part is skipped"
fi

tt_srv_stop
if [ $have_cap -eq 1 ]; then
	# Checksums (of the RSTs too) and well-formedness only: the segments
	# scapy forges are TCP anomalies on purpose (ACK for unseen data, RST
	# out of order), and so are the resets that follow.
	tt_srv_capture_check 'tcp.analysis.flags'
	tt_expect_ge "RSTs from tcpterm in the capture" \
		"$(tt_srv_capture_count "ip.src == $TT_SRV_IP && tcp.flags.reset == 1")" 2
fi
tt_srv_expect_eq refused_no_listener "$(tt_srv_c refused_no_listener)" "$refused"
tt_srv_expect_eq tcp_rst_in "$(tt_srv_c tcp_rst_in)" "$resets"
tt_srv_expect_eq conn_closed_reset "$(tt_srv_c conn_closed_reset)" "$resets"
tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" $((2 + scapy_ok))
tt_srv_expect_eq http_responses "$(tt_srv_c http_responses)" $((1 + scapy_ok))
# RSTs sent: the refused SYNs, plus (scapy) the bare ACK and the request
# after the exact RST.
tt_srv_expect_eq tcp_rst_out "$(tt_srv_c tcp_rst_out)" $((refused + 2 * scapy_ok))
if [ $scapy_ok -eq 1 ]; then
	tt_expect_ge "drops tcp_no_flow" "$(tt_json_get "$TT_SRV_JSON" 'd["drops"]["tcp_no_flow"]')" 2
	tt_srv_expect_eq "drops tcp_rst_inexact (challenge ACK)" \
		"$(tt_json_get "$TT_SRV_JSON" 'd["drops"]["tcp_rst_inexact"]')" 1
	tt_srv_expect_eq challenge_acks "$(tt_srv_c challenge_acks)" 1
fi
tt_info "PASS"
exit 0
