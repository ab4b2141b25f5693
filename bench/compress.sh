#!/bin/sh
# FDR's compressions (docs/checking.md, "Compression"): the states of a process before and
# after each one, and the seconds a deadlock check on it takes (exploring the subsystem,
# compressing it, searching), from one run:
#   - a pipeline of BENCH_PIPE_N one-place cells (default 8) with its links hidden, compressed
#     whole: its states are the buffer's;
#   - the dining philosophers with a butler ($SHARED/peers/phil_butler.csp, N =
#     BENCH_COMPRESS_N, default 6) with thinking, eating and the forks hidden, compressed
#     whole; and FDR's way, each philosopher compressed on its own inside the network.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
baton=$build/baton

# field JSON KEY: the first number after "KEY": in a baton JSON report
field() { sed -n "s/.*\"$2\": \([0-9.e+-]*\).*/\1/p" "$1" | head -1; }
# one SPEC ASSERTION LABEL: checks ASSERTION alone and prints its states and seconds
one() {
	"$baton" check --format json "$1" --assert "$2" >"$out/compress.json" || true
	printf "  %-44s %9s states %10s transitions %7.2f s\n" "$3" "$(field "$out/compress.json" states)" \
		"$(field "$out/compress.json" transitions)" "$(field "$out/compress.json" seconds)"
}

n=${BENCH_PIPE_N:-8}
pipe=$out/compress_pipe.csp
cat >"$pipe" <<CSP
transparent normal, sbisim, wbisim, dbisim, diamond, explicate, tau_loop_factor
N = $n
channel chain : {0..N}.{0,1}
CELL(i) = chain.i?x -> chain.(i+1)!x -> CELL(i)
PIPE = (|| i : {0..N-1} @ [{|chain.i, chain.(i+1)|}] CELL(i)) \ {|chain.i | i <- {1..N-1}|}
CSP
echo "  pipeline of $n cells, links hidden (deadlock freedom [F]):"
for c in "" explicate sbisim tau_loop_factor dbisim wbisim diamond "sbisim(diamond" normal; do
	close=")"
	[ "$c" = "sbisim(diamond" ] && close="))"
	if [ -z "$c" ]; then one "$pipe" "PIPE :[deadlock free [F]]" "PIPE"
	else one "$pipe" "$c(PIPE$close :[deadlock free [F]]" "$c(PIPE$close"; fi
done

bench_peer "$shared/peers/phil_butler.csp" || exit 0
m=${BENCH_COMPRESS_N:-6}
phil=$out/compress_phil.csp
sed "s/^N = .*/N = $m/" "$shared/peers/phil_butler.csp" >"$phil"
cat >>"$phil" <<'CSP'
transparent normal, sbisim, wbisim, dbisim, diamond
H = {|picks, putsdown, thinks, eats|}
CPHIL(i) = sbisim(diamond(PHIL(i) \ {thinks.i, eats.i}))
CSYSTEM = (|| i:PH @ [diff(AlphaP(i), {thinks.i, eats.i})] CPHIL(i)) [| {|picks, putsdown|} |] FORKS
CSEATED = CSYSTEM [| {|sits, getsup|} |] BUTLER(0)
CSP
echo "  philosophers with a butler, N = $m (deadlock freedom [F]):"
one "$phil" "SEATED :[deadlock free [F]]" "SEATED"
one "$phil" "CSEATED :[deadlock free [F]]" "CSEATED (each PHIL sbisim(diamond(...)))"
one "$phil" "SEATED \\ H :[deadlock free [F]]" "SEATED \\ H"
for c in sbisim dbisim wbisim normal; do
	one "$phil" "$c(SEATED \\ H) :[deadlock free [F]]" "$c(SEATED \\ H)"
done
one "$phil" "sbisim(diamond(CSEATED \\ H)) :[deadlock free [F]]" "sbisim(diamond(CSEATED \\ H))"
