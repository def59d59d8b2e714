#!/usr/bin/env bash
# run.sh serves OpenResolve for development: the API, one worker and a callback receiver
# (openresolve listen) in the foreground, with a development API key. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL="$(scripts/devdb.sh)"
export DATABASE_URL
go build -o bin/ ./cmd/...
bin/openresolve migrate up >/dev/null
# A newcomer's first request should find something: load the demo graph into an empty one.
bin/openresolve seed demo --if-empty

# One development key, kept across runs; BOOTSTRAP_API_KEY makes sure it exists in this
# database even when the database is new.
keyfile=.data/dev-api-key
if [ ! -s "$keyfile" ]; then
	mkdir -p .data
	bin/openresolve keys create --name development --json |
		sed -E 's/.*"key":"([^"]+)".*/\1/' >"$keyfile"
fi
key=$(cat "$keyfile")

export BOOTSTRAP_API_KEY="$key"
export API_ADDR="${API_ADDR:-127.0.0.1:8080}"
export CALLBACK_ALLOWED_NETWORKS="${CALLBACK_ALLOWED_NETWORKS:-127.0.0.0/8,::1/128}"
export LOG_FORMAT="${LOG_FORMAT:-text}"
# River UI for the developer: user "dev" and a password kept beside the key.
pwfile=.data/dev-riverui-password
[ -s "$pwfile" ] || head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$pwfile"
export RIVERUI_USER="${RIVERUI_USER:-dev}"
export RIVERUI_PASSWORD="${RIVERUI_PASSWORD:-$(cat "$pwfile")}"
export WORKER_METRICS_ADDR="${WORKER_METRICS_ADDR:-127.0.0.1:9091}"
listen_addr="${LISTEN_ADDR:-127.0.0.1:9000}"

pids=()
stop() {
	trap - INT TERM EXIT
	kill -TERM "${pids[@]}" 2>/dev/null || true
	wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

bin/openresolve listen --addr "$listen_addr" & pids+=($!)
bin/api & pids+=($!)
bin/worker & pids+=($!)

for _ in $(seq 1 100); do
	curl -fs "http://$API_ADDR/readyz" >/dev/null 2>&1 && break
	sleep 0.1
done

cat <<MSG

OpenResolve is running.
  API:                 http://$API_ADDR
  callback receiver:   http://$listen_addr  (callbacks are printed here)
  development API key: $key
  API reference:       http://$API_ADDR/docs
  River UI:            http://$API_ADDR/riverui/  (user $RIVERUI_USER, password $RIVERUI_PASSWORD)
  metrics:             http://$API_ADDR/metrics and http://$WORKER_METRICS_ADDR/metrics

Try:

curl -s -X POST http://$API_ADDR/v1/email-to-hem \\
  -H 'x-api-key: $key' -H 'Content-Type: application/json' \\
  -d '{"email": "Jane.Doe@Example.com", "callbackUrl": "http://$listen_addr/callbacks/1", "externalId": "row-1"}'

Press Ctrl-C to stop.

MSG

# Stop everything as soon as any of the three exits.
wait -n "${pids[@]}" || true
