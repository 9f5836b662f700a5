/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP options (RFC 9293 3.2 and 3.7.1, RFC 7323, RFC 2018): parse without
 * ever reading past the header, and write in the order Linux uses so
 * captures look familiar.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>

#include "tcp/tt_tcp.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WS 3
#define TCPOPT_SACKOK 4
#define TCPOPT_SACK 5
#define TCPOPT_TS 8

static_assert(TT_TCP_OPT_NOP_NOP_TS == ((uint32_t)TCPOPT_NOP << 24 | (uint32_t)TCPOPT_NOP << 16 |
					(uint32_t)TCPOPT_TS << 8 | 10u), "NOP NOP TS");

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int
tt_tcp_opts_parse(const uint8_t *opt, unsigned int len, struct tt_tcp_opts *o)
{
	unsigned int i = 0;

	/*
	 * RFC 7323 Appendix A: the layout every common stack (and this one)
	 * puts on segments other than SYNs, NOP NOP TS, read with one compare;
	 * the loop below gives the same result for it.
	 */
	if (len == 12 && get32(opt) == TT_TCP_OPT_NOP_NOP_TS) {
		o->present = TT_OPT_TS;
		o->tsval = get32(&opt[4]);
		o->tsecr = get32(&opt[8]);
		return 0;
	}
	o->present = 0;
	while (i < len) {
		uint8_t kind = opt[i];
		uint8_t olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		/* Every other option has a length byte of at least 2, within the header. */
		if (i + 1 >= len)
			return -EINVAL;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return -EINVAL;
		switch (kind) {
		case TCPOPT_MSS:
			if (olen != 4)
				return -EINVAL;
			o->present |= TT_OPT_MSS;
			o->mss = get16(&opt[i + 2]);
			break;
		case TCPOPT_WS:
			if (olen != 3)
				return -EINVAL;
			o->present |= TT_OPT_WS;
			/* RFC 7323 2.3: a shift above 14 is used as 14. */
			o->wscale = opt[i + 2] > 14 ? 14 : opt[i + 2];
			break;
		case TCPOPT_SACKOK:
			if (olen != 2)
				return -EINVAL;
			o->present |= TT_OPT_SACKOK;
			break;
		case TCPOPT_TS:
			if (olen != 10)
				return -EINVAL;
			o->present |= TT_OPT_TS;
			o->tsval = get32(&opt[i + 2]);
			o->tsecr = get32(&opt[i + 6]);
			break;
		case TCPOPT_SACK:
			/*
			 * RFC 2018 3: 1 to 4 blocks of two edges. The blocks
			 * stay in the header: the sender reads them only on a
			 * duplicate ACK. A block list of another length is
			 * skipped, as an unknown option.
			 */
			if (olen >= 10 && (olen - 2) % 8 == 0) {
				o->present |= TT_OPT_SACK;
				o->nsack = (uint8_t)((olen - 2) / 8);
				o->sack = &opt[i + 2];
			}
			break;
		default:
			/* Unknown options are skipped by length. */
			break;
		}
		i += olen;
	}
	return 0;
}

/*
 * The options as 32-bit words in host order (each option padded with NOPs
 * to a word boundary, RFC 9293 3.1): the sender stores them and adds them
 * to the checksum from registers, without reading the frame back.
 */
unsigned int
tt_tcp_opts_words(uint32_t *w, const struct tt_tcp_opts *o)
{
	unsigned int n = 0;

	if (o->present & TT_OPT_MSS)
		w[n++] = (uint32_t)TCPOPT_MSS << 24 | 4u << 16 | o->mss;
	if (o->present & TT_OPT_TS) {
		/* With SACK-permitted in front of it instead of two NOPs. */
		if (o->present & TT_OPT_SACKOK)
			w[n++] = (uint32_t)TCPOPT_SACKOK << 24 | 2u << 16 |
				 (uint32_t)TCPOPT_TS << 8 | 10u;
		else
			w[n++] = (uint32_t)TCPOPT_NOP << 24 | (uint32_t)TCPOPT_NOP << 16 |
				 (uint32_t)TCPOPT_TS << 8 | 10u;
		w[n++] = o->tsval;
		w[n++] = o->tsecr;
	} else if (o->present & TT_OPT_SACKOK) {
		w[n++] = (uint32_t)TCPOPT_NOP << 24 | (uint32_t)TCPOPT_NOP << 16 |
			 (uint32_t)TCPOPT_SACKOK << 8 | 2u;
	}
	if (o->present & TT_OPT_WS)
		w[n++] = (uint32_t)TCPOPT_NOP << 24 | (uint32_t)TCPOPT_WS << 16 | 3u << 8 |
			 o->wscale;
	if (o->present & TT_OPT_SACK) {
		/* RFC 2018 3, after two NOPs as Linux writes it (never on a SYN). */
		unsigned int i;

		w[n++] = (uint32_t)TCPOPT_NOP << 24 | (uint32_t)TCPOPT_NOP << 16 |
			 (uint32_t)TCPOPT_SACK << 8 | (2u + 8u * o->nsack);
		for (i = 0; i < 2u * o->nsack; i++)
			w[n++] = get32(&o->sack[4 * i]);
	}
	return n;
}

unsigned int
tt_tcp_opts_write(uint8_t *d, const struct tt_tcp_opts *o)
{
	uint32_t w[TT_TCP_OPT_WORDS];
	unsigned int i, n = tt_tcp_opts_words(w, o);

	for (i = 0; i < n; i++) {
		uint32_t be = rte_cpu_to_be_32(w[i]);

		memcpy(&d[4 * i], &be, 4);
	}
	return 4 * n;
}
