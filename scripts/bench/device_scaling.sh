#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Multi-core scaling on a machine with many cores (the 16-core device
# machine of the project, or any): scenario 9 of scripts/bench.sh (RSS
# scale-out through tests/tools/tt_rss_emu) for 1, 2, 4, 8 and 14 lcores,
# hash-aware and steering, with conn/s per lcore and the scaling factor
# over 1 lcore, as one markdown table.
#
#	scripts/bench/device_scaling.sh [--runs N] [--out FILE]
#
# Layout: one tcpterm process with both roles (port 0 the client's, port 1
# the server's, both net_memif to the emulator), each of its L lcores both
# client and server, and the emulator on a CPU of its own: L + 1 CPUs, so
# 14 lcores fit 16 cores (with two processes, L per side needs 2L + 1:
# TT_BENCH_RSS_LAYOUT=pair). An L that does not fit is listed as not run,
# with what it needs; TT_BENCH_RSS_OVERSUB=1 runs it anyway on shared CPUs
# (a check that the script works, not a measurement).
#
# Environment: TT_BENCH_RSS_LCORES (default "1 2 4 8 14"),
# TT_BENCH_RSS_LAYOUT (default single), and everything scripts/bench.sh
# reads (TCPTERM, TT_BENCH_NICE, TT_BENCH_MEMIF_RSIZE, ...).
#
# The emulator forwards every frame of both directions on one lcore; past
# a few lcores it may be the bottleneck (its CPU share is in the logs kept
# with TT_BENCH_KEEP=1): then the scaling measured is the emulator's.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export TT_BENCH_RSS_LCORES=${TT_BENCH_RSS_LCORES:-1 2 4 8 14}
export TT_BENCH_RSS_LAYOUT=${TT_BENCH_RSS_LAYOUT:-single}
exec "$root/scripts/bench.sh" --only 9 "$@"
