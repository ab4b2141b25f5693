#!/bin/sh
# Installs the Debian packages baton needs, or says how to.
#   tools/deps.sh build   what `make`, `make check` and `make demo` need
#   tools/deps.sh bench   what `make bench` needs on top (the peers: Go, SPIN, trio)
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu

# python3-jsonschema validates the SARIF reports in the tests; chromium renders the HTML
# report for its screenshot test.
build_pkgs="gcc make pkg-config libc6-dev libxml2-dev libgraphviz-dev libjansson-dev check python3-jsonschema chromium"
bench_pkgs="golang-go spin python3 python3-trio"

case "${1:-build}" in
build) want=$build_pkgs ;;
bench) want=$bench_pkgs ;;
*) echo "usage: tools/deps.sh build|bench" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
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
apt-get update -qq >/dev/null
$cmd -qq >/dev/null
