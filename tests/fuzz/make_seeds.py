#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed corpora of the fuzz harnesses into tests/fuzz/corpus/.

  make_seeds.py [CORPUS-DIR]

Seeds, named seed-*, come from what the tests already use: the frames of
tests/integration/gen_arp_icmp.py (ARP, ICMP, one malformed frame per drop
reason) and TCP segments built here for fuzz_pkt and fuzz_tcp_opts; the
requests and responses of tests/unit/test_http.c for fuzz_http_req and
fuzz_http_resp; tests/fixtures/cfg/*.ini and config/*.ini for fuzz_cfg;
short programs of operations (the encodings of fuzz_tcp_flow.c and
fuzz_tcp_pair.c) for the two TCP harnesses. Inputs that once broke
something are named crash-* or regress-* and are never overwritten here.
The output is deterministic; the seeds are committed, so CI does not run
this script. Needs /usr/bin/python3 with scapy (for gen_arp_icmp.py).
"""

import glob
import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
US = bytes([198, 18, 0, 2])
PEER = bytes([198, 18, 0, 1])
MAC_US = bytes([2, 0, 0, 0, 0, 2])
MAC_PEER = bytes([2, 0, 0, 0, 0, 1])


def write(out, name, data):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for old in glob.glob(os.path.join(d, "seed-*")):
        os.unlink(old)
    return d


def put(d, data, label=""):
    h = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, "seed-%s%s" % (label + "-" if label else "", h)), "wb") as f:
        f.write(data)


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def tcp_frame(flags, seq=1, ack=0, win=65535, opts=b"", data=b"", sport=40000, dport=80):
    opts += b"\0" * (-len(opts) % 4)
    th = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (20 + len(opts)) // 4 << 4,
                     flags, win, 0, 0) + opts
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(th) + len(data), 1, 0x4000, 64, 6, 0,
                     PEER, US)
    ip = ip[:10] + struct.pack("!H", cksum(ip)) + ip[12:]
    ph = PEER + US + struct.pack("!BBH", 0, 6, len(th) + len(data))
    c = cksum(ph + th + data)
    th = th[:16] + struct.pack("!H", c) + th[18:]
    return MAC_US + MAC_PEER + b"\x08\x00" + ip + th + data


SYN_OPTS = bytes.fromhex("020405b40402080a000186a00000000001030307")
TS_OPTS = bytes.fromhex("0101080a000186a100000001")


def pcap_frames(path):
    with open(path, "rb") as f:
        b = f.read()
    off, frames = 24, []
    while off + 16 <= len(b):
        incl = struct.unpack("<I", b[off + 8:off + 12])[0]
        frames.append(b[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def seeds_pkt(out):
    d = write(out, "pkt", None)
    with tempfile.TemporaryDirectory() as tmp:
        pc = os.path.join(tmp, "in.pcap")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests/integration/gen_arp_icmp.py"),
                        "gen", pc], check=True)
        for fr in pcap_frames(pc):
            put(d, b"\x00" + fr, "arp-icmp")
    segs = [
        tcp_frame(0x02, opts=SYN_OPTS),
        tcp_frame(0x10, ack=5, opts=TS_OPTS),
        tcp_frame(0x18, ack=5, opts=TS_OPTS, data=b"GET / HTTP/1.1\r\nHost: t\r\n\r\n"),
        tcp_frame(0x11, ack=5),
        tcp_frame(0x04, seq=7),
    ]
    for s in segs:
        put(d, b"\x00" + s, "tcp")
        put(d, b"\x15" + s, "tcp-rxgood")
        put(d, b"\x20" + s, "tcp-chain")
    # Shorter than the IPv4 total length says (by 1 and 4 bytes): truncated.
    put(d, b"\x00" + segs[2][:-1], "tcp-truncated")
    put(d, b"\x15" + segs[2][:-4], "tcp-truncated-rxgood")


def seeds_tcp_opts(out):
    d = write(out, "tcp_opts", None)
    for h in ["020405b40402080a000186a00000000001030307",   # Linux SYN
              "0101080a000186a100000001",                   # NOP NOP TS
              "020405b4", "01030307", "04020101", "0402080a0000000100000002",
              "020405b401010402", "0101050a0000000100000005",  # a SACK block
              "00", "01010100", "0203", "080a00000001", "03030e00", "030320",
              "1e0600000000", "fe04000001"]:
        put(d, bytes.fromhex(h))


def c_strings(path, prefix_re):
    """Literals of @path starting like @prefix_re, adjacent ones joined."""
    src = open(path, encoding="utf-8", errors="replace").read()
    out = []
    for m in re.finditer(r'((?:"(?:[^"\\\n]|\\.)*"\s*)+)', src):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(1))
        s = "".join(parts)
        if not re.match(prefix_re, s):
            continue
        b = s.encode("latin-1", errors="replace")
        b = re.sub(rb"\\x([0-9a-fA-F]{2})", lambda x: bytes([int(x.group(1), 16)]), b)
        for a, r in ((rb"\r", b"\r"), (rb"\n", b"\n"), (rb"\t", b"\t"), (rb'\"', b'"'),
                     (rb"\\", b"\\")):
            b = b.replace(a, r)
        out.append(b)
    return out


def seeds_http(out):
    test_http = os.path.join(ROOT, "tests/unit/test_http.c")
    d = write(out, "http_req", None)
    reqs = c_strings(test_http, r"(GET|HEAD|POST|PUT|DELETE|OPTIONS|\\r\\n|\\n)")
    for r in reqs:
        put(d, r)
    put(d, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n" * 3, "pipelined")
    put(d, b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.0\r\n\r\n", "body")
    d = write(out, "http_resp", None)
    resps = c_strings(test_http, r"HTTP/")
    for r in resps:
        put(d, b"\x00" + r)
        put(d, b"\x01" + r, "head")
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
    put(d, b"\x00" + ok * 3, "pipelined")
    put(d, b"\x00HTTP/1.1 100 Continue\r\n\r\n" + ok, "continue")
    put(d, b"\x00HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5\r\nhello\r\n0\r\nX: y\r\n\r\n" + ok, "chunked")
    put(d, b"\x00HTTP/1.0 200 OK\r\n\r\nuntil close", "close")


def seeds_cfg(out):
    d = write(out, "cfg", None)
    files = sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/cfg/*.ini")) +
                   glob.glob(os.path.join(ROOT, "config/*.ini")))
    for f in files:
        put(d, open(f, "rb").read(), os.path.basename(f)[:-4])
    mini = open(os.path.join(ROOT, "tests/fixtures/cfg/good-minimal.ini"), "rb").read()
    put(d, mini + b"\0tcp.mss=1000\0server.app=echo\0client.close=reset", "sets")
    put(d, b"\0server.listen=80,81\0tcp.wscale=14", "sets-only")


# fuzz_tcp_flow.c: configuration bytes, ISN, operations.
def flow_seg(flags, mode=0, extra=b"", tsstep=1, payload=0, pextra=b""):
    return bytes([0, flags, mode]) + extra + bytes([tsstep]) + bytes([payload]) + pextra


def seeds_tcp_flow(out):
    d = write(out, "tcp_flow", None)
    SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
    ACKALL, TICK_MS, TICK_S, NEWISN, CLOSE_ALL, ABORT_ALL = 5, 4, 4, 6, 7, 15
    iss = struct.pack("!I", 0x10000000)
    opening = flow_seg(SYN) + flow_seg(ACK)
    b2 = b"\x00"                  # syn_cookies auto, rto_min 200 ms
    http = b"\x2c\x6e" + b2 + iss  # http, TS, SACK, wscale 7; 65535, MSS 1460, cwnd 10, 100 B
    req = flow_seg(ACK | PSH, payload=0x80)           # GET keep-alive
    req10 = flow_seg(ACK | PSH, payload=0x81)         # HTTP/1.0
    close = flow_seg(FIN | ACK)
    put(d, http + opening + req + bytes([ACKALL, TICK_MS, 0x41]) + close +
        bytes([ACKALL, TICK_S, 0xc1]), "http-keepalive")
    put(d, http + opening + req10 + bytes([ACKALL]) + close + bytes([TICK_MS, 0x50, NEWISN]) +
        iss[:3] + b"\x80" + opening + req + bytes([ACKALL]), "http10-time-wait-reuse")
    pipelined = flow_seg(ACK | PSH, payload=0x80 | (7 << 3))
    put(d, b"\x2c\xee" + b2 + iss + opening + pipelined + bytes([TICK_MS, 0x45, ACKALL, TICK_MS, 0x45,
                                                         ACKALL]), "http-pipelined-100k")
    put(d, http + bytes([0x0b]) + flow_seg(SYN)[1:] + flow_seg(ACK)[1:] + req[1:] +
        bytes([ACKALL, CLOSE_ALL, ACKALL]), "burst-open-request")
    lost = bytes([TICK_S, 0xc1]) * 12
    put(d, http + opening + req + lost, "rto-until-reset")
    echo = b"\x2d\x6e" + b2 + iss
    data = flow_seg(ACK | PSH, payload=0x87)
    zero_win = flow_seg(ACK, mode=0x20)
    put(d, echo + opening + data + zero_win + bytes([TICK_S, 0xc2, TICK_S, 0xc4]) +
        bytes([ACKALL]) + close + bytes([ACKALL]), "echo-zero-window")
    put(d, b"\x2e\x6e" + b2 + iss + opening + data * 4 + bytes([ACKALL]) + close, "discard")
    put(d, b"\x2f\x6e" + b2 + iss + opening + data + bytes([ACKALL, ABORT_ALL]), "fixed")
    put(d, http + opening + flow_seg(RST) + opening + flow_seg(SYN), "rst-then-syn")
    put(d, b"\x2c\x6e\x01" + iss + opening + req + bytes([ACKALL]) + close + bytes([ACKALL]),
        "syn-cookie")
    put(d, b"\x2c\x6e\x05" + iss + opening + req + lost[:8], "rto-min-10ms")
    put(d, b"\x00\x00" + b2 + iss + opening + req + bytes([ACKALL]) + close, "no-options")


# fuzz_tcp_pair.c: configuration bytes, operations.
def seeds_tcp_pair(out):
    d = write(out, "tcp_pair", None)
    CONNECT, C2S, S2C, TICK, ALL, SRV_DRAIN, CLI_DRAIN, LOSE = range(8)
    exchange = bytes([ALL]) * 8
    b2 = 0x2e                     # window 65535, MSS 1460, 100-byte responses
    for cfg, label in ((bytes([0x2c, 0x00, b2]), "http-active"),
                       (bytes([0x2c, 0x10, b2]), "http-passive"),
                       (bytes([0x2c, 0x20, b2]), "http-reset"),
                       (bytes([0x2c, 0x0c, b2]), "http-4-requests"),
                       (bytes([0x2d, 0x02, b2]), "echo"),
                       (bytes([0x2f, 0x01, b2]), "fixed"),
                       (bytes([0x2e, 0x03, b2 | 0x80]), "send-discard"),
                       (bytes([0x00, 0x00, 0x00]), "no-options-small")):
        put(d, cfg + bytes([CONNECT]) + exchange + bytes([TICK, 0x41]) + exchange +
            bytes([TICK, 0xc1]) + exchange, label)
    lossy = bytes([C2S, 0x01, S2C, 0x01, TICK, 0xc1, C2S, 0x02, S2C, 0x04]) * 4
    put(d, bytes([0x2c, 0x00, b2]) + bytes([CONNECT]) + lossy + exchange, "loss")
    reuse = bytes([CONNECT]) + exchange + bytes([TICK, 0x81, TICK, 0x8a]) + bytes([CONNECT]) + exchange
    put(d, bytes([0x2c, 0x00, b2 | 0x10]) + reuse + reuse, "time-wait-reuse")
    put(d, bytes([0x2c, 0x00, 0x6e]) + bytes([CONNECT]) + exchange +
        bytes([SRV_DRAIN, ALL, ALL, CLI_DRAIN | 8, ALL, LOSE, TICK, 0xc5]), "drain")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/fuzz/corpus")
    seeds_pkt(out)
    seeds_tcp_opts(out)
    seeds_http(out)
    seeds_cfg(out)
    seeds_tcp_flow(out)
    seeds_tcp_pair(out)


if __name__ == "__main__":
    main()
