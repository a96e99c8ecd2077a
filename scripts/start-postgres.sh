#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the tests that need a real one (CI runs it
# from .ci/run; a developer may too) and prints its URL, to export as PROVING_GROUND_POSTGRES_URL.
# Installs Debian's postgresql package when no server is on the machine (needs root).
#
#   export PROVING_GROUND_POSTGRES_URL="$(bash scripts/start-postgres.sh)"
#   bash scripts/start-postgres.sh --stop     # stop the server this script started
set -euo pipefail

PORT="${PROVING_GROUND_POSTGRES_PORT:-55432}"
STATE="${TMPDIR:-/tmp}/proving-ground-postgres-$PORT"

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

BIN="$(find_bin)"
if [ "${1:-}" = "--stop" ]; then
  [ -d "$STATE" ] && as_owner "$BIN/pg_ctl" -D "$STATE" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$STATE"
  exit 0
fi

if [ -z "$BIN" ] || [ ! -x "$BIN/postgres" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "[postgres] Failed to start PostgreSQL: no server is installed and installing one needs root. Install Debian's postgresql package." >&2
    exit 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
fi

if [ -f "$STATE/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$STATE" status >/dev/null 2>&1; then
  echo "postgres://postgres@127.0.0.1:$PORT/postgres"
  exit 0
fi
rm -rf "$STATE"
mkdir -p "$STATE"
[ "$(id -u)" = 0 ] && chown postgres "$STATE"
as_owner "$BIN/initdb" -D "$STATE" -A trust -U postgres --no-sync >/dev/null
as_owner "$BIN/pg_ctl" -D "$STATE" -o "-h 127.0.0.1 -p $PORT -k $STATE -c fsync=off" -l "$STATE/server.log" -w start >/dev/null
echo "postgres://postgres@127.0.0.1:$PORT/postgres"
