/* picture_chart.h — a counterexample as a message sequence chart: a lifeline per parallel
 * component, a row per step with a bar joining the components that took part, hidden steps
 * grey and dashed, and the end made explicit (the deadlock with who waits for whom, the
 * refused set, the offending event, the divergence's loop).  Pure: report data in, a
 * reports/graph.h picture out; cli/graph_counterexample.c and `baton check --graphs` draw it.
 *
 * Ownership: the caller frees the gr_graph (gr_free); the assertion is only read. */
#ifndef BATON_REPORTS_PICTURE_CHART_H
#define BATON_REPORTS_PICTURE_CHART_H

#include <stddef.h>

#include "reports/graph.h"
#include "reports/report.h"

/* A chart has at most max_steps rows and max_components lifelines, and at most about 2400
 * cells (rows × lifelines: Graphviz lays that out in about 2 s; 8000 take 40 s), so many
 * lifelines get fewer rows. */
struct rpt_chart_options {
    size_t max_steps;             /* past this many steps the middle ones are elided (0: 200) */
    size_t max_components;        /* past this many lifelines the least involved are left out
                                     (0: 40) */
};

/* The chart of a failed assertion (a->result == RPT_FAIL); NULL when out of memory or when
 * there is nothing to draw (an assertion that did not fail).  o may be NULL: defaults. */
gr_graph *rpt_chart(const struct rpt_assertion *a, const struct rpt_chart_options *o);

#endif
