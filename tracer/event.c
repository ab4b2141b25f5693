/* event.c — naming messages as CSPm events (see event.h). */
#include "tracer/event.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tracer/trace_format.h"

size_t trc_value_text(const baton_chan *c, const void *msg, char *buf, size_t len)
{
    if (len == 0) return 0;
    buf[0] = '\0';
    if (!msg) return 0;
    size_t n = 0;
    switch (c->vkind) {
    case TRC_V_INT: {
        int64_t v;
        memcpy(&v, msg, sizeof v);
        n = (size_t)snprintf(buf, len, "%" PRId64, v);
        break;
    }
    case TRC_V_INTS:
        for (uint32_t i = 0; i < c->fields && n < len; i++) {
            int64_t v;
            memcpy(&v, (const char *)msg + i * sizeof v, sizeof v);
            n += (size_t)snprintf(buf + n, len - n, i ? ".%" PRId64 : "%" PRId64, v);
        }
        break;
    case TRC_V_FMT: {
        int r = c->fmt(msg, buf, len);
        n = r < 0 ? 0 : (size_t)r;
        break;
    }
    default:
        return 0;
    }
    if (n >= len) n = len - 1;
    buf[n] = '\0';
    return n;
}

void trc_event_text(const baton_chan *c, int op, const void *msg, char *buf, size_t len)
{
    char value[256] = "";
    if (op == BATON_SEND) trc_value_text(c, msg, value, sizeof value);
    const char *suffix = c->cap == 0 ? "" : op == BATON_SEND ? "_in" : "_out";
    snprintf(buf, len, "%s%s%s%s", c->name, suffix, value[0] ? "." : "", value);
}
