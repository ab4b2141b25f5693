/* The test runner: every suite of tests/unit/suites.h in one Check run, so that `make check`
 * ends with Check's summary line.  Environment: BATON (the command under test), BUILD, SHARED. */
#include <check.h>
#include <stdlib.h>

#include "tests/unit/suites.h"

#define X(name) Suite *name##_suite(void);
BATON_SUITES(X)
#undef X

int main(void)
{
    SRunner *sr = srunner_create(NULL);
#define X(name) srunner_add_suite(sr, name##_suite());
    BATON_SUITES(X)
#undef X
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
