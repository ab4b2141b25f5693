#!/bin/sh
# Schedule exploration (docs/exploring.md) on the bugs of examples/races: for each bug, the
# runs that `random` and `pct` need to find it — the first failing run from --seed 1, and the
# mean over BENCH_EXPLORE_RUNS schedules (runs / failing runs) — and, on its fixed version,
# runs per second with the fork server (and with an exec per run, for comparison).  Goals:
# every bug found by pct within 1000 runs; >= 1000 runs/s on two cores.  Then what a scheduling
# point costs in the ping-pong under each strategy.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
runs=${BENCH_EXPLORE_RUNS:-1000}
make -s --no-print-directory BUILD="$build" races >/dev/null
races=$build/races
# first FAILING-OUTPUT: "first/mean" from explore's summary.
first_mean() {
	awk -v runs="$runs" '
		/found by run/ { for (i = 1; i <= NF; i++) if ($i == "run") { first = $(i + 1); break } }
		/runs made failed/ { for (i = 1; i <= NF; i++) if ($i == "of" && $(i + 1) == "the") { f = $(i - 1) } }
		END { if (first == "" || f == 0) printf "none in %s\n", runs; else printf "%s / %.1f\n", first, runs / f }'
}
rate() { sed -n 's/.* \([0-9][0-9]*\) runs\/s.*/\1/p'; }
printf "  %-14s %22s %22s %10s %10s\n" bug "random: first / mean" "pct: first / mean" "runs/s" "exec runs/s"
for fixed in examples/races/*_fixed.c; do
	name=$(basename "$fixed" _fixed.c)
	prog=$races/$name
	r=$("$build/baton" explore --runs "$runs" --keep-going --shrink 0 --strategy random -- "$prog" 2>/dev/null | first_mean)
	p=$("$build/baton" explore --runs "$runs" --keep-going --shrink 0 --strategy pct -- "$prog" 2>/dev/null | first_mean)
	fast=$("$build/baton" explore --runs "$runs" -- "${prog}_fixed" 2>/dev/null | rate)
	slow=$("$build/baton" explore --runs 200 --no-fork-server -- "${prog}_fixed" 2>/dev/null | rate)
	printf "  %-14s %22s %22s %10s %10s\n" "$name" "$r" "$p" "${fast:-FAILED}" "${slow:-FAILED}"
done
# What a scheduling point costs: the untraced ping-pong (bench/pingpong.c) under each
# strategy, best of 3.  fifo is the runtime's default path (one branch per channel operation
# more than before BATON_SCHED existed: 58.9 against 58.5 ns measured A/B at its commit).
bench_cc pingpong
best() { b=""; for i in 1 2 3; do v=$(env "$@" "$out/pingpong" 1000000); b=$(awk -v a="$b" -v v="$v" 'BEGIN { print (a == "" || v < a) ? v : a }'); done; echo "$b"; }
fifo=$(best BATON_SCHED=fifo)
rnd=$(best BATON_SCHED=random)
pct=$(best BATON_SCHED=pct)
printf "  ping-pong round trip: fifo %s ns, random %s ns (%s x), pct %s ns (%s x)\n" \
	"$fifo" "$rnd" "$(ratio "$rnd" "$fifo")" "$pct" "$(ratio "$pct" "$fifo")"
