/* The library's version, so a program can tell which libbaton it was linked with. */
#include "baton.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *baton_version(void)
{
    return STR(BATON_VERSION_MAJOR) "." STR(BATON_VERSION_MINOR) "." STR(BATON_VERSION_PATCH);
}
