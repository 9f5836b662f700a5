# SPDX-License-Identifier: BSD-3-Clause
"""Render the results of scripts/bench.sh as markdown.

usage: report.py WORKDIR

WORKDIR holds what bench.sh wrote while it ran:
  rows.tsv     ID <tab> SCENARIO <tab> METRIC <tab> UNIT: every row of the
               table, in order, declared before anything runs (so that a row
               whose scenario was skipped or failed is printed all the same)
  values.tsv   ID <tab> VALUE: one line per run (a number)
  notes.tsv    ID <tab> NOTE: free text attached to a row (printed once each)
  ratios.tsv   KEY <tab> TEXT: extra lines for the ratios section
  meta.tsv     KEY <tab> VALUE: machine description and run parameters

Only the Python standard library is used.
"""

import os
import statistics
import sys


def read_tsv(path, ncols):
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            parts = line.split("\t", ncols - 1)
            while len(parts) < ncols:
                parts.append("")
            out.append(parts)
    return out


def fmt(v, unit):
    """Format a number for the table according to its unit."""
    if v is None:
        return "n/a"
    if unit in ("conn/s", "pkt/s", "connections", "bytes", "instructions", "Ir"):
        return "{:,.0f}".format(v)
    if unit in ("Gbit/s", "pkts/conn", "x", "%"):
        return "{:,.2f}".format(v)
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    return "{:.3g}".format(v)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    wd = sys.argv[1]
    rows = read_tsv(os.path.join(wd, "rows.tsv"), 4)
    values = {}
    for rid, v in read_tsv(os.path.join(wd, "values.tsv"), 2):
        try:
            values.setdefault(rid, []).append(float(v))
        except ValueError:
            pass
    notes = {}
    for rid, n in read_tsv(os.path.join(wd, "notes.tsv"), 2):
        lst = notes.setdefault(rid, [])
        if n and n not in lst:
            lst.append(n)
    meta = dict((k, v) for k, v in read_tsv(os.path.join(wd, "meta.tsv"), 2))
    ratios = read_tsv(os.path.join(wd, "ratios.tsv"), 2)

    med = {}
    for rid, vs in values.items():
        if vs:
            med[rid] = statistics.median(vs)

    out = []
    w = out.append
    w("## tcpterm benchmark: {} ({})".format(meta.get("date", "?"),
                                              meta.get("mode", "full")))
    w("")
    w("| Scenario | Metric | Median | Range (min-max) | Unit | Runs | Notes |")
    w("|---|---|---:|---|---|---:|---|")
    for rid, scen, metric, unit in rows:
        vs = values.get(rid, [])
        if vs:
            m = fmt(statistics.median(vs), unit)
            rng = "{} - {}".format(fmt(min(vs), unit), fmt(max(vs), unit)) \
                if len(vs) > 1 else "(1 run)"
        else:
            m, rng = "n/a", ""
        note = "; ".join(notes.get(rid, []))
        if not vs and not note:
            note = "no result"
        w("| {} | {} | {} | {} | {} | {} | {} |".format(
            scen, metric, m, rng, unit, len(vs), note.replace("|", "/")))
    w("")

    # Ratios and targets, from the medians.
    def ratio(a, b):
        if a is None or b is None or b == 0:
            return None
        return a / b

    cps1 = med.get("1")
    cps2 = med.get("2a")
    ppc2 = med.get("2b")
    pps4 = med.get("4a")
    ceil4 = ratio(pps4, ppc2)
    pps4b = med.get("4b")
    ceil4b = ratio(pps4b, ppc2)
    held = med.get("5a")
    empty5 = med.get("5c")
    full5 = med.get("5d")
    slot5 = med.get("5e")

    def r(v, suffix=""):
        return "n/a" if v is None else "{:,.2f}{}".format(v, suffix)

    w("### Ratios")
    w("")
    w("- Scenario 2 / scenario 1 (tcpterm over memif vs kernel nginx + wrk): "
      "**{}**".format(r(ratio(cps2, cps1), "x")))
    w("- Scenario 4 I/O ceiling in connections/s = testpmd packets/s / "
      "packets per connection of scenario 2 = {} / {} = **{}** conn/s".format(
          fmt(pps4, "pkt/s"), fmt(ppc2, "pkts/conn"), fmt(ceil4, "conn/s")))
    w("- Scenario 2 / scenario 4 ceiling: **{}**".format(
        r(None if ratio(cps2, ceil4) is None else 100 * ratio(cps2, ceil4), "%")))
    # Interleaved runs (scenario 4 measured right after each run of 2):
    # the ratio of each pair, which the machine's drift does not skew.
    v2, v2b, v4 = values.get("2a", []), values.get("2b", []), values.get("4a", [])
    pr = []
    if len(v2) > 1 and len(v2) == len(v2b) == len(v4):
        pr = sorted(100 * c * p / t for c, p, t in zip(v2, v2b, v4) if t)
        if pr:
            w("- Scenario 2 / scenario 4 ceiling, run by run (each run of 2 with the "
              "testpmd measurement right after it): {}".format(
                  ", ".join("{:.2f}%".format(x) for x in pr)))
    if pps4b is not None:
        w("- The same at scenario 2's mean frame size ({} bytes): {} / {} = **{}** conn/s; "
          "scenario 2 is **{}** of it".format(
              fmt(med.get("2c"), "bytes"), fmt(pps4b, "pkt/s"), fmt(ppc2, "pkts/conn"),
              fmt(ceil4b, "conn/s"),
              r(None if ratio(cps2, ceil4b) is None else 100 * ratio(cps2, ceil4b), "%")))
    w("- Scenario 5 CPS with the table full / empty: **{}**".format(
        r(None if ratio(full5, empty5) is None else 100 * ratio(full5, empty5), "%")))
    for _, text in ratios:
        w("- " + text)
    w("")

    def status(ok):
        if ok is None:
            return "n/a"
        return "met" if ok else "**not met**"

    def cmp(v, f):
        return None if v is None else f(v)

    w("### Targets")
    w("")
    w("| Target | Measured | Status |")
    w("|---|---|---|")
    w("| Scenario 2 >= 1,000,000 connections/s | {} conn/s | {} |".format(
        fmt(cps2, "conn/s"), status(cmp(cps2, lambda v: v >= 1e6))))
    rr = ratio(cps2, cps1)
    w("| Scenario 2 >= 50x scenario 1 | {} | {} |".format(
        r(rr, "x"), status(cmp(rr, lambda v: v >= 50))))
    # Judged on the median of the pairs when scenario 4 was interleaved
    # with scenario 2 (each pair saw one machine state), else on the medians.
    rc = statistics.median(pr) / 100 if pr else ratio(cps2, ceil4)
    w("| Scenario 2 >= 50% of the scenario 4 ceiling | {}{} | {} |".format(
        r(None if rc is None else 100 * rc, "%"), " (median of the pairs)" if pr else "",
        status(cmp(rc, lambda v: v >= 0.5))))
    w("| <= 256 bytes per established connection | {} bytes per table slot | {} |".format(
        fmt(slot5, "bytes"), status(cmp(slot5, lambda v: v <= 256))))
    w("| 1,000,000 connections held | {} | {} |".format(
        fmt(held, "connections"), status(cmp(held, lambda v: v >= 1e6))))
    rf = ratio(full5, empty5)
    w("| CPS with them held within 10% of empty | {} | {} |".format(
        r(None if rf is None else 100 * rf, "%"), status(cmp(rf, lambda v: v >= 0.9))))
    w("")

    w("### Machine")
    w("")
    for key, label in (("cpu", "CPU"), ("cpus", "CPUs"), ("cores", "Cores used"),
                       ("mem", "Memory"), ("kernel", "Kernel"), ("os", "OS"),
                       ("dpdk", "DPDK"), ("memory_mode", "DPDK memory"),
                       ("tcpterm", "tcpterm"), ("date", "Date"),
                       ("runs", "Runs per figure"), ("elapsed", "Bench time"),
                       ("load_start", "Load average at start"),
                       ("load_end", "Load average at end")):
        if key in meta:
            w("- {}: {}".format(label, meta[key]))
    w("")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
