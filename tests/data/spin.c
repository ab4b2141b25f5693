/* Three visible events on `out`, then two processes pass a token on `mid` forever: a
 * livelock once `mid` is hidden.  tests/e2e/replay.t stops it with `baton run --timeout`. */
#include <baton.h>
static baton_chan *out, *mid;
static void a(void *x) { (void)x; for (int64_t i = 0;; i++) baton_send_int(mid, i % 2); }
static void b(void *x) { (void)x; int64_t v; for (;;) baton_recv_int(mid, &v); }
static void sink(void *x) { (void)x; int64_t v; for (int i = 0; i < 3; i++) baton_recv_int(out, &v);
  baton_go("a", a, NULL); baton_go("b", b, NULL); }
static void top(void *x) { (void)x; baton_go("sink", sink, NULL); for (int i = 0; i < 3; i++) baton_send_int(out, i); }
int main(void) { out = baton_chan_int("out", 0); mid = baton_chan_int("mid", 0); return baton_run(top, NULL); }
