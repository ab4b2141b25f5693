#!/bin/sh
# Runs the trace-reader fuzzer for SECONDS seconds.  Its corpus grows in BUILD_DIR/corpus,
# seeded with a text trace and the binary traces the test suite leaves there.
#   run_trace.sh FUZZER SECONDS BUILD_DIR
set -eu
fuzzer=$1 seconds=$2 dir=$3
mkdir -p "$dir/corpus"
printf 'left.0\nmid\nright.0\n# a comment\nleft.1\n@deadlock\n' >"$dir/corpus/seed.trace"
if [ -x build/demo/pipeline ] && [ ! -e "$dir/corpus/seed.btr" ]; then
	BATON_TRACE="$dir/corpus/seed.btr" build/demo/pipeline 3 >/dev/null 2>&1 || true
fi
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-artifact_prefix="$dir/" -print_final_stats=1 "$dir/corpus"
