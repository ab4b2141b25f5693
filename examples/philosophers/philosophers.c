/* The symmetric dining philosophers: five philosophers, five forks, every philosopher picks
 * up the left fork, then the right.  Each philosopher thinks (yields) while holding the left
 * fork, so with the scheduler's round robin all five hold their left forks and wait for the
 * right ones: the run deadlocks, and baton_run says who waits for whom.  The events are
 * picks.i.j and putsdown.i.j (philosopher i, fork j).  Spec: philosophers.csp. */
#include <baton.h>
#include <stdio.h>

enum { N = 5, MEALS = 3 };

static baton_chan *picks[N][N], *putsdown[N][N];
static char names[2 * N][32];  /* process names must outlive their processes */

static void philosopher(void *arg)
{
    int i = (int)(intptr_t)arg, right = (i + 1) % N;
    for (int meal = 0; meal < MEALS; meal++) {
        baton_send(picks[i][i], NULL);
        baton_yield();  /* thinking with one fork in hand */
        baton_send(picks[i][right], NULL);
        baton_send(putsdown[i][right], NULL);
        baton_send(putsdown[i][i], NULL);
    }
}

static void fork_(void *arg)
{
    int j = (int)(intptr_t)arg, left = (j + N - 1) % N;
    for (;;) {
        baton_case cases[2] = {{picks[j][j], BATON_RECV, NULL, true, 0},
                               {picks[left][j], BATON_RECV, NULL, true, 0}};
        int k = baton_alt(cases, 2, -1);
        if (k < 0) return;
        int who = k == 0 ? j : left;
        baton_recv(putsdown[who][j], NULL);
    }
}

static void table(void *arg)
{
    (void)arg;
    char name[32];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            snprintf(name, sizeof name, "picks.%d.%d", i, j);
            picks[i][j] = baton_chan_new(name, 0, 0);
            snprintf(name, sizeof name, "putsdown.%d.%d", i, j);
            putsdown[i][j] = baton_chan_new(name, 0, 0);
        }
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "fork%d", i);
        baton_go(names[i], fork_, (void *)(intptr_t)i);
    }
    for (int i = 0; i < N; i++) {
        snprintf(names[N + i], sizeof names[N + i], "philosopher%d", i);
        baton_go(names[N + i], philosopher, (void *)(intptr_t)i);
    }
}

int main(void)
{
    int r = baton_run(table, NULL);
    printf("philosophers: baton_run returned %d (%s)\n", r, r ? "deadlock" : "everyone ate");
    return r;
}
