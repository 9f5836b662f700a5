# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Scenario 1 of scripts/bench.sh, which sources this file: the kernel
# baseline, nginx (1 worker) + wrk -c64 'Connection: close' on 127.0.0.1.

s1_kernel() {
	local id=1 d=$W/nginx port body i rps err npid
	if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
		b_note $id "skipped: needs nginx (nginx-light) and wrk"
		return
	fi
	mkdir -p "$d"
	port=$("$TT_PY" -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	body=$(head -c 100 /dev/zero | tr '\0' x)
	cat >"$d/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $d/body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:$port backlog=4096;
		location / {
			default_type text/plain;
			return 200 "$body";
		}
	}
}
EOF
	tt_spawn "$W/nginx.log" "${nice_cmd[@]}" taskset -c "$CB" nginx -e "$d/error.log" -p "$d" -c "$d/nginx.conf"
	npid=$TT_SPAWN_PID
	i=0
	while [ $i -lt 50 ]; do
		[ "$(curl -s --max-time 1 "http://127.0.0.1:$port/" 2>/dev/null | wc -c)" = 100 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if [ $i -ge 50 ]; then
		b_note $id "failed: nginx did not answer on 127.0.0.1:$port"
		b_stop "$npid"
		return
	fi
	for i in $(seq "$runs"); do
		"${nice_cmd[@]}" taskset -c "$CA" wrk -t1 -c64 -d"${d_wrk}s" -H 'Connection: close' \
			"http://127.0.0.1:$port/" >"$W/wrk.$i.log" 2>&1
		rps=$(awk '/^Requests\/sec:/ {print $2}' "$W/wrk.$i.log")
		err=$(grep -E 'Socket errors|Non-2xx' "$W/wrk.$i.log" | tr -s ' \n' ' ')
		[ -n "$err" ] && b_note $id "wrk: $err"
		b_val $id "$rps"
		log "[1] run $i: ${rps:-failed} requests (= connections)/s"
	done
	b_stop "$npid"
	b_note $id "nginx 1 worker on CPU $CB, wrk -t1 -c64 -d${d_wrk}s -H 'Connection: close' on CPU $CA, 100-byte body"
}
