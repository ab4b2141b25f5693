#include "model/types.h"
#include "model/resolve.h"

int types_check(struct cspm_module *m)
{
    int nerr = 0;
    resolve_module(m, &nerr);
    return nerr;
}
