/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness of the frame parser (lib/net tt_pkt_parse) and of what a
 * parsed ARP or ICMP frame goes to (tt_arp_input, tt_icmp_input).
 *
 * Input: one byte of receive conditions, then the frame.
 *   bit 0: the port reports RX checksum status (ifc->rx_cksum);
 *   bits 1-2: IP checksum flag (UNKNOWN, BAD, GOOD, NONE);
 *   bits 3-4: L4 checksum flag, the same;
 *   bit 5: the frame comes in two mbuf segments, split at the byte after
 *          this one (mod the length); otherwise in one external buffer of
 *          exactly its length, so a read past the frame is a heap overflow
 *          that AddressSanitizer reports.
 *   bit 6: our interface has a range of extra addresses (the client's
 *          source_ips), 198.18.0.10-198.18.0.20.
 *
 * Checked: tt_pkt_parse never reads outside the frame (ASan); an accepted
 * frame's lengths and pointers add up to the (trimmed) frame; a dropped
 * frame is left as it was; a reply to ARP or ICMP is a well-formed frame
 * with correct checksums; no mbuf leaks.
 */

#include <stdint.h>
#include <string.h>

#include <rte_mbuf.h>

#include "tt_fuzz.h"
#include "net/tt_net.h"

static struct tt_test_ctx *t;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	tt_fuzz_eal_init();
	t = tt_test_ctx_new();
	return 0;
}

static const uint64_t ip_flags[4] = {
	RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, RTE_MBUF_F_RX_IP_CKSUM_BAD,
	RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_IP_CKSUM_NONE,
};
static const uint64_t l4_flags[4] = {
	RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, RTE_MBUF_F_RX_L4_CKSUM_BAD,
	RTE_MBUF_F_RX_L4_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_NONE,
};

/* What an accepted frame says about itself fits the frame. */
static void
check_accepted(const struct rte_mbuf *m, const struct tt_pkt *p, uint16_t len_before)
{
	const uint8_t *start = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *end = start + m->data_len;

	TT_FUZZ_CHECK(m->nb_segs == 1 && m->next == NULL && m->data_len == m->pkt_len,
		      "accepted frame not trimmed to one segment");
	TT_FUZZ_CHECK(m->data_len <= len_before, "frame grew: %u > %u", m->data_len,
		      len_before);
	TT_FUZZ_CHECK((const uint8_t *)p->eth == start, "eth pointer");
	switch (p->kind) {
	case TT_PKT_ARP:
		TT_FUZZ_CHECK((const uint8_t *)p->arp + sizeof(*p->arp) <= end, "ARP header");
		break;
	case TT_PKT_ICMP:
		TT_FUZZ_CHECK(p->l2_len + p->l3_len + p->l4_len == m->data_len,
			      "ICMP: %u + %u + %u != %u", p->l2_len, p->l3_len, p->l4_len,
			      m->data_len);
		TT_FUZZ_CHECK((const uint8_t *)p->icmp + p->l4_len == end, "ICMP pointer");
		break;
	case TT_PKT_TCP:
		TT_FUZZ_CHECK(p->l2_len + p->l3_len + p->l4_len + p->payload_len ==
			      m->data_len, "TCP: %u + %u + %u + %u != %u", p->l2_len,
			      p->l3_len, p->l4_len, p->payload_len, m->data_len);
		TT_FUZZ_CHECK(p->l4_len >= sizeof(struct rte_tcp_hdr) && p->l4_len <= 60,
			      "TCP header of %u bytes", p->l4_len);
		TT_FUZZ_CHECK((const uint8_t *)p->tcp == start + p->l2_len + p->l3_len,
			      "TCP pointer");
		TT_FUZZ_CHECK(p->payload == (const uint8_t *)p->tcp + p->l4_len &&
			      p->payload + p->payload_len == end, "payload pointer");
		break;
	default:
		TT_FUZZ_CHECK(0, "kind %d", (int)p->kind);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int base = tt_test_pool_in_use();
	enum tt_drop_reason r;
	struct rte_mbuf *m;
	struct tt_pkt p;
	uint16_t len;
	uint8_t ctl;

	if (size < 1 || size > 1 + 2048)
		return 0;
	ctl = data[0];
	data++;
	len = (uint16_t)(size - 1);

	t->ifc.rx_cksum = ctl & 1;
	t->ifc.extra_first = (ctl & 0x40) ? TT_TEST_IPV4(198, 18, 0, 10) : 0;
	t->ifc.extra_last = (ctl & 0x40) ? TT_TEST_IPV4(198, 18, 0, 20) : 0;
	tt_arp_init(&t->net.arp[TT_TEST_PORT]);
	if ((ctl & 0x20) && len > 1)
		m = tt_test_mbuf_chain(data, len, (uint16_t)(data[0] % len));
	else
		m = tt_test_mbuf_exact(data, len);
	m->ol_flags |= ip_flags[(ctl >> 1) & 3] | l4_flags[(ctl >> 3) & 3];

	r = tt_pkt_parse(&t->ifc, m, &p);
	if (r != TT_DROP_NONE) {
		TT_FUZZ_CHECK(r < TT_DROP_MAX, "reason %d", (int)r);
		TT_FUZZ_CHECK(m->pkt_len == len, "a dropped frame was changed");
		rte_pktmbuf_free(m);
	} else {
		check_accepted(m, &p, len);
		if (p.kind == TT_PKT_ARP)
			tt_arp_input(&t->net, &t->ifc, m, &p);
		else if (p.kind == TT_PKT_ICMP)
			tt_icmp_input(&t->net, &t->ifc, m, &p);
		else
			rte_pktmbuf_free(m);
		/* Replies: ARP frames, or ICMP echo replies with good checksums. */
		while (t->txq.n > 0) {
			struct rte_mbuf *o = tt_test_txq_pop(t);

			TT_FUZZ_CHECK(tt_test_cksums_ok(o), "reply with a bad checksum");
			TT_FUZZ_CHECK(o->nb_segs == 1 && o->data_len >= RTE_ETHER_HDR_LEN,
				      "reply frame shape");
			rte_pktmbuf_free(o);
		}
	}
	TT_FUZZ_CHECK(tt_test_pool_in_use() == base, "%u mbufs leaked",
		      tt_test_pool_in_use() - base);
	return 0;
}
