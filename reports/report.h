/* report.h — the results of a `baton check` run as plain data, and the writers that turn
 * them into text for people and JSON for programs.  Events and process states are already
 * strings here: reports/ never looks inside the checker.
 *
 * Ownership: a rpt_file owns everything hung from it (rpt_file_free). */
#ifndef BATON_REPORTS_REPORT_H
#define BATON_REPORTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum rpt_result { RPT_PASS, RPT_FAIL, RPT_ERROR, RPT_LIMIT };

/* A list of owned strings. */
struct rpt_strings {
    char **v;
    size_t n, cap;
};

/* One parallel component at the point of failure (FDR's debugger table). */
struct rpt_component {
    char *name;                   /* how the spec names it ("PHIL(0)"), or its initial state */
    char *where;                  /* "file:line" of the definition that names it, or NULL */
    char *state;                  /* its state: a name when one fits, else a process term */
    struct rpt_strings last;      /* its own last events, oldest first (hidden ones too) */
    struct rpt_strings offers;    /* the events it could perform at the end, in its own terms
                                     (before hiding and renaming): at a deadlock, what it
                                     waits for */
    size_t *blocked_by;           /* the components that stop those events (their indices in
                                     the assertion's components), each once */
    size_t nblocked_by;
};

/* One step of a counterexample, for charts: the event and who performed it. */
struct rpt_step {
    char *event;                  /* the system's event; for a hidden one, the event the
                                     components performed ("τ" for a component's own move) */
    bool hidden;                  /* the system saw tau: hidden, linked or internal */
    size_t *who;                  /* the components that took part (indices), ascending */
    size_t nwho;
};

/* A refusal seen before an event of a refusal trace (refinement in R). */
struct rpt_refusal {
    bool seen;                    /* false: no refusal seen there (•, an unstable state) */
    struct rpt_strings events;
};

struct rpt_assertion {
    char *text;                   /* the assertion as written */
    int line;                     /* 0 for an assertion given on the command line */
    int col;
    const char *check;            /* what is checked (static): deadlock-free, divergence-free,
                                     deterministic, traces-refinement, failures-refinement,
                                     fd-refinement, refusal-testing-refinement,
                                     revivals-refinement, has-trace; NULL when not known */
    enum rpt_result result;
    char *kind;                   /* deadlock, divergence, trace, refusal, nondeterminism,
                                     revival (refusing `refusal`, then `event`) */
    struct rpt_strings trace;     /* events before the violation */
    char *event;                  /* the offending event, if any */
    bool event_missing;           /* has trace: the process cannot perform it (no spec) */
    struct rpt_strings refusal;   /* events the implementation refused, if any */
    struct rpt_refusal *refusals; /* refinement in R: before each event of trace, the refusal
                                     seen; none in the other checks */
    size_t nrefusals;
    struct rpt_component *components;
    size_t ncomponents;
    struct rpt_step *steps;       /* every step to the violation, hidden ones included; for a
                                     trace failure the offending event is the last step */
    size_t nsteps;
    bool offending_step;          /* the last step is the offending event (trace refinement) */
    bool has_loop;                /* divergence: steps[loop ..] repeat forever */
    size_t loop;
    uint64_t states, transitions;
    double seconds;
    char *message;                /* for errors and limits; a note otherwise */
};

struct rpt_file {
    char *file;
    struct rpt_assertion *a;
    size_t n, cap;
    size_t not_checked;           /* assertions left out when the run was interrupted */
};

/* Appends a copy of s; 0 or -1 when out of memory. */
int rpt_push(struct rpt_strings *l, const char *s);
/* A new zeroed assertion at the end of f, or NULL. */
struct rpt_assertion *rpt_add(struct rpt_file *f);
void rpt_file_free(struct rpt_file *f);
/* Frees and clears a's counterexample (kind, trace, event, refusal, components, steps). */
void rpt_forget_counterexample(struct rpt_assertion *a);
/* A new refusal at the end of a's refusal trace, or NULL. */
struct rpt_refusal *rpt_refusal_add(struct rpt_assertion *a);
/* A refusal as text: "{b, c}", or "•" when none was seen (malloc'd; NULL when out of
 * memory). */
char *rpt_refusal_text(const struct rpt_refusal *r);

/* A new zeroed step at the end of a's steps, or NULL. */
struct rpt_step *rpt_step_add(struct rpt_assertion *a);

/* Counts of results. */
void rpt_counts(const struct rpt_file *f, size_t *pass, size_t *fail, size_t *error, size_t *limit);

/* A line per assertion, then the counterexample of each failure, then a summary. */
void rpt_text(FILE *out, const struct rpt_file *f);
/* The same in two parts, so each assertion can be printed as it finishes. */
void rpt_text_assertion(FILE *out, const struct rpt_file *f, const struct rpt_assertion *a);
void rpt_text_summary(FILE *out, const struct rpt_file *f);
/* One JSON document: {"file": …, "assertions": [...]}.  0, or -1 when out of memory. */
int rpt_json(FILE *out, const struct rpt_file *f);

/* ---- recorded runs checked against a specification (baton check --trace) ---- */

/* A process blocked forever at the end of a deadlocked run. */
struct rpt_blocked {
    char *process;                /* its name in the program ("philosopher0") */
    char *waits;                  /* what it waits for ("waits to send picks.0.1") */
    char *file;                   /* where in the source it blocked, or NULL */
    unsigned line;
    char *last;                   /* its last communication, or NULL */
    bool in_cycle;                /* on the wait-for cycle */
};

struct rpt_trace_check {
    char *trace_file;
    char *process;                /* the specification process; NULL for a run of `program`
                                     judged on its own (baton run without --spec) */
    char *program;                /* the program that made the trace, when known */
    enum rpt_result result;
    char *kind;                   /* trace, deadlock, livelock */
    uint64_t index;               /* 1-based position of the offending event in the trace */
    char *event;                  /* the offending event */
    struct rpt_strings trace;     /* events before it (all, or the last few: see `elided`) */
    uint64_t elided;              /* events before `trace` that were not kept */
    struct rpt_strings allowed;   /* what the specification allowed there */
    char *detail;                 /* who and when (binary traces), blocked processes… */
    char *message;                /* errors, limits, notes such as a truncated file */
    uint64_t events;              /* events read */
    double seconds;
    struct rpt_blocked *blocked;  /* at a deadlock, when the trace says who and where */
    size_t nblocked;
};

struct rpt_traces {
    char *file;                   /* the specification */
    struct rpt_trace_check *c;
    size_t n, cap;
};

struct rpt_trace_check *rpt_trace_add(struct rpt_traces *t);
/* A new zeroed blocked process at the end of c's, or NULL. */
struct rpt_blocked *rpt_blocked_add(struct rpt_trace_check *c);
/* Empties a check's verdict and counterexample (not its file and process names). */
void rpt_trace_forget(struct rpt_trace_check *c);
void rpt_traces_free(struct rpt_traces *t);
void rpt_traces_text(FILE *out, const struct rpt_traces *t);
int rpt_traces_json(FILE *out, const struct rpt_traces *t);

/* ---- CI formats ---- */

/* JUnit XML (junit.c): a <testsuite> for the file, a <testcase> per assertion (named as
 * written) or trace check; <failure> with the text counterexample, <error> for errors and
 * limits.  0, or -1 when out of memory or the write failed. */
int rpt_junit(FILE *out, const struct rpt_file *f);
int rpt_junit_traces(FILE *out, const struct rpt_traces *t);

/* SARIF 2.1.0 (sarif.c): a rule per kind of check, a result per failing check (and per error
 * or limit) at the assertion's file:line:col, the counterexample as a codeFlow.  0 or -1. */
int rpt_sarif(FILE *out, const struct rpt_file *f);
int rpt_sarif_traces(FILE *out, const struct rpt_traces *t);

/* GitHub Actions workflow commands (github.c): ::error per failing check, ::warning per
 * limit, ::notice per pass when `notices`, then the summary line.  0 or -1. */
int rpt_github(FILE *out, const struct rpt_file *f, bool notices);
int rpt_github_traces(FILE *out, const struct rpt_traces *t, bool notices);

/* A check's verdict in one line (headline.c), malloc'd; NULL when out of memory. */
char *rpt_headline(const struct rpt_assertion *a);
char *rpt_trace_headline(const struct rpt_trace_check *c);
/* "trace RUN against PROCESS", or "run of PROGRAM"; malloc'd or NULL. */
char *rpt_trace_name(const struct rpt_trace_check *c);
/* Where to point at a run's failure: the first blocked process on the wait-for cycle with a
 * source location, else the first with one; NULL when none has. */
const struct rpt_blocked *rpt_blocked_site(const struct rpt_trace_check *c);

#endif
