/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The main() of every unit test executable: it runs the suite the test
 * file gives through tt_test_suite() (see tt_test_util.h) and exits with
 * EXIT_SUCCESS when no test failed, EXIT_FAILURE otherwise. Whether
 * Check forks a process per test is left to CK_FORK (the meson tests set
 * CK_FORK=no).
 */

#include <stdlib.h>

#include <check.h>

#include "tt_test_util.h"

int
main(void)
{
	SRunner *sr = srunner_create(tt_test_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
