/* event.h — how a channel's messages are named as CSPm events: NAME for a pure event,
 * NAME.3 for an int, NAME.2.5 for ints, NAME.FIELDS through a format function; a buffered
 * channel's put and take are NAME_in.V and NAME_out.V (docs/runtime.md says why).
 * Used by the trace writer (for value strings) and the deadlock report. */
#ifndef BATON_TRACER_EVENT_H
#define BATON_TRACER_EVENT_H

#include <stddef.h>

#include "tracer/chan.h"

/* Writes msg's dotted fields ("3", "2.5", the format function's text; "" for a pure event or
 * an opaque message) into buf (NUL-terminated, truncated to len).  Returns their length. */
size_t trc_value_text(const baton_chan *c, const void *msg, char *buf, size_t len);

/* Writes the event that op on c with msg would be ("c.3", "c_in.3"; for a receive, which
 * offers every value, just the channel "c" or "c_out") into buf.  msg may be NULL. */
void trc_event_text(const baton_chan *c, int op, const void *msg, char *buf, size_t len);

#endif
