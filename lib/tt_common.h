/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_COMMON_H_
#define _TT_COMMON_H_

/**
 * @file
 * Definitions shared by every tcpterm module: the log types and small helpers.
 */

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_log.h>

/*
 * DPDK 22.11 swaps bytes on x86 with asm volatile statements (xchgb, bswap)
 * that the compiler may neither fold into loads and stores nor schedule
 * around: GCC's builtins give the same values as plain operations.
 */
#undef rte_bswap16
#undef rte_bswap32
#undef rte_bswap64
#define rte_bswap16(x) ((uint16_t)__builtin_bswap16(x))
#define rte_bswap32(x) ((uint32_t)__builtin_bswap32(x))
#define rte_bswap64(x) ((uint64_t)__builtin_bswap64(x))

/*
 * Registered in lib/tt_log.c: "tcpterm", and "tcpterm.cfg" for the
 * configuration's debug messages. The per-packet path does not log: it
 * counts (lib/stats).
 */
extern int tt_logtype;
extern int tt_logtype_cfg;

#define TT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, tt_logtype, "tcpterm: " fmt "\n", ## __VA_ARGS__)
#define TT_LOG_MOD(mod, level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, tt_logtype_ ## mod, "tcpterm." #mod ": " fmt "\n", \
		## __VA_ARGS__)

#define TT_MAX_PORTS 8

#endif /* _TT_COMMON_H_ */
