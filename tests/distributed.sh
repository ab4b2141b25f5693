#!/bin/sh
# `baton check --distributed` against the one-process check (run by tests/e2e/distributed.t).
#   tests/distributed.sh same NP N...    for each N: tests/e2e/data/distributed.csp with that
#                                        many philosophers, checked by one process and by NP
#                                        ranks (NP 1: without mpirun, as one rank); the same
#                                        verdicts, figures of passing checks and counterexample
#                                        lengths, or the difference and exit 1
#   tests/distributed.sh formats NP      every --format and a --report file through NP ranks
#   tests/distributed.sh limits NP       --max-states and --timeout end every rank, exit 3
#   tests/distributed.sh different NP    ranks that read different scripts end the job, exit 2
# Without mpirun or the MPI plugin (build/baton-mpi.so) an NP > 1 case says SKIPPED and exits
# 0; `make check` prints a banner then too.  $BATON is the baton under test.
set -u
BATON=${BATON:-build/baton}
spec=tests/e2e/data/distributed.csp
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mode=$1
np=$2
shift 2

# The launcher for np ranks, or nothing to run as one process.
launch() {
	[ "$np" -gt 1 ] || return 0
	# As root (a container) Open MPI wants to be told; --oversubscribe: more ranks than cores;
	# a job whose rank 0 exits non-zero (a failing check) is torn down with SIGTERM, and
	# without the sigkill timeout mpirun waits a second before its SIGKILL.
	# Under the sanitizers (make check-sanitize) LeakSanitizer is off in the ranks: Open MPI
	# keeps its tables until exit, and its stacks are too short to suppress by library (the
	# one-rank cases, without libmpi, still check baton's own leaks).
	printf 'env ASAN_OPTIONS=detect_leaks=0%s ' "${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	printf 'timeout 120 mpirun --oversubscribe --mca odls_base_sigkill_timeout 0 %s-np %s' \
		"$([ "$(id -u)" -eq 0 ] && echo '--allow-run-as-root ')" "$np"
}

if [ "$np" -gt 1 ]; then
	if ! command -v mpirun >/dev/null 2>&1; then
		echo "distributed: SKIPPED ($mode, $np ranks): no mpirun here (make deps installs Open MPI)"
		exit 0
	fi
	if [ ! -e "$(dirname "$BATON")/baton-mpi.so" ]; then
		echo "distributed: SKIPPED ($mode, $np ranks): $(dirname "$BATON")/baton-mpi.so was not built"
		exit 0
	fi
fi

# One line per assertion: its line, verdict, and for a pass its states and transitions, for a
# failure what failed and after how many events (the report's time and paths left out).
summary() {
	awk '
	/^[^ ].*:[0-9]+: (PASS|FAIL|LIMIT|ERROR)  / {
		if (line) print line
		split($1, f, ":"); line = f[2] " " $2
		if ($2 == "PASS" && match($0, /\([0-9]+ states, [0-9]+ transitions/))
			line = line " " substr($0, RSTART + 1, RLENGTH - 1)
		next
	}
	line && /^    [a-z]+ after [0-9]+ event/ { line = line " " $1 " after " $3; next }
	END { if (line) print line }'
}

case "$mode" in
same)
	status=0
	for n in "$@"; do
		sed "s/^N = .*/N = $n/" $spec > "$tmp/phil$n.csp"
		"$BATON" check "$tmp/phil$n.csp" > "$tmp/one.out" 2>&1
		one=$?
		$(launch) "$BATON" check --distributed "$tmp/phil$n.csp" > "$tmp/many.out" 2> "$tmp/many.err"
		many=$?
		summary < "$tmp/one.out" > "$tmp/one.sum"
		summary < "$tmp/many.out" > "$tmp/many.sum"
		if [ $one -ne $many ] || ! cmp -s "$tmp/one.sum" "$tmp/many.sum" || [ ! -s "$tmp/one.sum" ]; then
			echo "N=$n, $np ranks: DIFFER from one process (exit $one and $many)"
			diff "$tmp/one.sum" "$tmp/many.sum"
			cat "$tmp/many.err"
			status=1
		else
			echo "N=$n, $np ranks: the same as one process: $(wc -l < "$tmp/one.sum") assertions, exit $one"
		fi
	done
	exit $status
	;;
formats)
	# One run (a failing mpirun costs a second to tear down) writes every format: text on
	# standard output, the others as --report files, only by rank 0.
	sed "s/^N = .*/N = 4/" $spec > "$tmp/phil.csp"
	reports() {
		for f in json junit sarif github html; do printf ' --report %s:%s/%s.%s' $f "$tmp" "$1" $f; done
	}
	"$BATON" check $(reports one) "$tmp/phil.csp" > "$tmp/one.text" 2>/dev/null
	$(launch) "$BATON" check --distributed $(reports many) "$tmp/phil.csp" > "$tmp/many.text" 2> "$tmp/err"
	s=$?
	status=0
	for f in text json junit sarif github html; do
		# The same report but for times and the (equally short) counterexamples chosen.
		a=$(grep -c -i 'fail' "$tmp/many.$f" 2>/dev/null)
		b=$(grep -c -i 'fail' "$tmp/one.$f")
		if [ $s -ne 1 ] || [ "$a" != "$b" ]; then
			echo "--format $f, $np ranks: DIFFER (exit $s, $a and $b lines naming failures)"
			cat "$tmp/err"
			status=1
		else
			echo "--format $f, $np ranks: a whole report, as one process writes it"
		fi
	done
	python3 -m json.tool "$tmp/many.json" >/dev/null || { echo "json: DIFFER: not JSON"; status=1; }
	exit $status
	;;
limits)
	sed "s/^N = .*/N = 6/" $spec > "$tmp/phil.csp"
	$(launch) "$BATON" check --distributed --max-states 5000 --assert 'SEATED :[deadlock free]' \
		"$tmp/phil.csp" > "$tmp/out" 2>&1
	s=$?
	grep -q "stopped at the states limit (5000)" "$tmp/out" && [ $s -eq 3 ] &&
		echo "--max-states, $np ranks: every rank stopped, exit 3" ||
		{ echo "--max-states, $np ranks: DIFFER (exit $s)"; cat "$tmp/out"; exit 1; }
	$(launch) "$BATON" check --distributed --timeout 0.001 --assert 'SEATED :[deadlock free]' \
		"$tmp/phil.csp" > "$tmp/out" 2>&1
	s=$?
	grep -q "stopped at the time limit" "$tmp/out" && [ $s -eq 3 ] &&
		echo "--timeout, $np ranks: every rank stopped, exit 3" ||
		{ echo "--timeout, $np ranks: DIFFER (exit $s)"; cat "$tmp/out"; exit 1; }
	;;
different)
	# Every rank must read the same script: here each reads its own (N = 4 on rank 0, 5 on
	# the others), which every rank notices before searching; the job ends with exit 2.
	sed "s/^N = .*/N = 4/" $spec > "$tmp/d0.csp"
	for r in $(seq 1 $((np - 1))); do sed "s/^N = .*/N = 5/" $spec > "$tmp/d$r.csp"; done
	$(launch) sh -c 'exec "$0" check --distributed "$1/d${OMPI_COMM_WORLD_RANK:-0}.csp"' \
		"$BATON" "$tmp" > "$tmp/out" 2>&1
	s=$?
	grep -q "the ranks compiled different processes for the assertion at line 23" "$tmp/out" &&
		[ $s -eq 2 ] && echo "different scripts, $np ranks: found, exit 2" ||
		{ echo "different scripts, $np ranks: DIFFER (exit $s)"; cat "$tmp/out"; exit 1; }
	;;
*)
	echo "usage: tests/distributed.sh same|formats|limits|different NP [N...]" >&2
	exit 2
	;;
esac
