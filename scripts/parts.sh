#!/usr/bin/env bash
# parts.sh makes sure the real parts the tests start are installed: PostgreSQL's programs
# (initdb, pg_ctl, pg_basebackup, pg_dump) and PgBouncer. When one is missing and we are root,
# it installs it with apt-get (Debian's packages); otherwise it says what to install.
set -euo pipefail

say() { printf 'parts: %s\n' "$*" >&2; }

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/sbin/pgbouncer ] || command -v pgbouncer >/dev/null 2>&1 || missing+=(pgbouncer)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	say "installing ${missing[*]} with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq "${missing[@]}" >&2
	# Debian starts the packaged PgBouncer as a service; the tests start their own.
	if [[ " ${missing[*]} " == *" pgbouncer "* ]]; then
		(service pgbouncer stop || pkill -x pgbouncer || true) >/dev/null 2>&1
	fi
else
	say "missing: ${missing[*]}; install them (apt-get install ${missing[*]})"
	exit 1
fi
