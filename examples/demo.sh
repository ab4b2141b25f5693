#!/bin/sh
# make demo: baton's main job end to end.  Two programs on libbaton with their
# specifications — the pipeline Reader -> Parser -> Transformer -> Writer (conforms) and the
# symmetric dining philosophers (deadlock) — and two in Python (examples/python: the pipeline
# with back-pressure, and workers, a deadlocking design with its fix) are built, run under
# `baton run` with tracing on, their specs' assertions checked, and their traces checked
# against the specs; the pictures (networks, state machine, counterexample chart, wait-for graph) and the reports a
# CI job would keep (HTML, JUnit, SARIF, a Chrome timeline) are written under build/demo.
set -u
baton=${1:-build/baton}
build=${2:-build}
out=$build/demo
pics=$out/pictures reps=$out/reports
mkdir -p "$out" "$pics/pipeline" "$pics/philosophers" "$reps"
cc=${CC:-cc}
"$baton" --version
fails=0
step() {  # step EXPECTED-EXIT DESCRIPTION COMMAND…: runs it, says whether it went as intended
	want=$1 what=$2
	shift 2
	echo
	echo "== $what"
	"$@"
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "-> as intended (exit $got)"
	else
		echo "-> NOT as intended: exit $got, expected $want"
		fails=$((fails + 1))
	fi
}
for e in pipeline philosophers; do
	$cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude "examples/$e/$e.c" "$build/libbaton.a" -lpthread \
		-o "$out/$e" || exit 1
done

step 0 "pipeline.csp: the specification's assertions hold" \
	"$baton" check examples/pipeline/pipeline.csp --report html:"$reps/pipeline.html"
step 0 "the pipeline program runs, and its trace follows PIPELINE" \
	"$baton" run --trace "$out/pipeline.btr" --graphs "$out/pictures/pipeline" --spec examples/pipeline/pipeline.csp \
	--process PIPELINE -- "$out/pipeline" 12
step 1 "philosophers.csp: SYSTEM deadlocks (fails as intended), DESIGN with a butler does not" \
	"$baton" check examples/philosophers/philosophers.csp --graphs "$pics/philosophers" \
	--report html:"$reps/philosophers.html" --report junit:"$reps/philosophers.xml" \
	--report sarif:"$reps/philosophers.sarif"
# baton_run returns 1 (BATON_DEADLOCK) and the program exits with it; the trace conforms to
# SYSTEM, which predicts exactly this deadlock.
step 1 "the philosophers program deadlocks; its trace and its deadlock are SYSTEM's" \
	"$baton" run --trace "$out/philosophers.btr" --graphs "$out/pictures/philosophers" --spec examples/philosophers/philosophers.csp \
	--process SYSTEM -- "$out/philosophers"
step 1 "the same trace against the butler design: the fifth pick-up is where they part" \
	"$baton" check examples/philosophers/philosophers.csp --trace "$out/philosophers.btr" \
	--process DESIGN

step 0 "pictures of the specifications: process networks and a state machine" sh -c '
	"$1" graph network examples/philosophers/philosophers.csp SYSTEM -o "$2/philosophers/spec-network.svg" &&
	"$1" graph network examples/philosophers/philosophers.csp DESIGN -o "$2/philosophers/design-network.svg" &&
	"$1" graph lts examples/philosophers/philosophers.csp "FORK(0)" -o "$2/philosophers/fork-lts.svg" &&
	"$1" graph network examples/pipeline/pipeline.csp OUTSIDE -o "$2/pipeline/spec-network.svg"' \
	sh "$baton" "$pics"
step 0 "the philosophers' run as a timeline (Perfetto, chrome://tracing)" \
	"$baton" trace export --format chrome "$out/philosophers.btr" -o "$reps/philosophers-timeline.json"
for prog in idle_worker idle_worker_fixed; do
	$cc -std=c11 -D_GNU_SOURCE -Iinclude "examples/races/$prog.c" "$build/libbaton.a" -lpthread -o "$out/$prog" || fails=$((fails + 1))
done
step 1 "baton explore: 1000 PCT schedules of a worker pool find the idle worker that never reports" \
	"$baton" explore --report "html:$reps/explore.html" -- "$out/idle_worker"
step 0 "baton explore: its fix passes 1000 schedules" "$baton" explore -- "$out/idle_worker_fixed"

# Python: the same checks for programs written with the baton package (python/, docs/python.md)
if command -v python3 >/dev/null 2>&1; then
	export PYTHONPATH="$PWD/python${PYTHONPATH:+:$PYTHONPATH}"
	mkdir -p "$pics/python-pipeline" "$pics/python-workers"
	step 0 "examples/python/pipeline.csp: the Python pipeline's specification holds" \
		"$baton" check examples/python/pipeline.csp
	step 0 "the Python pipeline (buffer of two, back-pressure) runs, and its trace follows PIPELINE" \
		"$baton" run --trace "$out/pipeline-py.btr" --graphs "$pics/python-pipeline" --spec examples/python/pipeline.csp \
		--process PIPELINE -- python3 examples/python/pipeline.py 20
	step 1 "examples/python/workers.csp: SYSTEM (batches of two) deadlocks as intended, DESIGN does not" \
		"$baton" check examples/python/workers.csp
	step 1 "the Python workers program deadlocks (report on stderr); its trace is SYSTEM's" \
		"$baton" run --trace "$out/workers-py.btr" --graphs "$pics/python-workers" --spec examples/python/workers.csp \
		--process SYSTEM -- python3 examples/python/workers.py
	step 1 "the same trace against DESIGN: the deadlock after job.0 is not DESIGN's" \
		"$baton" check examples/python/workers.csp --trace "$out/workers-py.btr" --process DESIGN
	step 0 "the fixed Python workers program (an alt) follows DESIGN" \
		"$baton" run --trace "$out/workers-fixed-py.btr" --spec examples/python/workers.csp \
		--process DESIGN -- python3 examples/python/workers.py --fixed
	python_summary="  python: the pipeline conforms ($out/pipeline-py.btr); workers deadlocks as SYSTEM
    predicts ($pics/python-workers/deadlock.svg), its fix follows DESIGN"
else
	echo
	echo "== python: SKIPPED: no python3 here, so examples/python are not run"
	python_summary="  python: skipped (no python3)"
fi

echo
echo "== summary"
echo "  pipeline: assertions hold; the run conforms ($out/pipeline.btr)"
echo "  philosophers: SYSTEM :[deadlock free] fails as intended; the run deadlocked as SYSTEM"
echo "  predicts and breaks the butler design at its fifth event ($out/philosophers.btr)"
echo "  traces: 'baton trace show $out/philosophers.btr'"
echo "  pictures (open in a browser):"
echo "    why SYSTEM deadlocks, the chart: $(ls "$pics"/philosophers/l*-*.svg | head -1)"
echo "    the run's wait-for cycle:        $pics/philosophers/deadlock.svg"
echo "    the run's process network:       $pics/philosophers/network.svg"
echo "    the specs' networks:             $pics/philosophers/spec-network.svg, design-network.svg,"
echo "                                     $pics/pipeline/spec-network.svg"
echo "    a fork's state machine:          $pics/philosophers/fork-lts.svg"
echo "    the pipeline run's network:      $pics/pipeline/network.svg"
echo "  explore: examples/races/idle_worker.c deadlocks under some schedules (the line above"
echo "    reproduces it; $reps/explore.html); idle_worker_fixed.c under none of 1000"
echo "  reports: $reps/philosophers.html (and .xml JUnit, .sarif SARIF), $reps/pipeline.html,"
echo "    $reps/philosophers-timeline.json (open in ui.perfetto.dev)"
echo "$python_summary"
if [ $fails -ne 0 ]; then
	echo "demo: $fails step(s) did not go as intended"
	exit 1
fi
echo "demo: every step went as intended"
