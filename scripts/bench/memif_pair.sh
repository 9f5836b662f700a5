# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# A tcpterm server and client over net_memif (scenarios 2 and 6 of
# scripts/bench.sh, which sources this file), and what went wrong in a
# run's JSON summaries (scenarios 2, 3 and 6).

# mp_run NAME TIMEOUT_S NEED_MB MEM_MB: server then client over a fresh
# memif socket; extra options in the arrays MP_SRV and MP_CLI. NEED_MB is
# what both need together (hugepages are used when that much is free),
# MEM_MB the -m of each without hugepages. Leaves
# $W/NAME.srv.json and $W/NAME.cli.json, B_SHARE_C/B_SHARE_S, MP_MODE.
# Returns 0 when both exited cleanly.
mp_run() {
	local name=$1 timeout=$2 need=$3 mem=$4 sock=$W/$1.sock spid cpid rc src
	MP_MODE=$(b_memmode "$need")
	rm -f "$W/$name.srv.json" "$W/$name.cli.json"
	b_tt "$name.srv" "$CB" "$(b_memargs "$MP_MODE" "$mem")" \
		-c "$root/config/memif-server.ini" \
		--set "eal.args=$(b_eal "$CB" "$name-s") --vdev=net_memif0,role=server,socket=$sock$memif_ring" \
		--set general.stats_interval_ms=0 "${MP_SRV[@]}" --json "$W/$name.srv.json"
	spid=$TT_SPAWN_PID
	if ! tt_wait_for_log "$W/$name.srv.log" "worker 0 started" 60 "$spid"; then
		log "$name: the server did not start (log $W/$name.srv.log)"
		b_stop "$spid"
		return 1
	fi
	b_tt "$name.cli" "$CA" "$(b_memargs "$MP_MODE" "$mem")" \
		-c "$root/config/memif-client.ini" \
		--set "eal.args=$(b_eal "$CA" "$name-c") --vdev=net_memif0,role=client,socket=$sock$memif_ring" \
		--set general.stats_interval_ms=0 --set client.source_ips=198.18.0.10-198.18.0.250 \
		"${MP_CLI[@]}" --json "$W/$name.cli.json"
	cpid=$TT_SPAWN_PID
	b_wait_client "$cpid" "$timeout" "$W/$name.cli.log" "$spid" "${MP_WINDOW:-0}"
	rc=$?
	# The client first, then the server (DPDK 22.11 memif pitfall).
	b_stop "$spid"
	src=$?
	b_dpdk_leftovers "$name-s" "$name-c"
	if [ $rc -ne 0 ] || [ $src -ne 0 ] || [ ! -s "$W/$name.cli.json" ] ||
	   [ ! -s "$W/$name.srv.json" ]; then
		log "$name: client exited $rc, server $src (logs $W/$name.cli.log, $W/$name.srv.log)"
		return 1
	fi
	return 0
}

# The client's failures and the drops of both sides, for notes.
mp_problems() {
	"$TT_PY" - "$@" <<'EOF' 2>/dev/null
import json, sys
out = []
for p in sys.argv[1:]:
    d = json.load(open(p))
    c = d.get("client")
    if c:
        f = sum(c["failed"].values())
        un = c["opened"] - c["completed"] - f
        if f:
            out.append("%d failed" % f)
        if un > 0:
            out.append("%d unfinished" % un)
    if d["drops_total"]:
        # A few link_down drops at start (gratuitous ARP before the memif
        # link is up) are expected.
        top = sorted(((v, k) for k, v in d["drops"].items() if v and k != "link_down"),
                     reverse=True)[:2]
        if top:
            out.append("drops %s" % ", ".join("%s %d" % (k, v) for v, k in top))
    r = sum(d["counters"][k] for k in ("retrans_syn", "retrans_synack", "retrans_data", "retrans_fin"))
    if r:
        out.append("%d retransmissions" % r)
print("; ".join(out))
EOF
}
