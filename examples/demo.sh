#!/bin/sh
# make demo: baton's main job end to end.  Two programs on libbaton with their
# specifications — the pipeline Reader -> Parser -> Transformer -> Writer (conforms) and the
# symmetric dining philosophers (deadlock) — are built, run under `baton run` with tracing
# on, their specs' assertions checked, and their traces checked against the specs.
set -u
baton=${1:-build/baton}
build=${2:-build}
out=$build/demo
mkdir -p "$out"
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
	"$baton" check examples/pipeline/pipeline.csp
step 0 "the pipeline program runs, and its trace follows PIPELINE" \
	"$baton" run --trace "$out/pipeline.btr" --graphs "$out/pictures/pipeline" --spec examples/pipeline/pipeline.csp \
	--process PIPELINE -- "$out/pipeline" 12
step 1 "philosophers.csp: SYSTEM deadlocks (fails as intended), DESIGN with a butler does not" \
	"$baton" check examples/philosophers/philosophers.csp
# baton_run returns 1 (BATON_DEADLOCK) and the program exits with it; the trace conforms to
# SYSTEM, which predicts exactly this deadlock.
step 1 "the philosophers program deadlocks; its trace and its deadlock are SYSTEM's" \
	"$baton" run --trace "$out/philosophers.btr" --graphs "$out/pictures/philosophers" --spec examples/philosophers/philosophers.csp \
	--process SYSTEM -- "$out/philosophers"
step 1 "the same trace against the butler design: the fifth pick-up is where they part" \
	"$baton" check examples/philosophers/philosophers.csp --trace "$out/philosophers.btr" \
	--process DESIGN

echo
echo "== summary"
echo "  pipeline: assertions hold; the run conforms ($out/pipeline.btr)"
echo "  philosophers: SYSTEM :[deadlock free] fails as intended; the run deadlocked as SYSTEM"
echo "  predicts and breaks the butler design at its fifth event ($out/philosophers.btr)"
echo "  traces: 'baton trace show $out/philosophers.btr'"
echo "  pictures of the runs: $out/pictures/pipeline/network.svg,"
echo "    $out/pictures/philosophers/network.svg and $out/pictures/philosophers/deadlock.svg"
if [ $fails -ne 0 ]; then
	echo "demo: $fails step(s) did not go as intended"
	exit 1
fi
echo "demo: every step went as intended"
