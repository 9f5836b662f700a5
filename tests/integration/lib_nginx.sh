# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# A kernel nginx in a network namespace of the test's own, as the late peer
# of a tcpterm client over net_tap (sourced after lib.sh):
#
#	tt_nginx_prepare DIR IP		configuration under DIR (one worker, no
#					daemon, its own access log DIR/access.log),
#					a 100-byte index.html, served on IP:80
#	tt_nginx_peer_up IFC IP MAC DIR	namespace, tap moved in with MAC and
#					IP, nginx started and listening, and only
#					then the link up (sets TT_NGINX_NS,
#					TT_NGINX_BG: the PID we started,
#					TT_NGINX_PID: the master's)
#	tt_nginx_stop			stop it by PID, so its log is complete
#
# TT_NGINX_BEFORE_ARP, when set, is a command tt_nginx_peer_up runs with
# the link up but before the kernel answers ARP (a capture that must see
# the first connection: a device that is down cannot be captured on).

tt_nginx_prepare() {
	local d=$1 ip=$2
	chmod 755 "$d"
	mkdir -p "$d/www" "$d/nginx-tmp"
	head -c 100 /dev/zero | tr '\0' 'x' >"$d/www/index.html"
	cat >"$d/nginx.conf" <<EOF
user root;
daemon off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log warn;
events {
	worker_connections 4096;
}
http {
	access_log $d/access.log;
	client_body_temp_path $d/nginx-tmp/body;
	proxy_temp_path $d/nginx-tmp/proxy;
	fastcgi_temp_path $d/nginx-tmp/fastcgi;
	uwsgi_temp_path $d/nginx-tmp/uwsgi;
	scgi_temp_path $d/nginx-tmp/scgi;
	keepalive_requests 1000000;
	server {
		listen $ip:80 backlog=4096;
		root $d/www;
		index index.html;
	}
}
EOF
}

tt_nginx_peer_up() {
	local ifc=$1 ip=$2 mac=$3 d=$4 ns i
	ns=$(tt_netns_create nginx)
	TT_NGINX_NS=$ns
	ip link set "$ifc" netns "$ns" || tt_fail "cannot move $ifc into $ns"
	ip -n "$ns" link set "$ifc" address "$mac" || tt_fail "cannot set the MAC of $ifc"
	ip -n "$ns" addr add "$ip/24" dev "$ifc" || tt_fail "cannot add $ip to $ifc"
	# nginx binds its address before the link is up; allow it in our namespace.
	ip netns exec "$ns" sysctl -q -w net.ipv4.ip_nonlocal_bind=1 >/dev/null 2>&1
	ip netns exec "$ns" nginx -t -q -e "$d/nginx-error.log" -p "$d" -c "$d/nginx.conf" \
		2>"$d/nginx-t.log" || tt_fail "nginx -t failed: $(cat "$d/nginx-t.log")"
	TT_NGINX_BG=
	tt_bg TT_NGINX_BG ip netns exec "$ns" nginx -e "$d/nginx-error.log" -p "$d" \
		-c "$d/nginx.conf"
	i=0
	while [ ! -s "$d/nginx.pid" ] && [ $i -lt 100 ]; do
		tt_alive "$TT_NGINX_BG" ||
			tt_fail "nginx exited: $(cat "$d/nginx-error.log" 2>/dev/null)"
		sleep 0.1
		i=$((i + 1))
	done
	[ -s "$d/nginx.pid" ] || tt_fail "nginx wrote no pid file"
	TT_NGINX_PID=$(cat "$d/nginx.pid")
	[ "$TT_NGINX_PID" = "$TT_NGINX_BG" ] ||
		tt_info "nginx pid file says $TT_NGINX_PID, we started $TT_NGINX_BG"
	# On exit, stop it by that PID if it still is our nginx.
	tt_on_exit "grep -qa nginx /proc/$TT_NGINX_PID/cmdline 2>/dev/null && kill -TERM $TT_NGINX_PID"
	for _ in $(seq 1 50); do
		ip netns exec "$ns" ss -Hltn "src $ip:80" 2>/dev/null | grep -q . && break
		sleep 0.1
	done
	ip netns exec "$ns" ss -Hltn "src $ip:80" | grep -q . ||
		tt_fail "nginx does not listen on $ip:80"
	if [ -n "${TT_NGINX_BEFORE_ARP:-}" ]; then
		ip -n "$ns" link set "$ifc" arp off || tt_fail "cannot turn ARP off on $ifc"
		ip -n "$ns" link set "$ifc" up || tt_fail "cannot bring $ifc up"
		$TT_NGINX_BEFORE_ARP
		ip -n "$ns" link set "$ifc" arp on || tt_fail "cannot turn ARP on on $ifc"
	else
		ip -n "$ns" link set "$ifc" up || tt_fail "cannot bring $ifc up"
	fi
	tt_info "peer up: $ifc in $ns, $ip, nginx pid $TT_NGINX_PID"
}

tt_nginx_stop() {
	local i=0
	kill -QUIT "$TT_NGINX_PID" 2>/dev/null
	while tt_alive "$TT_NGINX_PID" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tt_alive "$TT_NGINX_PID" && kill -TERM "$TT_NGINX_PID"
	tt_stop_tcpterm "$TT_NGINX_BG" >/dev/null
}
