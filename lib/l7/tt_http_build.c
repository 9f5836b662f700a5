/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The builders of the heads that the http applications send: the
 * response head of the server and the request head of the client
 * (RFC 9112 sections 3 and 4, RFC 9110 field semantics).
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "l7/tt_http.h"
#include "l7/tt_http_lex.h"

/* Reason phrases of RFC 9110 section 15 for the codes we are likely to send. */
static const char *
reason_phrase(unsigned int status)
{
	switch (status) {
	case 100: return "Continue";
	case 101: return "Switching Protocols";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "";
	}
}

/* Write the decimal digits of @p v right-aligned before @p tmp_end (10
 * bytes are enough); returns the first digit. */
static inline char *
u32_dec(uint32_t v, char *tmp_end)
{
	char *q = tmp_end;

	do {
		*--q = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	return q;
}

#define APPEND(q, s, l) do { memcpy((q), (s), (l)); (q) += (l); } while (0)
#define APPEND_LIT(q, lit) APPEND(q, lit, sizeof(lit) - 1)

int
tt_http_build_response(char *buf, size_t len, unsigned int status, uint32_t body_len,
		       bool keepalive)
{
	static const char l_ver[] = "HTTP/1.1 ";
	static const char l_srv[] = "\r\nServer: tcpterm\r\n";
	static const char l_cl[] = "Content-Length: ";
	static const char l_ct[] = "\r\nContent-Type: text/plain\r\n";
	static const char l_ka[] = "Connection: keep-alive\r\n\r\n";
	static const char l_close[] = "Connection: close\r\n\r\n";
	char num[10], *nd = num;
	const char *reason;
	size_t rlen, nlen = 0, total;
	bool has_body;
	char *q = buf;

	if (status < 100 || status > 999)
		return -EINVAL;
	reason = reason_phrase(status);
	rlen = strlen(reason);
	/* RFC 9110 section 8.6: no Content-Length in 1xx and 204; we also
	 * leave it out of 304, as allowed. */
	has_body = status >= 200 && status != 204 && status != 304;
	if (has_body) {
		nd = u32_dec(body_len, num + sizeof(num));
		nlen = num + sizeof(num) - nd;
	}
	total = sizeof(l_ver) - 1 + 4 + rlen + sizeof(l_srv) - 1 +
		(has_body ? sizeof(l_cl) - 1 + nlen + sizeof(l_ct) - 1 : 0) +
		(keepalive ? sizeof(l_ka) - 1 : sizeof(l_close) - 1);
	if (total > len)
		return -ENOSPC;
	APPEND_LIT(q, l_ver);
	*q++ = '0' + status / 100;
	*q++ = '0' + status / 10 % 10;
	*q++ = '0' + status % 10;
	*q++ = ' ';
	APPEND(q, reason, rlen);
	APPEND_LIT(q, l_srv);
	if (has_body) {
		APPEND_LIT(q, l_cl);
		APPEND(q, nd, nlen);
		APPEND_LIT(q, l_ct);
	}
	if (keepalive)
		APPEND_LIT(q, l_ka);
	else
		APPEND_LIT(q, l_close);
	return (int)(q - buf);
}

/* Length of @p s if it is 1..max visible ASCII characters, else 0. */
static size_t
vchar_len(const char *s, size_t max)
{
	size_t n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++)
		if (n >= max || !IS_VCHAR(s[n]))
			return 0;
	return n;
}

int
tt_http_build_request(char *buf, size_t len, const char *path, const char *host,
		      bool keepalive)
{
	static const char l_get[] = "GET ";
	static const char l_ver[] = " HTTP/1.1\r\nHost: ";
	static const char l_ua[] = "\r\nUser-Agent: tcpterm\r\n";
	static const char l_close[] = "Connection: close\r\n";
	size_t plen = vchar_len(path, TT_HTTP_TARGET_MAX);
	size_t hlen = vchar_len(host, 255);
	size_t total;
	char *q = buf;

	if (plen == 0 || hlen == 0)
		return -EINVAL;
	total = sizeof(l_get) - 1 + plen + sizeof(l_ver) - 1 + hlen + sizeof(l_ua) - 1 +
		(keepalive ? 0 : sizeof(l_close) - 1) + 2;
	if (total > len)
		return -ENOSPC;
	APPEND_LIT(q, l_get);
	APPEND(q, path, plen);
	APPEND_LIT(q, l_ver);
	APPEND(q, host, hlen);
	APPEND_LIT(q, l_ua);
	if (!keepalive)
		APPEND_LIT(q, l_close);
	*q++ = '\r';
	*q++ = '\n';
	return (int)(q - buf);
}
