#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Input and checks of tests/integration/test_pcap_arp_icmp.sh.

  gen_arp_icmp.py gen IN.pcap
      Write the frames a peer sends to tcpterm (198.18.0.2/24): ARP
      requests, echo requests, and malformed frames, one of each drop
      reason listed in DROPS.

  gen_arp_icmp.py check IN.pcap OUT.pcap SUMMARY.json
      Check that OUT.pcap (what tcpterm sent) holds exactly one gratuitous
      ARP (first), one ARP reply per request for our address and one echo
      reply per valid echo request, each with the right addresses, the same
      identifier, sequence number and data, and valid checksums; and that
      the JSON summary counts the malformed frames under their reasons.
      Exit status 0 when all holds, 1 otherwise.

Runs with /usr/bin/python3 (scapy). Addresses are in 198.18.0.0/24 only.
"""

import json
import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (ARP, ICMP, IP, UDP, Ether, Raw, rdpcap,  # noqa: E402
                       wrpcap)

US_IP = "198.18.0.2"
PEER_IP = "198.18.0.1"
PEER_MAC = "02:00:00:00:00:01"
PEER2_IP = "198.18.0.5"
PEER2_MAC = "02:00:00:00:00:05"
# The port's MAC is not known in advance (the PMD chooses it): unicast
# frames go to this one, tcpterm does not filter on it.
SOME_MAC = "02:70:63:61:70:00"
BCAST = "ff:ff:ff:ff:ff:ff"

# Valid echo requests: (identifier, sequence number, payload length, pad).
ECHOS = [
    (0x1111, 1, 56, False),
    (0x2222, 2, 0, False),
    (0x3333, 300, 1000, False),
    (0x4444, 65535, 33, False),
    (0x8888, 7, 4, True),	# padded to 60 bytes like a short frame on a wire
]
# ARP requests for our address: (sender MAC, sender IP).
ARP_ASKERS = [(PEER_MAC, PEER_IP), (PEER2_MAC, PEER2_IP)]
# Malformed frames: one per reason, checked in the JSON "drops".
DROPS = {
    "arp_not_ours": 1,
    "bad_ip_cksum": 1,
    "truncated": 1,
    "fragment": 1,
    "not_our_ip": 1,
    "unsupported_proto": 1,
    "bad_icmp": 1,
}


def payload(ident, n):
    return bytes((ident + i) & 0xff for i in range(n))


def echo(ident, seq, n, dst=US_IP, **ipkw):
    return (Ether(src=PEER_MAC, dst=SOME_MAC) /
            IP(src=PEER_IP, dst=dst, id=ident & 0xffff, **ipkw) /
            ICMP(type=8, id=ident, seq=seq) / Raw(payload(ident, n)))


def arp_request(smac, sip, tip):
    return (Ether(src=smac, dst=BCAST) /
            ARP(op=1, hwsrc=smac, psrc=sip, hwdst="00:00:00:00:00:00", pdst=tip))


def gen(path):
    frames = []
    frames.append(arp_request(PEER_MAC, PEER_IP, US_IP))
    frames.append(arp_request(PEER_MAC, PEER_IP, "198.18.0.99"))	# not ours
    for ident, seq, n, pad in ECHOS[:4]:
        frames.append(echo(ident, seq, n))
    # Bad IPv4 header checksum.
    frames.append(echo(0x5555, 1, 20, chksum=0x1234))
    # Truncated: the frame ends 60 bytes into a 142-byte packet.
    frames.append(Ether(bytes(echo(0x6666, 1, 100))[:60]))
    # A first fragment (MF).
    frames.append(echo(0x7777, 1, 64, flags="MF"))
    # To another address.
    frames.append(echo(0x9999, 1, 8, dst="198.18.0.3"))
    # UDP.
    frames.append(Ether(src=PEER_MAC, dst=SOME_MAC) /
                  IP(src=PEER_IP, dst=US_IP) / UDP(sport=1234, dport=53) /
                  Raw(b"x" * 12))
    # Bad ICMP checksum.
    frames.append(Ether(src=PEER_MAC, dst=SOME_MAC) /
                  IP(src=PEER_IP, dst=US_IP) /
                  ICMP(type=8, id=0xaaaa, seq=1, chksum=0x1234) / Raw(b"abcd"))
    # Another host asks for us.
    frames.append(arp_request(PEER2_MAC, PEER2_IP, US_IP))
    # A short echo request, padded to the 60-byte minimum.
    ident, seq, n, _ = ECHOS[4]
    raw = bytes(echo(ident, seq, n))
    frames.append(Ether(raw + b"\0" * (60 - len(raw))))
    wrpcap(path, frames)
    print("gen: %d frames to %s" % (len(frames), path))


def cksums_ok(pkt):
    """IPv4 and ICMP checksums as sent equal those scapy computes."""
    ip = pkt[IP]
    fixed = IP(bytes(ip))
    del fixed.chksum
    del fixed[ICMP].chksum
    fixed = IP(bytes(fixed))
    return ip.chksum == fixed.chksum and ip[ICMP].chksum == fixed[ICMP].chksum


def check(in_path, out_path, json_path):
    errors = []
    out = rdpcap(out_path)
    print("check: %d frames in %s" % (len(out), out_path))
    for i, p in enumerate(out):
        print("  %2d: %s (%d bytes)" % (i, p.summary(), len(p)))
    if not out:
        print("FAIL: no frames sent")
        return 1

    # 1. The first frame is the gratuitous ARP; it gives us our MAC.
    g = out[0]
    if not (ARP in g and g[ARP].op == 1 and g[ARP].psrc == US_IP and
            g[ARP].pdst == US_IP and g[Ether].dst == BCAST and
            g[ARP].hwsrc == g[Ether].src):
        print("FAIL: first frame is not a gratuitous ARP from %s" % US_IP)
        return 1
    us_mac = g[Ether].src
    print("check: our MAC is %s" % us_mac)
    rest = list(out[1:])
    n_garp = sum(1 for p in rest if ARP in p and p[ARP].op == 1 and
                 p[ARP].psrc == US_IP and p[ARP].pdst == US_IP)
    if n_garp:
        errors.append("%d more gratuitous ARPs" % n_garp)

    # 2. One ARP reply per request for us.
    for mac, ip in ARP_ASKERS:
        m = [p for p in rest if ARP in p and p[ARP].op == 2 and p[ARP].pdst == ip]
        if len(m) != 1:
            errors.append("ARP replies to %s: %d, expected 1" % (ip, len(m)))
            continue
        a = m[0]
        want = dict(eth_dst=mac, eth_src=us_mac, hwsrc=us_mac, psrc=US_IP,
                    hwdst=mac, pdst=ip)
        got = dict(eth_dst=a[Ether].dst, eth_src=a[Ether].src, hwsrc=a[ARP].hwsrc,
                   psrc=a[ARP].psrc, hwdst=a[ARP].hwdst, pdst=a[ARP].pdst)
        if got != want:
            errors.append("ARP reply to %s: %s, expected %s" % (ip, got, want))
        for p in m:
            rest.remove(p)

    # 3. One echo reply per valid request.
    for ident, seq, n, _ in ECHOS:
        m = [p for p in rest if ICMP in p and p[ICMP].id == ident and p[ICMP].seq == seq]
        if len(m) != 1:
            errors.append("echo replies id %#x seq %d: %d, expected 1" % (ident, seq, len(m)))
            continue
        r = m[0]
        rest.remove(r)
        what = "echo reply id %#x seq %d" % (ident, seq)
        if r[Ether].dst != PEER_MAC or r[Ether].src != us_mac:
            errors.append("%s: Ethernet %s -> %s" % (what, r[Ether].src, r[Ether].dst))
        if r[IP].src != US_IP or r[IP].dst != PEER_IP:
            errors.append("%s: IP %s -> %s" % (what, r[IP].src, r[IP].dst))
        if r[IP].ttl != 64:
            errors.append("%s: TTL %d" % (what, r[IP].ttl))
        if r[IP].len != 28 + n:
            errors.append("%s: IP total length %d, expected %d" % (what, r[IP].len, 28 + n))
        if len(r) != 14 + 28 + n:
            errors.append("%s: frame of %d bytes, expected %d" % (what, len(r), 42 + n))
        if r[ICMP].type != 0 or r[ICMP].code != 0:
            errors.append("%s: type %d code %d" % (what, r[ICMP].type, r[ICMP].code))
        data = bytes(r[ICMP].payload)
        if data != payload(ident, n):
            errors.append("%s: payload differs (%d bytes)" % (what, len(data)))
        if not cksums_ok(r):
            errors.append("%s: bad checksum" % what)

    # 4. Nothing else.
    for p in rest:
        errors.append("unexpected frame: %s" % p.summary())

    # 5. The counters.
    with open(json_path) as f:
        d = json.load(f)
    drops = d.get("drops", {})
    for reason, n in DROPS.items():
        if drops.get(reason) != n:
            errors.append("drops[%s] = %s, expected %d" % (reason, drops.get(reason), n))
    for reason, n in drops.items():
        if reason not in DROPS and n != 0:
            errors.append("drops[%s] = %d, expected 0" % (reason, n))
    if d.get("drops_total") != sum(DROPS.values()):
        errors.append("drops_total = %s, expected %d" % (d.get("drops_total"),
                                                        sum(DROPS.values())))
    c = d.get("counters", {})
    want = {
        "arp_rx_request": len(ARP_ASKERS),
        "arp_tx_reply": len(ARP_ASKERS),
        "arp_tx_gratuitous": 1,
        "icmp_echo_rx": len(ECHOS),
        "icmp_echo_tx": len(ECHOS),
        "rx_pkts": len(rdpcap(in_path)),
        "tx_pkts": len(out),
    }
    for k, v in want.items():
        if c.get(k) != v:
            errors.append("counters[%s] = %s, expected %d" % (k, c.get(k), v))

    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print("check: %d ARP replies, %d echo replies, 1 gratuitous ARP, drops %s: all as expected"
          % (len(ARP_ASKERS), len(ECHOS), json.dumps(DROPS)))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "gen":
        gen(argv[2])
        return 0
    if len(argv) == 5 and argv[1] == "check":
        return check(argv[2], argv[3], argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
