/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The body pattern: the content that the http, fixed, echo and send
 * applications generate and check, regenerated from any stream offset.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "l7/tt_pattern.h"

/* One period of the body pattern (see tt_pattern_fill()); generated. */
static const char body_tbl[TT_PATTERN_PERIOD + 1] =
	"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+\n"
	"123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/\n"
	"23456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0\n"
	"3456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/01\n"
	"456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/012\n"
	"56789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123\n"
	"6789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/01234\n"
	"789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/012345\n"
	"89ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456\n"
	"9ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/01234567\n"
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/012345678\n"
	"BCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789\n"
	"CDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789A\n"
	"DEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789AB\n"
	"EFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABC\n"
	"FGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCD\n"
	"GHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDE\n"
	"HIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEF\n"
	"IJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFG\n"
	"JKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGH\n"
	"KLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHI\n"
	"LMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJ\n"
	"MNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJK\n"
	"NOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKL\n"
	"OPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLM\n"
	"PQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMN\n"
	"QRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNO\n"
	"RSTUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOP\n"
	"STUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQ\n"
	"TUVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQR\n"
	"UVWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRS\n"
	"VWXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRST\n"
	"WXYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTU\n"
	"XYZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUV\n"
	"YZabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVW\n"
	"Zabcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWX\n"
	"abcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXY\n"
	"bcdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
	"cdefghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZa\n"
	"defghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZab\n"
	"efghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabc\n"
	"fghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcd\n"
	"ghijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcde\n"
	"hijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef\n"
	"ijklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg\n"
	"jklmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefgh\n"
	"klmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi\n"
	"lmnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij\n"
	"mnopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk\n"
	"nopqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl\n"
	"opqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm\n"
	"pqrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn\n"
	"qrstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno\n"
	"rstuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop\n"
	"stuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq\n"
	"tuvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr\n"
	"uvwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs\n"
	"vwxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst\n"
	"wxyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu\n"
	"xyz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv\n"
	"yz+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw\n"
	"z+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx\n"
	"+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy\n"
	"/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz\n";

void
tt_pattern_fill(uint8_t *dst, uint64_t offset, uint32_t len)
{
	uint32_t off = offset & (TT_PATTERN_PERIOD - 1);

	while (len > 0) {
		uint32_t n = RTE_MIN(len, TT_PATTERN_PERIOD - off);

		memcpy(dst, body_tbl + off, n);
		dst += n;
		len -= n;
		off = 0;
	}
}

bool
tt_pattern_check(const uint8_t *src, uint64_t offset, uint32_t len)
{
	uint32_t off = offset & (TT_PATTERN_PERIOD - 1);

	while (len > 0) {
		uint32_t n = RTE_MIN(len, TT_PATTERN_PERIOD - off);

		if (memcmp(src, body_tbl + off, n) != 0)
			return false;
		src += n;
		len -= n;
		off = 0;
	}
	return true;
}
