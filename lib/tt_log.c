/* SPDX-License-Identifier: BSD-3-Clause */
#include <rte_log.h>

#include "tt_common.h"

RTE_LOG_REGISTER(tt_logtype, tcpterm, INFO);
RTE_LOG_REGISTER(tt_logtype_cfg, tcpterm.cfg, INFO);
RTE_LOG_REGISTER(tt_logtype_net, tcpterm.net, INFO);
RTE_LOG_REGISTER(tt_logtype_tcp, tcpterm.tcp, INFO);
RTE_LOG_REGISTER(tt_logtype_app, tcpterm.app, INFO);
