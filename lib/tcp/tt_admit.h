/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Admission of new connections on a saturated lcore: established flows go
 * before new SYNs.
 *
 * Offered more connections than it can serve, a run-to-completion lcore
 * that takes every SYN spends its cycles on flows it cannot finish: their
 * segments wait behind new SYNs in the receive ring, or behind new
 * SYN-ACKs in a TX queue a saturated peer does not drain, overflow, are
 * retransmitted, and goodput falls far below capacity (receive livelock:
 * Mogul and Ramakrishnan, "Eliminating receive livelock in an interrupt-
 * driven kernel", ACM TOCS 15(3), 1997). Measured here (scenario 8, dperf's
 * client offering 3M conn/s to one core): 41-60k responses/s, whether
 * every SYN was admitted or a per-poll AIMD quota driven by the TX backlog
 * shed some; with the SYN rate held at 700k/s by hand, 635k/s.
 *
 * The remedy is theirs: drop excess work as early and as cheaply as
 * possible, before the flow lookup (drop reason syn_overload), and admit
 * new connections at the rate the lcore completes them. The controller
 * works in windows of TT_ADMIT_WINDOW_US:
 *
 * - A window is saturated when at least half of its polls were (the
 *   caller's signal: app/lcore.c uses a full receive burst, or a TX queue
 *   still backed up after a flush), and in excess when it was offered more
 *   connection-opening SYNs (a SYN without ACK) than 5/4 of the handshakes
 *   it completed.
 * - TT_ADMIT_ONSET windows in a row both saturated and in excess start
 *   the limit (the burst of SYNs that opens a closed-loop run completes
 *   within a window or two; an overload persists): SYNs are
 *   admitted at the best rate at which handshakes completed in the last
 *   TT_ADMIT_HIST windows (at least TT_ADMIT_MIN_RATE a second), paced by
 *   a token bucket of a millisecond's worth (one burst at least). What
 *   completes is what the lcore and the path carry; the best of several
 *   windows keeps a window in which another task had the CPU from cutting
 *   the rate (as BBR keeps the windowed maximum of its delivery rate),
 *   times a gain that cycles as BBR's does: 5/4 for one window (probing
 *   for more), 3/4 for the next (draining what the probe queued), 1 for
 *   six.
 * - While limiting, a window that is not saturated doubles the rate (spare
 *   cycles: a flood of SYNs that never complete, answered cheaply, must
 *   not hold legitimate ones to the completion rate).
 * - The limit ends after a window no longer in excess (what is offered
 *   completes: a closed-loop client), or neither saturated nor shedding.
 *   Lifting it merely because the receive ring drained would let the next
 *   flood of SYNs in and start the collapse again.
 *
 * A closed-loop client at full speed offers about what completes, so the
 * limit does not start; below capacity no window is saturated.
 */
#ifndef TT_ADMIT_H
#define TT_ADMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Length of a measurement window. */
#define TT_ADMIT_WINDOW_US 10000
/*
 * Admitted SYNs per completed handshake while limiting, in eighths, by
 * window in a cycle of TT_ADMIT_HIST (BBR's pacing-gain cycle): one window
 * probes above the best rate, the next drains what the probe queued, the
 * others hold it. On average one admission per completion.
 */
static const uint8_t tt_admit_gain8[] = { 10, 6, 8, 8, 8, 8, 8, 8 };
/* Windows whose best completion rate sets the limit. */
#define TT_ADMIT_HIST 8
/*
 * A window offered more connection-opening SYNs than EXCESS_NUM/DEN times
 * the handshakes it completed, plus SLACK, was offered more than it serves.
 */
#define TT_ADMIT_EXCESS_NUM 5
#define TT_ADMIT_EXCESS_DEN 4
#define TT_ADMIT_SLACK 16
/*
 * Windows in a row both saturated and in excess before the limit starts:
 * the burst of SYNs that opens a closed-loop run completes within one or
 * two windows, an overload persists.
 */
#define TT_ADMIT_ONSET 3
/*
 * The admitted rate never falls below this (SYNs a second): below it, new
 * connections cost an lcore about a percent, less than a limit saves, and
 * a SYN flood that never completes (whose SYN-ACKs the cookies and the
 * half-open bound already make cheap) would hold legitimate SYNs to it.
 */
#define TT_ADMIT_MIN_RATE 10000
/* Token bucket's fixed point: 1/65536 SYN. */
#define TT_ADMIT_FP 16

struct tt_admit {
	bool enabled;
	uint16_t max;		/**< a whole burst: no limit */
	uint16_t quota;		/**< SYNs admitted by the next poll */
	uint32_t polls;		/**< in this window */
	uint32_t sat_polls;	/**< of which saturated */
	uint32_t shed;		/**< SYNs shed in this window (tt_admit_shed) */
	uint32_t admitted;	/**< SYNs admitted in this window */
	uint32_t onset;		/**< windows in a row saturated and in excess */
	uint32_t hist_pos;
	uint32_t cycle;		/**< window of the gain cycle */
	uint64_t hist[TT_ADMIT_HIST];	/**< completions a second, last windows */
	uint64_t win_us;	/**< start of this window */
	uint64_t done_base;	/**< completions counter at its start */
	uint64_t rate;		/**< SYNs a second while limiting; 0: no limit */
	uint64_t tokens;	/**< fixed point (TT_ADMIT_FP) */
	uint64_t last_us;	/**< last refill */
};

static inline void
tt_admit_init(struct tt_admit *a, uint16_t burst, bool enabled)
{
	a->enabled = enabled;
	a->max = burst > 0 ? burst : 1;
	a->quota = a->max;
	a->polls = 0;
	a->sat_polls = 0;
	a->shed = 0;
	a->admitted = 0;
	a->onset = 0;
	a->hist_pos = 0;
	a->cycle = 0;
	memset(a->hist, 0, sizeof(a->hist));
	a->win_us = 0;
	a->done_base = 0;
	a->rate = 0;
	a->tokens = 0;
	a->last_us = 0;
}

/* End of a window at @p now_us with @p done completions counted so far. */
static inline void
tt_admit_window(struct tt_admit *a, uint64_t done, uint64_t now_us)
{
	uint64_t us = now_us - a->win_us, best = 0, n_done = done - a->done_base;
	bool saturated = a->sat_polls * 2 >= a->polls;
	/* More connection-opening SYNs than complete: the excess is waste. */
	bool excess = a->admitted + a->shed >
		      n_done * TT_ADMIT_EXCESS_NUM / TT_ADMIT_EXCESS_DEN + TT_ADMIT_SLACK;
	unsigned int i;

	if (a->win_us == 0 || us == 0) {
		a->rate = 0;
		goto next;
	}
	a->hist[a->hist_pos] = n_done * 1000000 / us;
	a->hist_pos = (a->hist_pos + 1) % TT_ADMIT_HIST;
	for (i = 0; i < TT_ADMIT_HIST; i++)
		best = a->hist[i] > best ? a->hist[i] : best;
	if (a->rate == 0)
		a->cycle = 0;	/* a start probes first */
	best = best * tt_admit_gain8[a->cycle % TT_ADMIT_HIST] / 8;
	best = best > TT_ADMIT_MIN_RATE ? best : TT_ADMIT_MIN_RATE;
	if (a->rate == 0) {
		/* Starts after windows saturated and offered more than completed. */
		a->onset = saturated && excess ? a->onset + 1 : 0;
		if (a->onset >= TT_ADMIT_ONSET) {
			a->onset = 0;
			a->tokens = (uint64_t)a->max << TT_ADMIT_FP;
			a->rate = best;
		}
	} else if (!excess || (!saturated && a->shed == 0)) {
		a->rate = 0;	/* demand met, or below what is admitted */
	} else if (!saturated) {
		/* Spare cycles (a SYN flood answered with cookies): probe up fast. */
		a->rate = a->rate * 2 > best ? a->rate * 2 : best;
	} else {
		a->rate = best;
	}
	if (a->rate != 0)
		a->cycle++;
next:
	a->win_us = now_us;
	a->done_base = done;
	a->polls = 0;
	a->sat_polls = 0;
	a->shed = 0;
	a->admitted = 0;
}

/* A SYN the quota did not admit. */
static inline void
tt_admit_shed(struct tt_admit *a)
{
	a->shed++;
}

/**
 * The quota of SYNs for the next poll, given whether the poll that ended
 * at @p now_us was @p saturated, how many SYNs it admitted (@p used), and
 * the lcore's counter of completed handshakes (@p done, monotonic). A
 * disabled controller always answers a whole burst.
 */
static inline uint16_t
tt_admit_update(struct tt_admit *a, bool saturated, uint16_t used, uint64_t done,
		uint64_t now_us)
{
	uint64_t fill, cap;

	if (!a->enabled)
		return a->max;
	a->polls++;
	a->sat_polls += saturated;
	a->admitted += used;
	if (a->rate != 0)
		a->tokens = a->tokens > ((uint64_t)used << TT_ADMIT_FP) ?
			    a->tokens - ((uint64_t)used << TT_ADMIT_FP) : 0;
	if (now_us - a->win_us >= TT_ADMIT_WINDOW_US || a->win_us == 0)
		tt_admit_window(a, done, now_us);
	if (a->rate == 0) {
		a->last_us = now_us;
		a->quota = a->max;
		return a->quota;
	}
	/* A millisecond's worth (a burst at least): a poll after a stall catches up. */
	cap = a->rate / 1000 > a->max ? a->rate / 1000 : a->max;
	cap = (cap < UINT16_MAX ? cap : UINT16_MAX) << TT_ADMIT_FP;
	fill = (a->rate << TT_ADMIT_FP) / 1000000 * (now_us - a->last_us);
	a->last_us = now_us;
	a->tokens = a->tokens + fill < cap ? a->tokens + fill : cap;
	a->quota = (uint16_t)(a->tokens >> TT_ADMIT_FP);
	return a->quota;
}

#endif /* TT_ADMIT_H */
