#!/bin/sh
# alt over 4 rendezvous channels, each fed by its own producer, ns per completed choice:
# baton_alt against Go's select (bench/alt_select.go).
set -eu
. bench/lib.sh
bench_init "$1" "$2"
n=${BENCH_ALT_N:-2000000}
bench_cc alt
b=$("$out/alt" "$n")
printf "  %-28s %10s ns/alt\n" "baton_alt, 4 channels" "$b"
if bench_go alt_go bench/alt_select.go; then
	g=$("$out/alt_go" "$n")
	g1=$(GOMAXPROCS=1 "$out/alt_go" "$n")
	printf "  %-28s %10s ns/select  (baton = %s x Go)\n" "Go select, 4 channels" "$g" "$(ratio "$b" "$g")"
	printf "  %-28s %10s ns/select  (baton = %s x Go)\n" "Go select, GOMAXPROCS=1" "$g1" "$(ratio "$b" "$g1")"
fi
