/* Compiled against an installed libbaton by tests/e2e/install.t: the header and the
 * pkg-config flags are enough to build and run a program. */
#include <baton.h>
#include <stdio.h>

int main(void)
{
    printf("linked libbaton %s\n", baton_version());
    return 0;
}
