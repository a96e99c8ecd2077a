#!/usr/bin/env bash
# Starts a throwaway Prometheus and Prometheus Pushgateway on 127.0.0.1 for the tests that push
# metrics and read them back (CI runs it from .ci/run; a developer may too), Prometheus scraping the
# Pushgateway every second with honor_labels. Prints the two URLs as export lines to eval.
# Installs Debian's prometheus and prometheus-pushgateway packages when they are missing (needs root).
#
#   eval "$(bash scripts/start-prometheus.sh)"    # sets PROVING_GROUND_PROMETHEUS_URL and PROVING_GROUND_PUSHGATEWAY_URL
#   bash scripts/start-prometheus.sh --stop        # stop the servers this script started
set -euo pipefail

PROMETHEUS_PORT="${PROVING_GROUND_PROMETHEUS_PORT:-19090}"
PUSHGATEWAY_PORT="${PROVING_GROUND_PUSHGATEWAY_PORT:-19091}"
STATE="${TMPDIR:-/tmp}/proving-ground-prometheus-$PROMETHEUS_PORT"
PROMETHEUS_URL="http://127.0.0.1:$PROMETHEUS_PORT"
PUSHGATEWAY_URL="http://127.0.0.1:$PUSHGATEWAY_PORT"

# Stop the server whose pid file is $1 and wait (up to 10 s) for it to exit.
stop_pid() {
  [ -f "$1" ] || return 0
  local pid
  pid="$(cat "$1")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$1"
}
# Whether the server at $1 answers its readiness page (curl when there is one, else Node's fetch).
ready() {
  if command -v curl >/dev/null 2>&1; then curl -fsS -o /dev/null --max-time 2 "$1/-/ready" 2>/dev/null
  else node -e "fetch(process.argv[1] + '/-/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$1"; fi
}
# Whether Prometheus at $1 has scraped the Pushgateway successfully (its target is up).
scraping() {
  if command -v curl >/dev/null 2>&1; then curl -fsS --max-time 2 "$1/api/v1/targets?state=active" 2>/dev/null | grep -q '"health":"up"'
  else node -e "fetch(process.argv[1] + '/api/v1/targets?state=active').then((r) => r.text()).then((t) => process.exit(t.includes('\"health\":\"up\"') ? 0 : 1), () => process.exit(1))" "$1"; fi
}
print_urls() {
  echo "export PROVING_GROUND_PROMETHEUS_URL=$PROMETHEUS_URL"
  echo "export PROVING_GROUND_PUSHGATEWAY_URL=$PUSHGATEWAY_URL"
}

if [ "${1:-}" = "--stop" ]; then
  stop_pid "$STATE/prometheus.pid"
  stop_pid "$STATE/pushgateway.pid"
  rm -rf "$STATE"
  exit 0
fi

if ! command -v prometheus >/dev/null 2>&1 || ! command -v prometheus-pushgateway >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "[prometheus] Failed to start Prometheus: prometheus or prometheus-pushgateway is not installed and installing them needs root. Install Debian's prometheus and prometheus-pushgateway packages." >&2
    exit 1
  fi
  apt-get update -qq >&2
  # The packages' own services (ports 9090 and 9091) are not needed: without an init system they do
  # not start, and where they do, the servers below use other ports.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus prometheus-pushgateway >&2
fi

if [ -f "$STATE/prometheus.pid" ] && ready "$PROMETHEUS_URL" && ready "$PUSHGATEWAY_URL"; then
  print_urls
  exit 0
fi
stop_pid "$STATE/prometheus.pid"
stop_pid "$STATE/pushgateway.pid"
rm -rf "$STATE"
mkdir -p "$STATE/data"
for port in "$PROMETHEUS_PORT" "$PUSHGATEWAY_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "[prometheus] Failed to start Prometheus: port $port on 127.0.0.1 is taken. Stop what listens there, or choose free ports with PROVING_GROUND_PROMETHEUS_PORT and PROVING_GROUND_PUSHGATEWAY_PORT." >&2
    exit 1
  fi
done

cat >"$STATE/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:$PUSHGATEWAY_PORT']
EOF

# --persistence.file= keeps the Pushgateway in memory: each start is empty.
setsid prometheus-pushgateway --web.listen-address="127.0.0.1:$PUSHGATEWAY_PORT" --web.enable-admin-api --persistence.file= \
  >"$STATE/pushgateway.log" 2>&1 </dev/null &
echo $! >"$STATE/pushgateway.pid"
setsid prometheus --config.file="$STATE/prometheus.yml" --storage.tsdb.path="$STATE/data" \
  --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --storage.tsdb.retention.time=1d \
  >"$STATE/prometheus.log" 2>&1 </dev/null &
echo $! >"$STATE/prometheus.pid"

# Prometheus applies a new scrape target a few seconds after it starts: wait for the first scrape.
for _ in $(seq 1 120); do
  if ready "$PROMETHEUS_URL" && ready "$PUSHGATEWAY_URL" && scraping "$PROMETHEUS_URL"; then
    print_urls
    exit 0
  fi
  sleep 0.25
done
echo "[prometheus] Failed to start Prometheus: not ready after 30 s. Its log: $STATE/prometheus.log; the Pushgateway's: $STATE/pushgateway.log" >&2
tail -n 5 "$STATE/prometheus.log" "$STATE/pushgateway.log" >&2 || true
exit 1
