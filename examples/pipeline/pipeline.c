/* The pipeline Reader -> Parser -> Transformer -> Writer on rendezvous channels: the reader
 * produces records 0, 1, 2, 3, 0, …; the parser passes each on; the transformer doubles it
 * modulo 4; the writer prints the results.  Each stage closes its output when its input is
 * closed and drained, so the run ends when the reader stops.  Spec: pipeline.csp. */
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

static baton_chan *raw, *parsed, *cooked;
static int records = 12;

static void reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < records; i++) baton_send_int(raw, i % 4);
    baton_close(raw);
}

static void parser(void *arg)
{
    (void)arg;
    int64_t v;
    while (baton_recv_int(raw, &v) == 0) baton_send_int(parsed, v);
    baton_close(parsed);
}

static void transformer(void *arg)
{
    (void)arg;
    int64_t v;
    while (baton_recv_int(parsed, &v) == 0) baton_send_int(cooked, (2 * v) % 4);
    baton_close(cooked);
}

static void writer(void *arg)
{
    (void)arg;
    int64_t v, n = 0;
    while (baton_recv_int(cooked, &v) == 0) n++;
    printf("pipeline: wrote %lld records\n", (long long)n);
}

static void pipeline(void *arg)
{
    (void)arg;
    raw = baton_chan_int("raw", 0);
    parsed = baton_chan_int("parsed", 0);
    cooked = baton_chan_int("cooked", 0);
    baton_proc stages[] = {{"reader", reader, NULL}, {"parser", parser, NULL},
                           {"transformer", transformer, NULL}, {"writer", writer, NULL}};
    baton_par(stages, 4);
    baton_chan_free(raw);
    baton_chan_free(parsed);
    baton_chan_free(cooked);
}

int main(int argc, char **argv)
{
    if (argc > 1) records = atoi(argv[1]);
    return baton_run(pipeline, NULL);
}
