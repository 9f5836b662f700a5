/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Admission of new connections on a saturated lcore: established flows go
 * before new SYNs.
 *
 * Offered more connections than it can serve, a run-to-completion lcore
 * that takes every SYN spends its cycles on flows it cannot finish: their
 * segments wait behind new SYN-ACKs in a TX queue the peer does not drain
 * (or behind new SYNs in the receive ring), overflow, are retransmitted,
 * and goodput falls far below capacity (receive livelock: Mogul and
 * Ramakrishnan, "Eliminating receive livelock in an interrupt-driven
 * kernel", ACM TOCS 15(3), 1997). Measured here before this: 3M conn/s
 * offered by dperf's client to one core that serves about 1M/s gave
 * 0.36-0.39M/s, 31-51% of connections failing, with the server's TX queue
 * full and refused hundreds of millions of times.
 *
 * The remedy is theirs: drop excess work as early and as cheaply as
 * possible. Each loop iteration may admit at most @c quota connection-
 * opening SYNs (a SYN without ACK, dropped before the flow lookup); the
 * rest are dropped and counted (drop reason syn_overload) and their peers
 * retry later. The quota follows the load by AIMD, like TCP's own window:
 * once every poll for TT_ADMIT_ONSET_US has been saturated, each further
 * saturated poll shrinks it by a quarter; every poll that is not saturated
 * grows it by one, up to a whole burst (no limit), and from there the onset
 * applies again. The onset keeps a moment's backlog (the peer's core
 * taken by another task for a scheduler tick) from shedding anything. What "saturated" means is the caller's: app/lcore.c uses a
 * TX queue still backed up after a flush, which a closed-loop run at full
 * speed never shows (a full receive burst it shows all the time), so below
 * capacity no SYN is dropped.
 */
#ifndef TT_ADMIT_H
#define TT_ADMIT_H

#include <stdbool.h>
#include <stdint.h>

/* How long every poll must have been saturated before the quota shrinks. */
#define TT_ADMIT_ONSET_US 20000
/* The quota never falls below this many SYNs per poll. */
#define TT_ADMIT_MIN 1

struct tt_admit {
	uint16_t quota;		/**< connection-opening SYNs admitted per poll */
	uint16_t max;		/**< a whole burst: no limit */
	bool enabled;
	bool saturated;		/**< the last poll was */
	uint64_t since_us;	/**< start of the saturated polls in a row */
};

static inline void
tt_admit_init(struct tt_admit *a, uint16_t burst, bool enabled)
{
	a->max = burst > TT_ADMIT_MIN ? burst : TT_ADMIT_MIN;
	a->quota = a->max;
	a->enabled = enabled;
	a->saturated = false;
	a->since_us = 0;
}

/**
 * The quota for the next poll, given whether the one that ended at
 * @p now_us was saturated. A disabled controller always answers a whole
 * burst.
 */
static inline uint16_t
tt_admit_update(struct tt_admit *a, bool saturated, uint64_t now_us)
{
	if (!a->enabled)
		return a->max;
	if (saturated) {
		if (!a->saturated) {
			a->saturated = true;
			a->since_us = now_us;
		}
		/* Once shedding, every saturated poll counts. */
		if (a->quota < a->max || now_us - a->since_us >= TT_ADMIT_ONSET_US) {
			uint16_t cut = a->quota / 4 > 0 ? a->quota / 4 : 1;

			a->quota = a->quota - cut >= TT_ADMIT_MIN ? a->quota - cut :
				   TT_ADMIT_MIN;
		}
	} else {
		a->saturated = false;
		if (a->quota < a->max)
			a->quota++;
	}
	return a->quota;
}

#endif /* TT_ADMIT_H */
