# Shared by the benchmark scripts (sourced, not run: bench/run.sh skips it).
#   bench_init BUILD SHARED   sets $out (the bench build folder), $cc_lib (compile + link
#                             a bench C file against libbaton), and Go's cache.
bench_init() {
	build=$1
	shared=$2
	out=$build/bench
	mkdir -p "$out"
	export GOCACHE=${GOCACHE:-$(cd "$out" && pwd)/gocache}
	export GOFLAGS=${GOFLAGS:--mod=mod}
}

# bench_cc NAME: builds bench/NAME.c into $out/NAME, statically linked with libbaton.
bench_cc() {
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Iinclude "bench/$1.c" "$build/libbaton.a" -lpthread -o "$out/$1"
}

# bench_peer FILE: true when the peer program FILE (in ../shared/peers) is there; otherwise
# says it is skipped and returns 1.
bench_peer() {
	[ -e "$1" ] && return 0
	echo "  ($1 not found: that peer is skipped)"
	return 1
}

# bench_go NAME FILE: builds a Go program, or says why not and returns 1.
bench_go() {
	bench_peer "$2" || return 1
	if ! command -v go >/dev/null 2>&1; then
		echo "  (go is not installed: no Go figures)"
		return 1
	fi
	go build -o "$out/$1" "$2"
}

# ratio A B: A / B to two places.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'
}

# peak_kb FILE: the peak resident kilobytes `/usr/bin/time -f %M -o FILE` wrote, or 0.  (time
# writes "Command exited with non-zero status N" first when the command failed — a limit, a
# failing check — so the figure is the last line.)
peak_kb() {
	if [ -s "$1" ]; then tail -n 1 "$1"; else echo 0; fi
}
