#!/bin/sh
# Speed-up with the number of threads, for every kind of check that runs on several cores:
# the dining philosophers with a butler ($SHARED/peers/phil_butler.csp, N = $BENCH_THREADS_N,
# 8 by default: 6.3 M states) checked for deadlock [F], and with the forks' moves hidden (a
# process full of taus) for divergence freedom, deadlock freedom [FD] and FD refinement of
# CHAOS; T and F refinement of the plain system against RUN and CHAOS; determinism [FD] of
# the system with `thinks` hidden (deterministic: a normal form as large as the system, which
# is the whole check — see docs/checking.md); and F and R refinement against that normal form
# (its states and nodes, and for R its steps after refusals, made on every thread, then the
# parallel search).
# Each at 1 ... nproc threads; seconds, peak memory, and the speed-up over one thread, from
# one run.  The one-thread figure is the parallel search on one thread, not the older
# one-core search.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
bench_peer "$shared/peers/phil_butler.csp" || exit 0
baton=$build/baton
n=${BENCH_THREADS_N:-8}
cores=$(nproc 2>/dev/null || echo 2)

spec=$out/threads_phil.csp
sed "s/^N = .*/N = $n/; /^assert /d" "$shared/peers/phil_butler.csp" >"$spec"
cat >>"$spec" <<'EOF'
HIDDEN = SEATED \ {|picks, putsdown|}
QUIET = SEATED \ {|thinks|}
EOF

field() { sed -n "s/.*\"$2\": \([0-9.e+-]*\).*/\1/p" "$1" | head -1; }

echo "  philosophers with a butler, N=$n; threads 1 ... $cores"
for check in "SEATED :[deadlock free [F]]" "HIDDEN :[divergence free]" "HIDDEN :[deadlock free [FD]]" \
	"RUN(Events) [T= SEATED" "CHAOS(Events) [F= SEATED" "CHAOS(Events) [FD= HIDDEN" \
	"QUIET :[deterministic [FD]]" "QUIET [F= QUIET" "QUIET [R= QUIET"; do
	f=$out/threads_check.csp
	{ cat "$spec"; echo "assert $check"; } >"$f"
	line="  $(printf '%-30s' "$check")"
	t=1
	one=
	while [ "$t" -le "$cores" ]; do
		/usr/bin/time -f "%M" -o "$out/threads_time.txt" "$baton" check --threads $t --format json "$f" \
			>"$out/threads.json" || true
		secs=$(field "$out/threads.json" seconds)
		states=$(field "$out/threads.json" states)
		kb=$(peak_kb "$out/threads_time.txt")
		[ -n "$one" ] || one=$secs
		line="$line  $t: $(printf '%.2f' "$secs") s $(awk -v k="$kb" 'BEGIN { printf "%.0f", k / 1024 }') MB x$(ratio "$one" "$secs")"
		t=$((t + 1))
	done
	echo "$line  ($states states)"
done
