#!/bin/sh
# Takes a screenshot of an HTML file in headless Chromium (Debian's `chromium`, installed by
# `make deps`), offline, and checks that it is not blank.
#   tools/screenshot.sh PAGE.html OUT.png [WIDTH HEIGHT]
# Prints "OUT.png: W x H, N% of the pixels drawn"; exit 1 when the page rendered blank,
# 2 when Chromium is missing or failed.
set -eu
page=$1 out=$2 width=${3:-1200} height=${4:-1800}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "screenshot: chromium is not installed (make deps installs it)" >&2
	exit 2
fi
profile=$(mktemp -d /tmp/baton-chromium-XXXXXX)
trap 'rm -rf "$profile"' EXIT
case $page in /*) url="file://$page" ;; *) url="file://$(pwd)/$page" ;; esac
# No network, no background services: the machine (and CI) has no network, and the page must
# not need one.
if ! timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--hide-scrollbars --user-data-dir="$profile" --window-size="$width,$height" \
	--screenshot="$out" "$url" >"$profile/log" 2>&1 || [ ! -s "$out" ]; then
	echo "screenshot: chromium failed:" >&2
	tail -5 "$profile/log" >&2
	exit 2
fi
exec /usr/bin/python3 "$(dirname "$0")/png_drawn.py" "$out"
