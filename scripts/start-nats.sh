#!/usr/bin/env bash
# Starts a throwaway NATS server with JetStream on 127.0.0.1 for the tests that need a real broker
# (CI runs it from .ci/run; a developer may too), its store in a temporary folder, and prints its
# URL, to export as PROVING_GROUND_NATS_URL (the support desk's queue uses it as NATS_URL).
# Installs Debian's nats-server package when the server is missing (needs root).
#
#   export PROVING_GROUND_NATS_URL="$(bash scripts/start-nats.sh)"
#   bash scripts/start-nats.sh --stop     # stop the server this script started
set -euo pipefail

PORT="${PROVING_GROUND_NATS_PORT:-14222}"
STATE="${TMPDIR:-/tmp}/proving-ground-nats-$PORT"
URL="nats://127.0.0.1:$PORT"

find_bin() {
  for candidate in nats-server /usr/sbin/nats-server /usr/bin/nats-server; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  return 1
}
# Stop the server whose pid file is $1 and wait (up to 10 s) for it to exit.
stop_pid() {
  [ -f "$1" ] || return 0
  local pid
  pid="$(cat "$1")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$1"
}
# Whether the server's monitoring endpoint says JetStream is up (curl when there is one, else Node's fetch).
ready() {
  local monitor="http://127.0.0.1:$((PORT + 1))/healthz?js-enabled-only=true"
  if command -v curl >/dev/null 2>&1; then curl -fsS -o /dev/null --max-time 2 "$monitor" 2>/dev/null
  else node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$monitor"; fi
}

if [ "${1:-}" = "--stop" ]; then
  stop_pid "$STATE/nats-server.pid"
  rm -rf "$STATE"
  exit 0
fi

BIN="$(find_bin || true)"
if [ -z "$BIN" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "[nats] Failed to start NATS: nats-server is not installed and installing it needs root. Install Debian's nats-server package." >&2
    exit 1
  fi
  apt-get update -qq >&2
  # The package's own service (port 4222) is not needed: without an init system it does not start,
  # and where it does, the server below uses another port.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server >&2
  BIN="$(find_bin)"
fi

if [ -f "$STATE/nats-server.pid" ] && kill -0 "$(cat "$STATE/nats-server.pid")" 2>/dev/null && ready; then
  echo "$URL"
  exit 0
fi
stop_pid "$STATE/nats-server.pid"
rm -rf "$STATE"
mkdir -p "$STATE/store"
for port in "$PORT" "$((PORT + 1))"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "[nats] Failed to start NATS: port $port on 127.0.0.1 is taken. Stop what listens there, or choose a free port with PROVING_GROUND_NATS_PORT (the next one is its monitoring port)." >&2
    exit 1
  fi
done

# -js: JetStream on, its store in the temporary folder; -m: the monitoring port, for the readiness check.
setsid "$BIN" -js -a 127.0.0.1 -p "$PORT" -m "$((PORT + 1))" -sd "$STATE/store" \
  >"$STATE/nats-server.log" 2>&1 </dev/null &
echo $! >"$STATE/nats-server.pid"

for _ in $(seq 1 80); do
  if ready; then
    echo "$URL"
    exit 0
  fi
  sleep 0.25
done
echo "[nats] Failed to start NATS: not ready after 20 s. Its log: $STATE/nats-server.log" >&2
tail -n 5 "$STATE/nats-server.log" >&2 || true
exit 1
