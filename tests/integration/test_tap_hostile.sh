#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Hostile frames at the link layer (docs/security.md), against tcpterm's
# HTTP server over net_tap with the kernel and scapy in a namespace:
# kernel 198.18.0.1/24, tcpterm 198.18.0.2/24 and, through a client role
# whose source addresses are 198.18.0.10-11, those two extra addresses.
# The client opens a connection a second to a closed port of the kernel
# (each is refused): it is there for its extra addresses and because its
# resolution of 198.18.0.1 is the one ARP entry tcpterm keeps.
#
# scapy sends, from the namespace, N of each (N = 3):
#   - a SYN from a multicast source MAC             -> bad_src_mac
#   - a SYN to another station's MAC               -> not_our_mac
#   - an echo request to the broadcast MAC         -> not_our_mac
#   - a LAND SYN (198.18.0.2:80 -> 198.18.0.2:80)   -> land
#   - SYNs from 127.0.0.1 and 240.0.0.1            -> bad_src_ip
#   - SYNs from 198.18.0.2 and 198.18.0.10 (ours)  -> src_ip_ours
# and none of them gets an answer; then an unsolicited ARP reply and a
# gratuitous ARP that give 198.18.0.1 the MAC 02:00:00:00:00:66
# (arp_conflict, 2), and a reply for an address nobody asked for
# (arp_unsolicited, 1): tcpterm sends nothing to that MAC, polls the MAC it
# has for 198.18.0.1 at once, and learns nothing new (arp_learned stays 1).
# Afterwards curl still gets its page, ping to the extra address
# 198.18.0.10 is answered from 198.18.0.10, and the end state is clean
# (pools full, no flow; tt_srv_stop).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require curl
"$TT_PY" -c 'import scapy.all' >/dev/null 2>&1 ||
	tt_skip "$TT_PY lacks scapy (scripts/setup.sh installs python3-scapy)"

N=3
EXTRA=198.18.0.10
tt_srv_start hostl --set server.app=http --set server.listen=80 \
	--set server.response_bytes=100 \
	--set client.target=$TT_SRV_K_IP:9 --set client.source_ips=$EXTRA-198.18.0.11 \
	--set client.rate=1 --set client.arp_timeout_ms=60000
rc=0
tt_wait_for_log "$TT_SRV_LOG" 'next hops resolved' 30 "$TT_SRV_PID" || rc=$?
[ $rc -eq 0 ] || tt_fail "the client did not resolve $TT_SRV_K_IP"

# The drop counters before the hostile frames, through rte_telemetry: the
# tap said a few things of its own (IPv6 multicast) before it was moved
# into the namespace, which counted as not_our_mac.
sock=/var/run/dpdk/tthostl$$/dpdk_telemetry.v2
base=$("$TT_PY" - "$sock" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.recv(1024)
s.send(b"/tcpterm/drops")
print(json.dumps(json.loads(s.recv(65536))["/tcpterm/drops"]))
EOF
) || tt_fail "no answer from the telemetry socket $sock"
tt_info "drops before: $base"

out=$(tt_srv_exec "$TT_PY" - "$TT_SRV_IFC" "$TT_SRV_IP" "$TT_SRV_MAC" "$TT_SRV_K_IP" \
	"$TT_SRV_K_MAC" "$EXTRA" "$N" <<'EOF' 2>&1
import sys, time
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import conf, AsyncSniffer, ARP, Ether, ICMP, IP, TCP, sendp
ifc, us, us_mac, k_ip, k_mac, extra, n = sys.argv[1:8]
n = int(n)
conf.verb = 0
evil = "02:00:00:00:00:66"
fails = []

def syn(src, sport, dst=us, eth_src=k_mac, eth_dst=us_mac, dport=80):
    return (Ether(src=eth_src, dst=eth_dst) / IP(src=src, dst=dst) /
            TCP(sport=sport, dport=dport, flags="S", seq=1000))

hostile = {
    "multicast source MAC": syn(k_ip, 41001, eth_src="01:00:5e:00:00:01"),
    "another station's MAC": syn(k_ip, 41002, eth_dst="02:00:00:00:00:99"),
    "echo to the broadcast MAC": (Ether(src=k_mac, dst="ff:ff:ff:ff:ff:ff") /
                                  IP(src=k_ip, dst=us) / ICMP(id=0x4242)),
    "LAND": syn(us, 80, dport=80),
    "from 127.0.0.1": syn("127.0.0.1", 41004),
    "from 240.0.0.1": syn("240.0.0.1", 41005),
    "from our address": syn(us, 41006),
    "from our extra address": syn(extra, 41007),
}
# Everything tcpterm sends while the frames go in, but its client's SYNs
# to port 9 and ARP (the kernel may ask for us at any time).
sn = AsyncSniffer(iface=ifc, store=True,
                  lfilter=lambda p: p[Ether].src == us_mac and ARP not in p and
                  not (TCP in p and p[TCP].dport == 9))
sn.start()
time.sleep(0.3)
for what, pkt in hostile.items():
    sendp([pkt] * n, iface=ifc)
time.sleep(1.0)
sn.stop()
if sn.results:
    fails.append("answers to hostile frames: %s" % [p.summary() for p in sn.results])
else:
    print("%d hostile frames of %d kinds: no answer" % (n * len(hostile), len(hostile)))

# ARP: take over the kernel's address, and announce one nobody asked for.
sn = AsyncSniffer(iface=ifc, store=True, lfilter=lambda p: p[Ether].src == us_mac)
sn.start()
time.sleep(0.3)
sendp(Ether(src=evil, dst=us_mac) /
      ARP(op=2, hwsrc=evil, psrc=k_ip, hwdst=us_mac, pdst=us), iface=ifc)
sendp(Ether(src=evil, dst="ff:ff:ff:ff:ff:ff") /
      ARP(op=1, hwsrc=evil, psrc=k_ip, hwdst="00:00:00:00:00:00", pdst=k_ip), iface=ifc)
sendp(Ether(src=evil, dst=us_mac) /
      ARP(op=2, hwsrc=evil, psrc="198.18.0.77", hwdst=us_mac, pdst=us), iface=ifc)
time.sleep(1.5)
sn.stop()
to_evil = [p.summary() for p in sn.results if p[Ether].dst == evil]
polls = [p for p in sn.results if ARP in p and p[ARP].op == 1 and p[ARP].pdst == k_ip
         and p[Ether].dst == k_mac]
if to_evil:
    fails.append("frames to the spoofed MAC: %s" % to_evil)
if not polls:
    fails.append("no unicast ARP poll of %s at %s after the spoofed claims: %s"
                 % (k_ip, k_mac, [p.summary() for p in sn.results]))
else:
    print("spoofed ARP: nothing sent to %s; %s polled at %s" % (evil, k_ip, k_mac))

for f in fails:
    print("FAIL " + f)
sys.exit(1 if fails else 0)
EOF
) || rc=$?
echo "$out" | sed "s/^/[$TT_NAME] scapy: /"
[ $rc -eq 0 ] || tt_fail "scapy checks failed"

# Still served, and the extra address answers ping from itself.
code=$(tt_srv_exec curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://$TT_SRV_IP/") ||
	tt_fail "curl failed after the hostile frames"
[ "$code" = 200 ] || tt_fail "curl: status $code"
tt_info "curl after the hostile frames: 200"
out=$(tt_srv_exec ping -n -c 2 -W 2 "$EXTRA" 2>&1) || tt_fail "ping $EXTRA: $out"
replies=$(grep -c "bytes from $EXTRA:" <<<"$out")
others=$(grep "bytes from" <<<"$out" | grep -vc "bytes from $EXTRA:")
[ "$replies" -eq 2 ] && [ "$others" -eq 0 ] ||
	tt_fail "ping $EXTRA: replies not all from $EXTRA: $out"
tt_info "ping $EXTRA: 2 replies from $EXTRA"

tt_srv_stop
# drop REASON: what the hostile frames added to a drop reason.
drop() {
	echo $(($(tt_json_get "$TT_SRV_JSON" "d[\"drops\"][\"$1\"]") -
		$("$TT_PY" -c 'import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2], 0))' \
			"$base" "$1")))
}
tt_srv_expect_eq "drops bad_src_mac" "$(drop bad_src_mac)" "$N"
tt_srv_expect_eq "drops not_our_mac" "$(drop not_our_mac)" $((2 * N))
tt_srv_expect_eq "drops land" "$(drop land)" "$N"
tt_srv_expect_eq "drops bad_src_ip" "$(drop bad_src_ip)" $((2 * N))
tt_srv_expect_eq "drops src_ip_ours" "$(drop src_ip_ours)" $((2 * N))
tt_srv_expect_eq "drops arp_conflict" "$(drop arp_conflict)" 2
tt_srv_expect_eq "drops arp_unsolicited" "$(drop arp_unsolicited)" 1
tt_srv_expect_eq arp_learned "$(tt_srv_c arp_learned)" 1
# Only curl's connection reached the server: no SYN above was accepted.
tt_srv_expect_eq conn_accepted "$(tt_srv_c conn_accepted)" 1
tt_srv_expect_eq http_responses "$(tt_srv_c http_responses)" 1
tt_info "PASS"
exit 0
