#!/usr/bin/env bash
# Installs Debian's chromium when no Chromium is on the machine (needs root) and prints the path of
# its executable, for the dashboard tests (playwright-core drives it headless; nothing is downloaded
# by Playwright itself). CI runs it from .ci/run; a developer may too:
#
#   export PROVING_GROUND_CHROMIUM="$(bash scripts/install-chromium.sh)"
set -euo pipefail

find_chromium() {
  for candidate in "${PROVING_GROUND_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  command -v chromium 2>/dev/null || true
}

CHROMIUM="$(find_chromium)"
if [ -z "$CHROMIUM" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "[chromium] Failed to install Chromium: none is installed and installing one needs root. Run: sudo apt-get install -y --no-install-recommends chromium" >&2
    exit 1
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
  CHROMIUM="$(find_chromium)"
fi

if [ -z "$CHROMIUM" ]; then
  echo "[chromium] Failed to find Chromium after installing Debian's chromium package: no chromium executable on PATH. Check apt-get's output above." >&2
  exit 1
fi
echo "$CHROMIUM"
