#!/bin/sh
# Installs the Debian packages baton needs, or says how to.
#   tools/deps.sh build   what `make`, `make check` and `make demo` need
#   tools/deps.sh bench   what `make bench` needs on top (the peers: Go, SPIN, trio)
# As root it runs apt-get; otherwise it prints the exact command and fails.
# Open MPI (for `baton check --distributed`, docs/distributed.md) is wanted by `build` but
# optional: when it cannot be installed the build goes on without the MPI plugin and its
# tests say loudly that they are skipped.
set -eu

# python3-jsonschema validates the SARIF reports in the tests; chromium renders the HTML
# report for its screenshot test.
build_pkgs="gcc make pkg-config libc6-dev libxml2-dev libgraphviz-dev libjansson-dev check python3-jsonschema chromium"
bench_pkgs="golang-go spin python3 python3-trio"
mpi_pkgs="openmpi-bin libopenmpi-dev"

case "${1:-build}" in
build) want=$build_pkgs; optional=$mpi_pkgs ;;
bench) want=$bench_pkgs; optional="" ;;
*) echo "usage: tools/deps.sh build|bench" >&2; exit 2 ;;
esac

# The packages of the list $1 that are not installed.
missing_of() {
	out=""
	for p in $1; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$status" in
		*" installed") ;;
		*) out="$out $p" ;;
		esac
	done
	echo "$out"
}

# Optional packages first: their failure is a note, never an error.
opt_missing=$(missing_of "$optional")
if [ -n "$opt_missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: optional, for baton check --distributed:$opt_missing" >&2
		echo "deps: run: sudo apt-get install -y --no-install-recommends$opt_missing" >&2
	else
		echo "deps: installing (optional)$opt_missing"
		export DEBIAN_FRONTEND=noninteractive
		{ apt-get update -qq && apt-get install -y --no-install-recommends -qq$opt_missing; } \
			>/dev/null 2>&1 ||
			echo "deps: could not install$opt_missing: building without baton check --distributed" >&2
		updated=1
	fi
fi

missing=$(missing_of "$want")
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "baton needs these Debian packages:$missing" >&2
	echo "run: sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine: update once, quietly.
[ -n "${updated:-}" ] || apt-get update -qq >/dev/null
$cmd -qq >/dev/null
