/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef _TT_CFG_PRIV_H_
#define _TT_CFG_PRIV_H_

/**
 * @file
 * What the files of the configuration module share. One job each:
 * tt_cfg_err.c writes the one-line error messages; tt_cfg_value.c parses
 * and formats values (numbers, booleans, addresses, ports, lists);
 * tt_cfg_keys.c holds the key table (name, type, range, default) with the
 * keys' own parsers; tt_cfg_load.c reads the ini file and the --set
 * overrides; tt_cfg_validate.c runs the cross-key checks; tt_cfg_dump.c
 * prints the effective configuration (--check).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_cfgfile.h>
#include <rte_common.h>

#include "cfg/tt_cfg.h"

/* The comment character handed to rte_cfgfile (its default is ';'). */
#define TT_CFG_COMMENT '#'
/* Room for the text form of any value (EAL args are the longest). */
#define TT_CFG_VAL_BUF (2 * TT_CFG_EAL_ARGS_LEN)
/* rte_cfgfile reads lines into a buffer of this size (see rte_cfgfile.c). */
#define TT_CFG_LINE_BUF (CFG_NAME_LEN + CFG_VALUE_LEN + 4)
/* Longest line rte_cfgfile accepts, newline excluded. */
#define TT_CFG_LINE_MAX (TT_CFG_LINE_BUF - 2)

/* The sections, in dump order; [portN] is one entry for all ports. */
enum tt_cfg_sec_id {
	TT_SEC_GENERAL = 0,
	TT_SEC_EAL,
	TT_SEC_PORT,
	TT_SEC_TCP,
	TT_SEC_SERVER,
	TT_SEC_CLIENT,
	TT_SEC_NUM,	/* number of sections */
};

enum tt_cfg_kind {
	TT_KT_UINT = 0,	/* unsigned integer of 1, 2, 4 or 8 bytes */
	TT_KT_DOUBLE,	/* non-negative decimal number */
	TT_KT_BOOL,
	TT_KT_CUSTOM,	/* own parse and format functions */
};

/* One key=value being applied, with where it came from. */
struct tt_cfg_ent {
	const char *origin;	/* file name, "--set" or "default" */
	const char *sec;
	const char *key;
	const char *val;
};

struct tt_cfg_ctx;
struct tt_cfg_key;

typedef int (*tt_cfg_parse_fn)(struct tt_cfg_ctx *ctx,
		const struct tt_cfg_ent *e, const struct tt_cfg_key *k,
		void *base);
typedef void (*tt_cfg_fmt_fn)(char *buf, size_t len,
		const struct tt_cfg_key *k, const void *base);

struct tt_cfg_key {
	const char *name;
	/*
	 * The default as a user would write it, read by the same parser as
	 * a file entry; NULL for a required key (left zero). See the
	 * comment above the tables in tt_cfg_keys.c.
	 */
	const char *def;
	enum tt_cfg_kind kind;
	size_t off;		/* offset of the field in the section struct */
	size_t size;		/* size of the field (TT_KT_UINT) */
	uint64_t min;		/* range (TT_KT_UINT) */
	uint64_t max;
	double dmin;		/* range (TT_KT_DOUBLE) */
	double dmax;
	tt_cfg_parse_fn parse;	/* TT_KT_CUSTOM */
	tt_cfg_fmt_fn fmt;	/* TT_KT_CUSTOM */
};

struct tt_cfg_sec {
	const char *name;
	enum tt_cfg_sec_id id;
	const struct tt_cfg_key *keys;
	unsigned int n_keys;
};

/* A key applied during this load: for duplicates and cross-check messages. */
struct tt_cfg_seen {
	char sec[CFG_NAME_LEN];
	char key[CFG_NAME_LEN];
	char *val;
	const char *origin;
	bool from_file;
};

/* One load (or one application of the defaults). */
struct tt_cfg_ctx {
	struct tt_config *cfg;
	char *err;
	size_t errlen;
	struct tt_cfg_seen *seen;	/* tt_cfg_load(): TT_CFG_MAX_SEEN; defaults: NULL */
	unsigned int n_seen;
};

/* Messages (tt_cfg_err.c). */

/**
 * Write "ORIGIN: [sec] key = 'val': reason", or "ORIGIN: [sec]: reason"
 * when @p key is NULL, into ctx->err. Returns -EINVAL.
 */
int tt_cfg_err(struct tt_cfg_ctx *ctx, const char *origin, const char *sec,
	       const char *key, const char *val, const char *fmt, ...)
	__rte_format_printf(6, 7);

/** Write "ORIGIN: cannot parse: reason" into ctx->err. Returns -EINVAL. */
int tt_cfg_parse_err(struct tt_cfg_ctx *ctx, const char *origin,
		     const char *fmt, ...)
	__rte_format_printf(3, 4);

/* An error against the entry being applied. */
#define TT_CFG_ENT_ERR(ctx, e, ...) \
	tt_cfg_err(ctx, (e)->origin, (e)->sec, (e)->key, (e)->val, __VA_ARGS__)

/* Values (tt_cfg_value.c). */

enum tt_num_status {
	TT_NUM_OK = 0,
	TT_NUM_NAN,		/* does not start like a number */
	TT_NUM_TRAILING,	/* a number followed by other characters */
	TT_NUM_RANGE,		/* negative or too large */
};

/** Parse a whole decimal unsigned integer; *junk points to junk if any. */
enum tt_num_status tt_cfg_num_u64(const char *s, uint64_t *v,
				  const char **junk);
/** Parse a dotted quad of @p len characters strictly. Returns 0 or -1. */
int tt_cfg_ip_parse(const char *s, size_t len, uint32_t *ip);
void tt_cfg_ip_fmt(char *buf, size_t len, uint32_t ip);
/** A host address tcpterm can own or talk to. */
bool tt_cfg_ip_unicast(uint32_t ip);
uint32_t tt_cfg_mask(unsigned int prefix);
/** Cut the white space around @p s in place; returns its first non-blank. */
char *tt_cfg_strip(char *s);
/** Parse a port number token of @p len characters (1..65535). */
int tt_cfg_port_tok(const char *tok, size_t len, uint16_t *port);

typedef int (*tt_cfg_tok_fn)(struct tt_cfg_ctx *ctx,
		const struct tt_cfg_ent *e, void *arg, const char *tok,
		size_t len);
/** Split the entry's value on commas and white space; @p fn per token. */
int tt_cfg_split_list(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		      void *arg, tt_cfg_tok_fn fn);
/** A string with no white space or control characters, into @p dst. */
int tt_cfg_parse_token_str(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
			   char *dst, size_t size);

int tt_cfg_parse_bool(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		      const struct tt_cfg_key *k, void *base);
void tt_cfg_fmt_bool(char *buf, size_t len, const struct tt_cfg_key *k,
		     const void *base);
/** Parse @p e into the field of @p k in the section struct @p base. */
int tt_cfg_parse_key(struct tt_cfg_ctx *ctx, const struct tt_cfg_ent *e,
		     const struct tt_cfg_key *k, void *base);
/** Text form of a key's current value (unescaped), as the dump shows it. */
void tt_cfg_fmt_key(char *buf, size_t len, const struct tt_cfg_key *k,
		    const void *base);

/* Keys (tt_cfg_keys.c). */

/** Indexed by enum tt_cfg_sec_id, in dump order. */
extern const struct tt_cfg_sec tt_cfg_secs[TT_SEC_NUM];

/** Find a section by name; *port gets N for "portN". */
const struct tt_cfg_sec *tt_cfg_find_sec(const char *name,
					 unsigned int *port);
const struct tt_cfg_key *tt_cfg_find_key(const struct tt_cfg_sec *s,
					 const char *name);
/** The struct that holds the keys of section @p id (port @p port). */
void *tt_cfg_sec_base(struct tt_config *cfg, enum tt_cfg_sec_id id,
		      unsigned int port);

/* Loading (tt_cfg_load.c) and cross-checks (tt_cfg_validate.c). */

struct tt_cfg_seen *tt_cfg_seen_find(struct tt_cfg_ctx *ctx, const char *sec,
				     const char *key);
int tt_cfg_validate(struct tt_cfg_ctx *ctx);

#endif /* _TT_CFG_PRIV_H_ */
