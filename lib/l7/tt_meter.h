/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_METER_H_
#define _TT_METER_H_

/**
 * @file
 * What the client applications measure for the load generator: latency
 * histograms and the number of connections still open. The generator owns
 * the meter (lib/gen) and reads it; the applications only write it,
 * through these two calls, so that lib/l7 needs nothing of lib/gen.
 */

#include <stdint.h>

#include "stats/tt_hist.h"

/** Latency histograms of the client role, per lcore. */
enum tt_meter_hist {
	TT_MH_CONNECT = 0,	/**< SYN sent -> SYN-ACK received */
	TT_MH_FIRST_BYTE,	/**< SYN sent -> first response byte */
	TT_MH_LAST_BYTE,	/**< SYN sent -> last response byte */
	TT_MH_LIFETIME,		/**< SYN sent -> connection closed */
	TT_MH_MAX
};

struct tt_meter {
	uint32_t active;	/**< opened and not yet done (TIME_WAIT is done) */
	struct tt_hist hist[TT_MH_MAX];
};

/** Record one latency sample of @p us microseconds. */
static inline void
tt_meter_record(struct tt_meter *m, enum tt_meter_hist id, uint32_t us)
{
	tt_hist_record(&m->hist[id], us);
}

/** A connection is done (closed, or in TIME_WAIT): it no longer counts as active. */
static inline void
tt_meter_conn_done(struct tt_meter *m)
{
	if (m->active > 0)
		m->active--;
}

#endif /* _TT_METER_H_ */
