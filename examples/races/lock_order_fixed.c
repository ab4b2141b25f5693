/* lock_order_fixed.c — lock_order.c with one global lock order: transfer() locks the account
 * of lower index first, whichever way the money goes.  No schedule can deadlock: a teller that
 * waits for a lock holds only locks of lower index, so the holder it waits for waits, if at
 * all, for a higher one still; that chain ends at a holder that waits for nothing and will
 * unlock, so no wait-for cycle can form.  The bank's receives are matched by one report per
 * teller, and its audit by the balances the tellers put back. */
#include <baton.h>
#include <stdio.h>
#include <stdlib.h>

enum { ACCOUNTS = 2, TELLERS = 2, TRANSFERS = 5, OPENING = 100 };

static baton_chan *account[ACCOUNTS]; /* holds the balance while nobody has the lock */
static baton_chan *finished;          /* each teller reports here when its work is done */

struct teller { int from, to; int64_t amount; };
static const struct teller tellers[TELLERS] = {{0, 1, 10}, {1, 0, 7}};

static void must(int rc, const char *what)
{
    if (rc < 0) {
        perror(what);
        exit(1);
    }
}

/* Moves amount from one account to another if the source can pay: locks the account with the
 * lower index first, then the other. */
static void transfer(int from, int to, int64_t amount)
{
    int64_t src, dst;
    if (from < to) {
        must(baton_recv_int(account[from], &src), "lock source");
        must(baton_recv_int(account[to], &dst), "lock destination");
    } else {
        must(baton_recv_int(account[to], &dst), "lock destination");
        must(baton_recv_int(account[from], &src), "lock source");
    }
    if (src >= amount) {
        src -= amount;
        dst += amount;
    }
    must(baton_send_int(account[to], dst), "unlock destination");
    must(baton_send_int(account[from], src), "unlock source");
}

static void teller(void *arg)
{
    const struct teller *t = arg;
    for (int i = 0; i < TRANSFERS; i++) transfer(t->from, t->to, t->amount);
    must(baton_send(finished, NULL), "report");
}

static int64_t total = -1; /* the money in the bank at the end: must be what it opened with */

static void bank(void *arg)
{
    (void)arg;
    static const char *names[TELLERS] = {"teller0", "teller1"};
    for (int i = 0; i < ACCOUNTS; i++) must(baton_send_int(account[i], OPENING), "open");
    for (int i = 0; i < TELLERS; i++) must(baton_go(names[i], teller, (void *)&tellers[i]), "go");
    for (int i = 0; i < TELLERS; i++) must(baton_recv(finished, NULL), "wait");
    total = 0;
    for (int i = 0; i < ACCOUNTS; i++) {
        int64_t b;
        must(baton_recv_int(account[i], &b), "audit");
        total += b;
    }
}

int main(void)
{
    account[0] = baton_chan_int("account.a", 1);
    account[1] = baton_chan_int("account.b", 1);
    finished = baton_chan_new("finished", 0, 0);
    int rc = baton_run(bank, NULL);
    for (int i = 0; i < ACCOUNTS; i++) baton_chan_free(account[i]);
    baton_chan_free(finished);
    if (rc == BATON_DEADLOCK) return 1; /* baton_run has said who waits for whom */
    if (rc != 0) {
        perror("lock_order_fixed: baton_run");
        return 1;
    }
    printf("lock_order_fixed: %d transfers, %lld in the bank\n", TELLERS * TRANSFERS,
           (long long)total);
    return total != ACCOUNTS * OPENING;
}
