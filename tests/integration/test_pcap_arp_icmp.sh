#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ARP and ICMP echo through net_pcap, no root and no network needed.
# gen_arp_icmp.py writes an input capture from a peer (198.18.0.1): ARP
# requests for us (198.18.0.2) and for another address, echo requests of
# several identifiers, sequence numbers and sizes, and malformed frames (bad
# IPv4 checksum, truncated, fragment, other destination, UDP, bad ICMP
# checksum). tcpterm runs two seconds on it; then the output capture must
# hold exactly one gratuitous ARP (first), the ARP replies and the echo
# replies (same id/seq/data, valid checksums), and the JSON summary must
# count each malformed frame under its drop reason.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

tt_require_tcpterm
"$TT_PY" -c 'import scapy.all' >/dev/null 2>&1 ||
	tt_skip "$TT_PY lacks scapy (scripts/setup.sh installs python3-scapy)"

gen=$TT_SRCDIR/tests/integration/gen_arp_icmp.py
d=$(tt_tmpdir)
in=$d/in.pcap
out=$d/out.pcap
json=$d/summary.json

"$TT_PY" "$gen" gen "$in" || tt_fail "cannot generate $in"

# config/pcap.ini if it is there, else a minimal file of our own; the EAL
# arguments are replaced with our own files and prefix either way.
ini=$TT_SRCDIR/config/pcap.ini
if [ ! -f "$ini" ]; then
	ini=$d/pcap.ini
	cat >"$ini" <<EOF
[eal]
args = -l 0 --no-pci

[port0]
ip = 198.18.0.2/24
EOF
fi
args="-l 0 --no-pci --file-prefix=ttpcap$$ --vdev=net_pcap0,rx_pcap=$in,tx_pcap=$out"
# The EAL leaves its runtime directory (6 MB with --no-huge) named after
# the prefix, which is ours alone.
tt_on_exit "rm -rf /var/run/dpdk/ttpcap$$ ${XDG_RUNTIME_DIR:-/tmp}/dpdk/ttpcap$$"

pid=
tt_start_tcpterm pid -c "$ini" --set "eal.args=$args" --duration 2 --json "$json"
log=$TT_TCPTERM_LOG
tt_wait_exit "$pid" 60
rc=$?
tail -n 40 "$log"
[ $rc -eq 0 ] || tt_fail "tcpterm exited $rc"
[ -s "$json" ] || tt_fail "no JSON summary"
tt_json_valid "$json" || tt_fail "invalid JSON summary"
[ -s "$out" ] || tt_fail "no output capture"

"$TT_PY" "$gen" check "$in" "$out" "$json" || tt_fail "output or counters not as expected"
tt_check_pools "$json" || tt_fail "mbufs leaked"
tt_info "PASS"
exit 0
