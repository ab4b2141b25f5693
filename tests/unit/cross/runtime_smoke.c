/* runtime_smoke.c — a self-contained test of libbaton for machines where the Check suites
 * cannot run: `make check-aarch64` cross-builds it with libbaton for AArch64 and runs it under
 * qemu-user.  It checks what a new context switch can get wrong: callee-saved integer and
 * floating-point registers kept across switches, first entry into a process, rendezvous,
 * alt, sleep, par, a long daisy chain and the deadlock report.  Exit 0 when all hold. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baton.h"

static int failures, checks;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);              \
        }                                                                                          \
    } while (0)

/* ---- registers across switches --------------------------------------------------------------- */

/* Twelve integers and eight doubles live across every yield: the compiler keeps them in
 * callee-saved registers, which the switch must save and restore.  With yields off it gives
 * the reference result. */
static uint64_t churn(uint64_t seed, int rounds, int yields)
{
    uint64_t a = seed, b = seed ^ 0x9e37, c = seed * 3, d = seed + 7, e = ~seed, f = seed << 3;
    uint64_t g = seed >> 1, h = seed | 5, i = seed * 11, j = seed ^ 0xabcdef, k = seed + 99,
             l = seed * 17;
    double fa = (double)seed, fb = 1.5, fc = 2.25, fd = -3.0, fe = 0.125, ff = 7.0, fg = 9.5,
           fh = 0.75;
    for (int r = 0; r < rounds; r++) {
        if (yields) baton_yield();
        a = a * 6364136223846793005ULL + b;
        b ^= a >> 7;
        c += b * 3;
        d = (d << 5) ^ c;
        e -= d;
        f ^= e * 5;
        g += f;
        h = (h >> 3) ^ g;
        i *= h | 1;
        j += i;
        k ^= j << 1;
        l += k;
        fa = fa * 0.5 + fb;
        fb = fb * 0.75 + fc;
        fc = fc * 0.25 + fd;
        fd = fd * 0.125 + fe;
        fe = fe * 0.5 + ff;
        ff = ff * 0.25 + fg;
        fg = fg * 0.5 + fh;
        fh = fh * 0.75 + (double)(l & 0xff);
    }
    double fs = fa + fb + fc + fd + fe + ff + fg + fh;
    uint64_t bits;
    memcpy(&bits, &fs, sizeof bits);
    return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ i ^ j ^ k ^ l ^ bits;
}

struct churn_job { uint64_t seed, got; };

static void churner(void *arg)
{
    struct churn_job *job = arg;
    job->got = churn(job->seed, 2000, 1);
}

static void registers_main(void *arg)
{
    struct churn_job *jobs = arg;
    baton_proc procs[4];
    for (int n = 0; n < 4; n++) procs[n] = (baton_proc){"churn", churner, &jobs[n]};
    CHECK(baton_par(procs, 4) == 0);
}

static void registers_survive_switches(void)
{
    struct churn_job jobs[4];
    for (int n = 0; n < 4; n++) jobs[n] = (struct churn_job){.seed = 1000u + (uint64_t)n * 77};
    CHECK(baton_run(registers_main, jobs) == 0);
    for (int n = 0; n < 4; n++) CHECK(jobs[n].got == churn(jobs[n].seed, 2000, 0));
}

#if defined(__aarch64__)
#include "tracer/ctx.h"

/* Puts base + 0..9 into x19-x28 and the bits of base + 10..17 into d8-d15, calls
 * trc_ctx_swap(from, to) itself (no C frame in between could save them instead), and once
 * switched back stores what those registers hold: every callee-saved register AAPCS64
 * names, checked one by one. */
static void swap_with_regs(struct trc_ctx *from, struct trc_ctx *to, uint64_t base, uint64_t out[18])
{
    register struct trc_ctx *f __asm__("x0") = from;
    register struct trc_ctx *t __asm__("x1") = to;
    register uint64_t b __asm__("x2") = base;
    register uint64_t *o __asm__("x3") = out;
    __asm__ volatile("stp x2, x3, [sp, #-16]!\n\t"
                     "mov x19, x2\n\t"
                     "add x20, x2, #1\n\t"
                     "add x21, x2, #2\n\t"
                     "add x22, x2, #3\n\t"
                     "add x23, x2, #4\n\t"
                     "add x24, x2, #5\n\t"
                     "add x25, x2, #6\n\t"
                     "add x26, x2, #7\n\t"
                     "add x27, x2, #8\n\t"
                     "add x28, x2, #9\n\t"
                     "add x9, x2, #10\n\t"
                     "fmov d8, x9\n\t"
                     "add x9, x2, #11\n\t"
                     "fmov d9, x9\n\t"
                     "add x9, x2, #12\n\t"
                     "fmov d10, x9\n\t"
                     "add x9, x2, #13\n\t"
                     "fmov d11, x9\n\t"
                     "add x9, x2, #14\n\t"
                     "fmov d12, x9\n\t"
                     "add x9, x2, #15\n\t"
                     "fmov d13, x9\n\t"
                     "add x9, x2, #16\n\t"
                     "fmov d14, x9\n\t"
                     "add x9, x2, #17\n\t"
                     "fmov d15, x9\n\t"
                     "bl trc_ctx_swap\n\t"
                     "ldp x2, x3, [sp], #16\n\t"
                     "stp x19, x20, [x3, #0]\n\t"
                     "stp x21, x22, [x3, #16]\n\t"
                     "stp x23, x24, [x3, #32]\n\t"
                     "stp x25, x26, [x3, #48]\n\t"
                     "stp x27, x28, [x3, #64]\n\t"
                     "stp d8, d9, [x3, #80]\n\t"
                     "stp d10, d11, [x3, #96]\n\t"
                     "stp d12, d13, [x3, #112]\n\t"
                     "stp d14, d15, [x3, #128]"
                     : "+r"(f), "+r"(t), "+r"(b), "+r"(o)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
                       "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25",
                       "x26", "x27", "x28", "x30", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
                       "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18",
                       "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29",
                       "v30", "v31", "cc", "memory");
}

enum { SWAP_ROUNDS = 100 };
static struct trc_ctx here, there;

static int regs_hold(const uint64_t out[18], uint64_t base)
{
    for (int r = 0; r < 18; r++)
        if (out[r] != base + (uint64_t)r) return 0;
    return 1;
}

/* The other side: its own values in the same registers, switched back and forth. */
static void there_entry(void)
{
    uint64_t out[18];
    for (uint64_t round = 0;; round++) {
        swap_with_regs(&there, &here, 0x7000000 + round * 1000, out);
        CHECK(regs_hold(out, 0x7000000 + round * 1000));
    }
}

static void each_register_survives(void)
{
    enum { STACK = 64 << 10 };
    void *stack = malloc(STACK);
    uint64_t out[18];
    trc_ctx_init(&there, stack, STACK, there_entry);
    for (uint64_t round = 0; round < SWAP_ROUNDS; round++) {
        swap_with_regs(&here, &there, 0x1000000 + round * 1000, out);
        CHECK(regs_hold(out, 0x1000000 + round * 1000));
    }
    free(stack); /* `there` is left switched out, never to run again */
}
#else
static void each_register_survives(void) {}
#endif

/* ---- channels -------------------------------------------------------------------------------- */

static baton_chan *ping, *pong;

static void ponger(void *arg)
{
    (void)arg;
    int64_t v;
    while (baton_recv_int(ping, &v) == 0) baton_send_int(pong, v + 1);
}

static void pingpong_main(void *arg)
{
    int64_t *sum = arg, v;
    baton_go("ponger", ponger, NULL);
    for (int64_t n = 0; n < 10000; n++) {
        baton_send_int(ping, n);
        baton_recv_int(pong, &v);
        *sum += v;
    }
    baton_close(ping);
}

static void rendezvous_round_trips(void)
{
    int64_t sum = 0;
    ping = baton_chan_int("ping", 0);
    pong = baton_chan_int("pong", 0);
    CHECK(baton_run(pingpong_main, &sum) == 0);
    CHECK(sum == 10000LL * 9999 / 2 + 10000);
    baton_chan_free(ping);
    baton_chan_free(pong);
}

struct link { baton_chan *left, *right; };

static void whisper(void *arg)
{
    struct link *l = arg;
    int64_t v;
    baton_recv_int(l->right, &v);
    baton_send_int(l->left, v + 1);
}

static void feed(void *arg) { baton_send_int(arg, 1); }

static void daisy_main(void *arg)
{
    int64_t *out = arg;
    enum { N = 20000 };
    static struct link links[N];
    baton_chan *leftmost = baton_chan_int("chain", 0), *left = leftmost, *right = leftmost;
    for (int n = 0; n < N; n++) {
        right = baton_chan_int("chain", 0);
        links[n] = (struct link){left, right};
        CHECK(baton_go("whisper", whisper, &links[n]) == 0);
        left = right;
    }
    baton_go("feed", feed, right);
    baton_recv_int(leftmost, out);
    CHECK(*out == N + 1);
}

static void daisy_chain(void)
{
    int64_t out = 0;
    CHECK(baton_run(daisy_main, &out) == 0);
    CHECK(out == 20001);
}

static void sleeper(void *arg)
{
    baton_sleep(1000000);
    baton_send_int(arg, 42);
}

static void alt_main(void *arg)
{
    (void)arg;
    baton_chan *a = baton_chan_int("a", 0), *b = baton_chan_int("b", 0);
    int64_t va = 0, vb = 0;
    baton_go("sleeper", sleeper, b);
    baton_case cases[2] = {{a, BATON_RECV, &va, true, 0}, {b, BATON_RECV, &vb, true, 0}};
    CHECK(baton_alt(cases, 2, 0) == -1); /* nothing ready: a poll fails */
    CHECK(baton_alt(cases, 2, -1) == 1);
    CHECK(vb == 42);
    baton_chan_free(a);
    baton_chan_free(b);
}

static void alt_and_sleep(void)
{
    CHECK(baton_run(alt_main, NULL) == 0);
}

static baton_chan *never;

static void stuck(void *arg)
{
    (void)arg;
    int64_t v;
    baton_recv_int(never, &v);
}

static void deadlock_main(void *arg)
{
    (void)arg;
    baton_go("stuck", stuck, NULL);
}

static void deadlock_is_reported(void)
{
    never = baton_chan_int("never", 0);
    fprintf(stderr, "(a deadlock report follows, as expected)\n");
    CHECK(baton_run(deadlock_main, NULL) == BATON_DEADLOCK);
    baton_chan_free(never);
}

int main(void)
{
    each_register_survives();
    registers_survive_switches();
    rendezvous_round_trips();
    daisy_chain();
    alt_and_sleep();
    deadlock_is_reported();
    printf("runtime smoke test: %d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
