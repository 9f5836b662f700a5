#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# nmap's TCP scans against tcpterm's HTTP server (port 80) over net_tap,
# from the test's namespace: SYN (-sS), connect (-sT), FIN (-sF), Xmas
# (-sX), NULL (-sN) and ACK (-sA), each over ports 79-81. Every scan must
# complete and see what tcpterm's rules say (docs/security.md):
#   -sS, -sT  80 open, 79 and 81 closed (a SYN to a port nobody listens on
#             gets an RST, refused_no_listener);
#   -sF, -sX, -sN  80 open|filtered, 79 and 81 closed: a segment with
#             none of SYN, ACK and RST is dropped unanswered by a listening
#             port (bad_tcp_flags, RFC 9293 3.10.7.2 fourth) and answered
#             with an RST by a closed one (tcp_no_flow, 3.10.7.1), as Linux
#             does;
#   -sA       every port unfiltered (an ACK for no flow gets an RST,
#             tcp_no_flow; on port 80 it is first tried as a SYN cookie,
#             syncookies_failed).
# No flow is left behind: the half-open flows of -sS end with the kernel's
# RST, those of -sT with nmap's close; the counters say what was dropped
# and answered, and the end state is clean (tt_srv_stop).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/lib_srv.sh
. "$(dirname "$0")/lib_srv.sh"

tt_srv_require nmap

d=$(tt_tmpdir)
tt_srv_start nmap --set server.app=http --set server.listen=80

# scan FLAG: one nmap scan of ports 79-81, its greppable output in $d.
scan() {
	local flag=$1
	tt_srv_exec timeout 30 nmap -n -Pn "$flag" -p 79-81 --max-retries 1 -T4 \
		-oG "$d/scan$flag.txt" "$TT_SRV_IP" >"$d/out$flag.txt" 2>&1 ||
		{ cat "$d/out$flag.txt"; tt_fail "nmap $flag did not complete"; }
	grep -o 'Ports: .*' "$d/scan$flag.txt" | sed 's/\t.*//'
}

# expect FLAG PORT STATE
expect() {
	local got
	got=$(grep -o "$2/[a-z|]*/tcp" <<<"${ports[$1]}" | cut -d/ -f2)
	[ "$got" = "$3" ] || tt_fail "nmap $1: port $2 is '$got', expected $3 (${ports[$1]})"
}

declare -A ports
for f in -sS -sT -sF -sX -sN -sA; do
	ports[$f]=$(scan "$f")
	tt_info "nmap $f: ${ports[$f]}"
done
for f in -sS -sT; do
	expect "$f" 80 open
	expect "$f" 79 closed
	expect "$f" 81 closed
done
for f in -sF -sX -sN; do
	expect "$f" 80 "open|filtered"
	expect "$f" 79 closed
	expect "$f" 81 closed
done
for p in 79 80 81; do
	expect -sA $p unfiltered
done

tt_srv_stop
for c in conn_accepted refused_no_listener syncookies_failed tcp_rst_in tcp_rst_out \
	challenge_acks; do
	tt_info "$c = $(tt_srv_c "$c")"
done
for r in bad_tcp_flags tcp_no_flow; do
	tt_info "drops $r = $(tt_json_get "$TT_SRV_JSON" "d[\"drops\"][\"$r\"]")"
done
# Each scan sends at least one probe a port.
tt_expect_ge conn_accepted "$(tt_srv_c conn_accepted)" 2
tt_expect_ge refused_no_listener "$(tt_srv_c refused_no_listener)" 4
tt_expect_ge "drops bad_tcp_flags (FIN, Xmas, NULL to port 80)" \
	"$(tt_json_get "$TT_SRV_JSON" 'd["drops"]["bad_tcp_flags"]')" 3
tt_expect_ge "drops tcp_no_flow (ACK scan; FIN, Xmas, NULL to 79 and 81)" \
	"$(tt_json_get "$TT_SRV_JSON" 'd["drops"]["tcp_no_flow"]')" 9
tt_expect_ge syncookies_failed "$(tt_srv_c syncookies_failed)" 1
tt_info "PASS"
exit 0
