/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness of the TCP option parser and writer (lib/tcp tt_tcp_opts.c).
 *
 * Input: the option bytes of a TCP header (at most 40; the input buffer is
 * exactly that long, so a read past it is an overflow ASan reports).
 *
 * Checked:
 * - parse, write what was parsed, parse again: the same options (the
 *   writer's output always parses, and loses nothing the parser keeps);
 * - the writer writes whole words, at most TT_TCP_OPT_WORDS of them, and
 *   tt_tcp_opts_words() gives the same bytes in host order;
 * - the same round trip from a struct made of the input's first bytes
 *   (any combination of options and values), where only the window scale
 *   may change: the parser reads a shift above 14 as 14 (RFC 7323 2.3).
 */

#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>

#include "tt_fuzz.h"
#include "tcp/tt_tcp.h"

/* Two parsed option sets are equal in every field their flags say is present. */
static void
check_same(const struct tt_tcp_opts *a, const struct tt_tcp_opts *b)
{
	TT_FUZZ_CHECK(a->present == b->present, "present 0x%x, then 0x%x", a->present,
		      b->present);
	if (a->present & TT_OPT_MSS)
		TT_FUZZ_CHECK(a->mss == b->mss, "MSS %u, then %u", a->mss, b->mss);
	if (a->present & TT_OPT_WS)
		TT_FUZZ_CHECK(a->wscale == b->wscale, "WS %u, then %u", a->wscale, b->wscale);
	if (a->present & TT_OPT_TS)
		TT_FUZZ_CHECK(a->tsval == b->tsval && a->tsecr == b->tsecr,
			      "TS %u/%u, then %u/%u", a->tsval, a->tsecr, b->tsval, b->tsecr);
}

/* Write @p o, check the written form, parse it back into @p back. */
static void
round_trip(const struct tt_tcp_opts *o, struct tt_tcp_opts *back)
{
	uint8_t buf[64];
	uint32_t w[TT_TCP_OPT_WORDS];
	unsigned int len, n, i;

	memset(buf, 0xa5, sizeof(buf));
	len = tt_tcp_opts_write(buf, o);
	TT_FUZZ_CHECK(len % 4 == 0 && len <= 4 * TT_TCP_OPT_WORDS, "wrote %u bytes", len);
	for (i = len; i < sizeof(buf); i++)
		TT_FUZZ_CHECK(buf[i] == 0xa5, "wrote past its length at %u", i);
	n = tt_tcp_opts_words(w, o);
	TT_FUZZ_CHECK(4 * n == len, "%u words for %u bytes", n, len);
	for (i = 0; i < n; i++) {
		uint32_t be = rte_cpu_to_be_32(w[i]);

		TT_FUZZ_CHECK(memcmp(&be, &buf[4 * i], 4) == 0, "word %u differs", i);
	}
	memset(back, 0x5a, sizeof(*back));
	TT_FUZZ_CHECK(tt_tcp_opts_parse(buf, len, back) == 0, "own options rejected");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tt_tcp_opts o, back, mine;

	if (size > 40)
		return 0;
	memset(&o, 0, sizeof(o));
	if (tt_tcp_opts_parse(data, (unsigned int)size, &o) == 0) {
		TT_FUZZ_CHECK((o.present & ~(TT_OPT_MSS | TT_OPT_WS | TT_OPT_TS |
					     TT_OPT_SACKOK | TT_OPT_SACK)) == 0,
			      "present 0x%x", o.present);
		if (o.present & TT_OPT_WS)
			TT_FUZZ_CHECK(o.wscale <= 14, "window scale %u", o.wscale);
		/* SACK blocks (RFC 2018 3) are left in the header: 1 to 4 of them, inside it. */
		if (o.present & TT_OPT_SACK)
			TT_FUZZ_CHECK(o.nsack >= 1 && o.nsack <= 4 && o.sack >= data &&
				      o.sack + 8 * o.nsack <= data + size,
				      "%u SACK blocks at offset %td of %zu bytes", o.nsack,
				      o.sack - data, size);
		/* SACK blocks reach the writer from tt_tcp_reass.c only (test_tcp_reass.c). */
		o.present &= ~TT_OPT_SACK;
		round_trip(&o, &back);
		check_same(&o, &back);
	}

	/* From a struct: present, WS, MSS, TSval, TSecr out of the input. */
	if (size >= 12) {
		memset(&mine, 0, sizeof(mine));
		mine.present = data[0] & (TT_OPT_MSS | TT_OPT_WS | TT_OPT_TS | TT_OPT_SACKOK);
		mine.wscale = data[1];
		mine.mss = (uint16_t)(data[2] << 8 | data[3]);
		memcpy(&mine.tsval, &data[4], 4);
		memcpy(&mine.tsecr, &data[8], 4);
		round_trip(&mine, &back);
		if (mine.wscale > 14)
			mine.wscale = 14;
		check_same(&mine, &back);
	}
	return 0;
}
