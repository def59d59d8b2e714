#!/usr/bin/env bash
# devdb.sh makes sure a PostgreSQL database is reachable and prints its URL on stdout.
#
# With DATABASE_URL set it prints that and does nothing else. Otherwise it runs a
# project-local cluster under .data/pg (initdb on first use) on port ${DEVDB_PORT:-54329},
# as the postgres user when run as root, installing PostgreSQL with apt-get when it is
# missing and we are root. `scripts/devdb.sh stop` stops that cluster.
set -euo pipefail

if [ "${1:-}" != "stop" ] && [ -n "${DATABASE_URL:-}" ]; then
	printf '%s\n' "$DATABASE_URL"
	exit 0
fi

root=$(cd "$(dirname "$0")/.." && pwd)
base="$root/.data"
# The cluster must be reachable by the postgres user; a checkout under a private home folder
# is not, so the cluster then lives under /tmp, named after the checkout.
if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$root" 2>/dev/null; then
	base="/tmp/openresolve-devdb-$(printf '%s' "$root" | md5sum | cut -c1-8)"
fi
data="$base/pg"
port="${DEVDB_PORT:-54329}"
log="$base/pg.log"
url="postgres://postgres@127.0.0.1:$port/openresolve?sslmode=disable"

say() { printf 'devdb: %s\n' "$*" >&2; }

find_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
		[ -x "$d/initdb" ] && { printf '%s\n' "$d"; return 0; }
	done
	command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
	return 1
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "PostgreSQL not found; installing it with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >&2
		apt-get install -y -qq postgresql >&2
		bindir=$(find_bindir)
	else
		say "PostgreSQL is not installed; install it or set DATABASE_URL"
		exit 1
	fi
fi

# as runs a command as the cluster's owner: postgres when we are root, ourselves otherwise.
as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

if [ "${1:-}" = "stop" ]; then
	[ -f "$data/postmaster.pid" ] && as "$bindir/pg_ctl" -D "$data" -m fast stop >&2 || true
	exit 0
fi

mkdir -p "$base"
if [ ! -f "$data/PG_VERSION" ]; then
	say "initializing a cluster in $data"
	mkdir -p "$data"
	[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$base"
	as "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
	cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 300
shared_buffers = 512MB
fsync = on
synchronous_commit = on
CONF
fi
[ "$(id -u)" = 0 ] && chown postgres:postgres "$base" "$data"

if ! as "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
	say "starting PostgreSQL on 127.0.0.1:$port"
	as "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null
fi

for _ in $(seq 1 50); do
	"$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" && break
	sleep 0.2
done
if ! "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'openresolve'" postgres | grep -q 1; then
	"$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE openresolve" postgres >&2
fi
printf '%s\n' "$url"
