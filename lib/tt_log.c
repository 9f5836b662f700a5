/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_log.h>

#include "tt_common.h"

RTE_LOG_REGISTER(tt_logtype, tcpterm, INFO);
RTE_LOG_REGISTER(tt_logtype_cfg, tcpterm.cfg, INFO);
