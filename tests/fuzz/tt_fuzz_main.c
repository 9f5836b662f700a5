/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The replay driver of the fuzz harnesses, linked instead of libFuzzer in
 * builds without -Dfuzz=true (gcc, the sanitizer build): it runs
 * LLVMFuzzerTestOneInput() once on every file named on the command line,
 * and on every file of every directory named (sorted by name, not
 * recursively), as a libFuzzer binary does when given files. The meson
 * tests fuzz_<name> run it over tests/fuzz/corpus/<name>/, so the seeds and
 * every crash found (kept there as a regression input) are replayed by
 * every build.
 *
 *	fuzz_pkt tests/fuzz/corpus/pkt [FILE...]
 *
 * Exit status 0 when every input ran, 1 when a file could not be read; an
 * input that breaks an invariant aborts.
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tt_fuzz.h"

/* Harnesses that need no initialisation do not define it. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int
run_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &st) != 0) {
		perror(path);
		if (f != NULL)
			fclose(f);
		return -1;
	}
	/* Exactly the file's bytes: a read past them is an overflow ASan sees. */
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	if (n != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
main(int argc, char **argv)
{
	unsigned int runs = 0;
	int i, rc = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct dirent **ents;
		struct stat st;
		int k, n;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			rc |= run_file(argv[i]) != 0;
			runs++;
			continue;
		}
		n = scandir(argv[i], &ents, NULL, name_cmp);
		if (n < 0) {
			perror(argv[i]);
			rc = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/%s", argv[i], ents[k]->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				rc |= run_file(path) != 0;
				runs++;
			}
			free(ents[k]);
		}
		free(ents);
	}
	printf("%s: %u inputs replayed\n", argv[0], runs);
	if (runs == 0) {
		fprintf(stderr, "%s: no input\n", argv[0]);
		rc = 1;
	}
	return rc;
}
