#!/usr/bin/env bash
# chromium.sh makes sure Debian's Chromium is installed for the browser test (River UI in a
# real headless browser): as root, with apt-get, when it is missing. It never fails the build
# by itself; the test says what is missing.
set -uo pipefail

if command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM:-}" ]; then
	exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "chromium: not found; installing Debian's chromium with apt-get (once, about two minutes)" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! { apt-get update -qq && apt-get install -y -qq chromium; } >/tmp/openresolve-chromium-install.log 2>&1; then
		echo "chromium: apt-get failed; see /tmp/openresolve-chromium-install.log" >&2
	fi
else
	echo "chromium: not installed and not root; the browser test will be skipped" >&2
fi
exit 0
