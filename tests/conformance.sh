#!/bin/sh
# Runs FDR's libcspm front-end test suite (../shared/conformance/libcspm) against baton and
# judges every file by the rule of its folder in the corpus README
# (../shared/conformance/README.md), and by nothing else; prints per folder and in total
# "N passed, M failed".
#
#   parser/should_pass        baton eval --parse-only FILE    exits 0
#   parser/should_fail        baton eval --parse-only FILE    exits 2 with FILE:LINE:COL: error
#   typechecker/should_pass   baton eval FILE                 exits 0
#   typechecker/should_fail   baton eval FILE                 exits 2 with FILE:LINE:COL: error
#   evaluator/should_pass     baton eval --tests FILE         exits 0 (every test… is true,
#                                                             every procTest… explorable)
#   evaluator/should_fail     baton eval --tests FILE         exits 2 with FILE:LINE:COL: error
#
# A false test… is an error under --tests, as in libcspm's own harness (its tests/Main.hs
# raises "testN was false"); that is why non_rect.csp is in evaluator/should_fail
# (docs/cspm-coverage.md).  A "should fail" file only passes on a located diagnostic: exit 2
# alone (say, from an unknown option) is not enough, and a crash never passes.  Each run is
# limited to 20 s.
#
# Regressions: files listed in tests/conformance.known-failures may fail; any other failure
# makes this script exit 1.  CONFORMANCE_LIST=FILE writes the failing files there instead.
set -u
baton=${1:?usage: conformance.sh BATON CONFORMANCE_DIR}
root=${2:?usage: conformance.sh BATON CONFORMANCE_DIR}/libcspm
known=tests/conformance.known-failures
failures=$(mktemp)
trap 'rm -f "$failures" "$failures.err" "$failures.out"' EXIT

total_pass=0
total_fail=0
for folder in parser/should_pass parser/should_fail typechecker/should_pass \
	typechecker/should_fail evaluator/should_pass evaluator/should_fail; do
	case $folder in
	parser/*) mode=--parse-only ;;
	typechecker/*) mode= ;;
	evaluator/*) mode=--tests ;;
	esac
	pass=0
	fail=0
	for f in "$root/$folder"/*.csp; do
		[ -e "$f" ] || continue
		timeout 20 "$baton" eval $mode "$f" >"$failures.out" 2>"$failures.err"
		status=$?
		ok=0
		case $folder in
		*/should_pass) [ $status -eq 0 ] && ok=1 ;;
		*/should_fail)
			[ $status -eq 2 ] && grep -q "$(basename "$f"):[0-9]*:[0-9]*: error" "$failures.err" && ok=1 ;;
		esac
		if [ $ok -eq 1 ]; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "$folder/$(basename "$f")" >>"$failures"
		fi
	done
	printf 'conformance %-24s %3d passed, %3d failed\n' "$folder" $pass $fail
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
done
printf 'conformance %-24s %3d passed, %3d failed\n' total $total_pass $total_fail

if [ -n "${CONFORMANCE_LIST:-}" ]; then
	sort "$failures" >"$CONFORMANCE_LIST"
	exit 0
fi
sort "$known" >"$failures.err" 2>/dev/null || : >"$failures.err"
regressions=$(sort "$failures" | comm -23 - "$failures.err")
if [ -n "$regressions" ]; then
	echo "conformance: these files passed before and fail now (or are new):"
	echo "$regressions" | sed 's/^/  /'
	exit 1
fi
exit 0
