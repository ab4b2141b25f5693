#!/bin/sh
# Runs the CSPm front-end fuzzer for SECONDS seconds.  The corpus grows in BUILD_DIR/corpus;
# FDR's conformance files seed it (read in place, never copied) when SHARED is there.
#   run.sh FUZZER SECONDS SHARED BUILD_DIR
set -eu
fuzzer=$1 seconds=$2 shared=$3 dir=$4
mkdir -p "$dir/corpus"
seeds=
for d in "$shared"/conformance/libcspm/*/should_*; do
	[ -d "$d" ] && seeds="$seeds $d"
done
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	-dict=tests/fuzz/cspm.dict -artifact_prefix="$dir/" -print_final_stats=1 \
	"$dir/corpus" $seeds
