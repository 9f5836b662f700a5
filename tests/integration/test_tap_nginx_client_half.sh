#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_tap_nginx_client.sh with [client] close = half: tcpterm's FIN goes
# with each request (a half-close, RFC 9293 3.6), and a kernel nginx still
# answers every request (see that script for what is checked).
TT_NGINX_CLOSE=half exec bash "$(dirname "$0")/test_tap_nginx_client.sh"
