# SPDX-License-Identifier: BSD-3-Clause
"""The figures of one side of a scenario 8 run (scripts/bench/s8_dperf.sh),
from that program's own counters, as one JSON object on stdout.

usage: dperf_stats.py dperf LOG CPS
       dperf_stats.py tcpterm JSON SECONDS

dperf: LOG is dperf's standard output (per-second blocks, then "Total
Numbers:"); CPS the rate it was told to open at (for the record). The goodput is the
mean of its per-second http2XX over the seconds after its slow start (10 s
from the first second it opened) and 2 s more, up to the last second in
which it opened; the latency the mean of its per-second rtt(us) (SYN to
SYN-ACK) over the same seconds; the rest are the totals of the run.
tcpterm: JSON is the --json summary; SECONDS the client's duration (the
goodput is client_responses over it).

Keys: role (client/server), conns (connections the program opened or
accepted), goodput (responses/s, clients only), errors (tcpterm's client:
failed plus unfinished at its end; tcpterm's server: closed by reset or
timeout, less overload_fin_aborts), retrans, drops,
lat_us (clients only), tcp_drop (dperf only: the segments it received and
threw away), partial (dperf only: it died before printing its totals, so
they are the sum of its per-second lines) and detail (the counters behind
each figure).
Only the Python standard library is used.
"""

import json
import re
import sys

SLOW_START = 10  # s, dperf's minimum (scripts/bench/s8_dperf.sh sets it)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
NUM = re.compile(r"^-?[0-9][0-9,]*(\.[0-9]+)?$")


def dperf_blocks(path):
    """Per-second blocks and the total, each a dict of counter -> number."""
    blocks, total, cur = [], None, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = ANSI.sub("", raw).strip()
            if line.startswith("Total Numbers"):
                cur = {}
                total = cur
                continue
            words = line.split()
            if not words:
                continue
            if words[0] == "seconds" and total is None:
                cur = {}
                blocks.append(cur)
            if cur is None:
                continue
            # "name value name value ...", rtt as "rtt(us) 12.3".
            for i in range(0, len(words) - 1, 2):
                if NUM.match(words[i + 1]):
                    cur[words[i]] = float(words[i + 1].replace(",", ""))
    return blocks, total


def dperf(path, cps):
    blocks, total = dperf_blocks(path)
    partial = False
    if total is None:
        # dperf died before printing its totals (its server does, with
        # SIGSEGV in librte_net_memif, when a memif peer leaves: DPDK
        # 22.11's unmap race). Its per-second lines are each second's
        # counts: their sum is the run up to its last second.
        if not blocks:
            raise SystemExit("%s: no 'Total Numbers' and no per-second lines "
                             "(dperf did not run)" % path)
        total = {}
        for b in blocks:
            for k, v in b.items():
                if k not in ("seconds", "cpuUsage", "rtt(us)"):
                    total[k] = total.get(k, 0) + v
        rtts = [b["rtt(us)"] for b in blocks if b.get("rtt(us)", 0) > 0]
        if rtts:
            total["rtt(us)"] = sum(rtts) / len(rtts)
        partial = True
    # Only dperf's client prints rtt(us). (synTx >= synRx is no test: a
    # server's retransmitted SYN-ACKs can outnumber the client's SYNs.)
    client = "rtt(us)" in total and total.get("httpGet", 0) > 0
    g = lambda k: int(total.get(k, 0))
    out = {
        "role": "client" if client else "server",
        "conns": g("skOpen"),
        "errors": g("skErr") + g("httpErr"),
        "retrans": g("synRt") + g("finRt") + g("pushRt") + g("ackRt"),
        "drops": g("tcpDrop") + g("dropTx") + g("ierrors") + g("imissed"),
        "tcp_drop": g("tcpDrop"),
        "detail": "skErr %d httpErr %d; synRt %d finRt %d pushRt %d ackRt %d; "
                  "tcpDrop %d dropTx %d imissed %d" % (
                      g("skErr"), g("httpErr"), g("synRt"), g("finRt"), g("pushRt"),
                      g("ackRt"), g("tcpDrop"), g("dropTx"), g("imissed")),
        "partial": partial,
    }
    if partial:
        out["detail"] = ("no totals (dperf died): the sum of its %d per-second lines; " %
                         len(blocks)) + out["detail"]
    if client:
        # From the first second it opened: its slow start, 2 s more, then
        # every second up to the last one in which it opened.
        opened = [i for i, b in enumerate(blocks) if b.get("skOpen", 0) > 0]
        win = blocks[opened[0] + SLOW_START + 2:opened[-1] + 1] if opened else []
        if win:
            out["goodput"] = sum(b.get("http2XX", 0) for b in win) / len(win)
            rtts = [b["rtt(us)"] for b in win if b.get("rtt(us)", 0) > 0]
            out["lat_us"] = sum(rtts) / len(rtts) if rtts else None
            out["window_s"] = len(win)
        else:
            out["goodput"] = 0.0
            out["lat_us"] = None
            out["window_s"] = 0
    return out


def tcpterm(path, seconds):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    c = d["counters"]
    drops = {k: v for k, v in d["drops"].items() if v and k != "link_down"}
    missed = sum(p.get("imissed", 0) for p in d.get("ports", []))
    retr = {k: c[k] for k in ("retrans_syn", "retrans_synack", "retrans_data", "retrans_fin")}
    cl = d.get("client")
    out = {
        "retrans": sum(retr.values()),
        "drops": sum(drops.values()) + missed,
    }
    detail = ["%s %d" % kv for kv in retr.items() if kv[1]]
    detail += ["drop %s %d" % kv for kv in sorted(drops.items(), key=lambda kv: -kv[1])[:3]]
    if missed:
        detail.append("imissed %d" % missed)
    if c.get("tx_refused"):
        detail.append("tx_refused %d (retried, not lost)" % c["tx_refused"])
    if cl:
        fail = cl["failed"]
        # Failed, and still open when the client stopped (reset as it
        # drained).
        unfinished = max(0, cl["opened"] - cl["completed"] - sum(fail.values()))
        out.update(role="client", conns=cl["opened"], errors=sum(fail.values()) + unfinished,
                   goodput=c["client_responses"] / float(seconds),
                   lat_us=cl["latency_us"]["connect"]["mean"])
        if unfinished:
            detail.insert(0, "unfinished %d" % unfinished)
        if any(fail.values()):
            detail.insert(0, "failed %s" % " ".join("%s %d" % kv for kv in fail.items() if kv[1]))
    else:
        # Resets of connections whose peer had every byte and only our FIN
        # was outstanding, on an overloaded lcore (docs/tcp.md,
        # "Overload"): counted with the timeouts, not failures.
        fin_aborts = c.get("overload_fin_aborts", 0)
        out.update(role="server", conns=c["conn_accepted"],
                   errors=c["conn_closed_reset"] + c["conn_closed_timeout"] - fin_aborts)
        if out["errors"]:
            detail.insert(0, "closed by reset %d, by timeout %d" % (
                c["conn_closed_reset"], c["conn_closed_timeout"] - fin_aborts))
        if fin_aborts:
            detail.append("overload_fin_aborts %d (the peer had every byte: not errors)" %
                          fin_aborts)
        if c.get("overload_rto_deferred", 0):
            detail.append("overload_rto_deferred %d (timer retransmissions held to 1 s)" %
                          c["overload_rto_deferred"])
    out["detail"] = "; ".join(detail) if detail else "none"
    return out


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("dperf", "tcpterm"):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "dperf":
        r = dperf(sys.argv[2], float(sys.argv[3]))
    else:
        r = tcpterm(sys.argv[2], float(sys.argv[3]))
    json.dump(r, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
