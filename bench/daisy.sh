#!/bin/sh
# Pike's daisy chain of 100 000 and 1 000 000 processes, all alive at once: elapsed time and
# peak RSS, baton against Go's goroutines ($SHARED/peers/daisy.go), with baton's default
# 16 KiB stacks (guard page each, slots prepared in batches, by a helper thread on the second
# core once a program has made 1 024) and with compact one-page (4 KiB) stacks.
# Goal: <= 0.5 x Go's time.
set -eu
. bench/lib.sh
bench_init "$1" "$2"
bench_cc daisy
have_go=0
bench_go daisy_go "$shared/peers/daisy.go" && have_go=1
rss() { # rss FILE: the peak RSS /usr/bin/time wrote, in MiB
	awk '{ printf "%.0f", $1 / 1024 }' "$1"
}
per() { awk -v r="$1" -v n="$2" 'BEGIN { printf "%.1f", r * 1024 / n }'; }
for n in ${BENCH_DAISY_N:-100000 1000000}; do
	t=$(/usr/bin/time -f %M -o "$out/rss" "$out/daisy" "$n" | awk '{ print $2 }')
	r=$(rss "$out/rss")
	printf "  %-28s %8.3f s  %6s MiB peak RSS  (%s KiB per process; 16 KiB stacks)\n" "baton daisy $n" \
		"$t" "$r" "$(per "$r" "$n")"
	# the same with one-page stacks: compact slots, populated 64 pages at a time
	ct=$(/usr/bin/time -f %M -o "$out/rss" "$out/daisy" "$n" 4096 | awk '{ print $2 }')
	cr=$(rss "$out/rss")
	printf "  %-28s %8.3f s  %6s MiB peak RSS  (%s KiB per process; 4 KiB stacks)\n" "baton daisy $n, small" \
		"$ct" "$cr" "$(per "$cr" "$n")"
	if [ $have_go -eq 1 ]; then
		gt=$(/usr/bin/time -f %M -o "$out/rss" "$out/daisy_go" "$n" | sed -n 's/.*: //p')
		gr=$(rss "$out/rss")
		gs=$(echo "$gt" | awk '/ms$/ { sub("ms", ""); print $1 / 1000; next } /µs$/ { sub("µs", ""); print $1 / 1e6; next } { sub("s", ""); print $1 }')
		printf "  %-28s %8.3f s  %6s MiB peak RSS  (%s KiB per goroutine)\n" "Go daisy $n" "$gs" "$gr" \
			"$(per "$gr" "$n")"
		printf "  %-28s baton = %s x Go's time, %s x its RSS; with 4 KiB stacks %s x its time, %s x its RSS\n" \
			"" "$(ratio "$t" "$gs")" "$(ratio "$r" "$gr")" "$(ratio "$ct" "$gs")" "$(ratio "$cr" "$gr")"
	fi
done
