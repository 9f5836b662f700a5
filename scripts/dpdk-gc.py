#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-gc.py GLOB [MIN_AGE_S]: remove DPDK leftovers that no process uses:
hugepage files (in every hugetlbfs mount) and runtime directories
(/var/run/dpdk/PREFIX) whose names match GLOB. Used by scripts/setup.sh and
tests/integration/lib.sh."""
import glob, os, shutil, sys, time
pat = sys.argv[1] if len(sys.argv) > 1 else "*"
min_age = float(sys.argv[2]) if len(sys.argv) > 2 else 30
used = set()
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    d = "/proc/" + pid
    try:
        for fd in os.listdir(d + "/fd"):
            try:
                used.add(os.readlink(d + "/fd/" + fd))
            except OSError:
                pass
        with open(d + "/maps") as f:
            for line in f:
                p = line.split(None, 5)
                if len(p) == 6:
                    used.add(p[5].strip().replace(" (deleted)", ""))
    except OSError:
        pass
mnts = []
with open("/proc/mounts") as f:
    for line in f:
        p = line.split()
        if p[2] == "hugetlbfs":
            mnts.append(p[1])
nf = nd = 0
for m in mnts:
    for f in glob.glob(os.path.join(m, pat)):
        if os.path.isfile(f) and "map_" in os.path.basename(f) and f not in used:
            try:
                os.unlink(f)
                nf += 1
            except OSError:
                pass
for d in glob.glob(os.path.join("/var/run/dpdk", pat)):
    if not os.path.isdir(d):
        continue
    busy = any(u == d or u.startswith(d + "/") for u in used)
    try:
        young = time.time() - os.stat(d).st_mtime < min_age
    except OSError:
        continue
    if not busy and not young:
        shutil.rmtree(d, ignore_errors=True)
        nd += 1
if nf or nd:
    print("removed %d unused hugepage files and %d DPDK runtime directories" % (nf, nd))
