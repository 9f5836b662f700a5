# SPDX-License-Identifier: BSD-3-Clause
"""Print the bytes a running DPDK process has allocated from its heaps.

usage: heap.py SOCKET

SOCKET is the process's telemetry socket,
/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2. The answer is the sum of
"Alloc_size" over every heap (/eal/heap_list, /eal/heap_info,N): what
rte_malloc and the memzones hold (mbuf pools, rings, the flow table).
Exit status 1 when the socket cannot be read.
"""

import json
import socket
import sys


def query(s, cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(1 << 20).decode())


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(5)
        s.connect(sys.argv[1])
        s.recv(1 << 16)  # greeting: version, pid, max_output_len
        heaps = query(s, "/eal/heap_list").get("/eal/heap_list") or [0]
        total = 0
        for h in heaps:
            info = query(s, "/eal/heap_info,%d" % h).get("/eal/heap_info") or {}
            total += int(info.get("Alloc_size", 0))
        s.close()
    except (OSError, ValueError) as e:
        print("heap.py: %s: %s" % (sys.argv[1], e), file=sys.stderr)
        return 1
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
