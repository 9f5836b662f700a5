/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz harness of the configuration loader (lib/cfg).
 *
 * Input: the text of an ini file; after a first NUL byte, if any, up to 16
 * "--set" overrides separated by NUL bytes.
 *
 * Checked: loading never crashes or reads out of bounds (ASan, UBSan); a
 * failure comes with one message that names the file; a configuration
 * that loads survives the round trip: its dump (what --check prints) loads
 * again, into an identical struct tt_config, whose dump is the same text.
 * The one exception is a --set value too long for any ini line (--set is
 * not bound by rte_cfgfile's line, docs/configuration.md): its dump line
 * is longer than a file may hold, which only --set can cause.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_log.h>

#include "tt_fuzz.h"
#include "cfg/tt_cfg.h"
#include "cfg/tt_cfg_priv.h"

#define MAX_SETS 16

/* The ini file and the dump, in memory: /proc/self/fd/N for the loader. */
static int fd_ini = -1, fd_dump = -1;
static char path_ini[64], path_dump[64];
static struct tt_config cfg, cfg2;
static char err[TT_CFG_ERR_LEN];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *env = getenv("TT_FUZZ_LOG");

	(void)argc;
	(void)argv;
	fd_ini = memfd_create("tt_fuzz_cfg_ini", 0);
	fd_dump = memfd_create("tt_fuzz_cfg_dump", 0);
	if (fd_ini < 0 || fd_dump < 0) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(path_ini, sizeof(path_ini), "/proc/self/fd/%d", fd_ini);
	snprintf(path_dump, sizeof(path_dump), "/proc/self/fd/%d", fd_dump);
	if (env == NULL || strcmp(env, "1") != 0)
		rte_log_set_global_level(RTE_LOG_EMERG);
	return 0;
}

static void
put_file(int fd, const void *data, size_t len)
{
	TT_FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate: %s", strerror(errno));
	TT_FUZZ_CHECK(len == 0 || pwrite(fd, data, len, 0) == (ssize_t)len, "pwrite: %s",
		      strerror(errno));
}

/* The dump of @p c, malloc'd, its length in @p len. */
static char *
dump(const struct tt_config *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	TT_FUZZ_CHECK(f != NULL, "open_memstream");
	tt_cfg_dump(c, f);
	TT_FUZZ_CHECK(fclose(f) == 0, "fclose");
	return buf;
}

/* Length of the longest line of @p text. */
static size_t
longest_line(const char *text)
{
	size_t best = 0, n;

	while (*text != '\0') {
		n = strcspn(text, "\n");
		best = n > best ? n : best;
		text += n + (text[n] == '\n');
	}
	return best;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char copy[1 << 16];
	const char *sets[MAX_SETS];
	unsigned int n_sets = 0;
	size_t ini_len, i, len1, len2;
	char *d1, *d2;
	int ret;

	if (size >= sizeof(copy))
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	ini_len = strlen(copy);
	for (i = ini_len; i < size && n_sets < MAX_SETS; i += strlen(copy + i + 1) + 1)
		sets[n_sets++] = copy + i + 1;
	put_file(fd_ini, copy, ini_len);

	memset(err, 0x55, sizeof(err));
	ret = tt_cfg_load(&cfg, path_ini, sets, n_sets, err, sizeof(err));
	if (ret != 0) {
		TT_FUZZ_CHECK(ret == -EINVAL, "returned %d", ret);
		TT_FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL, "message not terminated");
		TT_FUZZ_CHECK(err[0] != '\0', "no message");
		return 0;
	}

	d1 = dump(&cfg, &len1);
	if (longest_line(d1) > TT_CFG_LINE_MAX) {
		TT_FUZZ_CHECK(n_sets > 0, "a dump line of %zu characters from a file's values",
			      longest_line(d1));
		free(d1);
		return 0;
	}
	put_file(fd_dump, d1, len1);
	ret = tt_cfg_load(&cfg2, path_dump, NULL, 0, err, sizeof(err));
	if (ret != 0) {
		fprintf(stderr, "--- dump\n%s--- does not load: %s\n", d1, err);
		TT_FUZZ_CHECK(0, "the dump of a configuration that loads does not load");
	}
	memcpy(cfg2.file, cfg.file, sizeof(cfg2.file));
	d2 = dump(&cfg2, &len2);
	if (memcmp(&cfg, &cfg2, sizeof(cfg)) != 0) {
		fprintf(stderr, "--- dump\n%s--- dump of the reloaded dump\n%s", d1, d2);
		TT_FUZZ_CHECK(0, "dump then reload gives another configuration");
	}
	TT_FUZZ_CHECK(len1 == len2 && memcmp(d1, d2, len1) == 0,
		      "the dump of the reloaded configuration differs");
	free(d1);
	free(d2);
	return 0;
}
