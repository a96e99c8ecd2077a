#!/usr/bin/env bash
# A CI step after the Jest run that recorded the history (.flaky-detector/history.sqlite): push the
# run's metrics to the Pushgateway Prometheus scrapes, and over OTLP when a collector is configured.
set -euo pipefail

npx flaky-detector metrics push --pushgateway "$PUSHGATEWAY_URL" --job unit-tests --group "branch=${GITHUB_REF_NAME:-local}"

if [ -n "${OTEL_EXPORTER_OTLP_METRICS_ENDPOINT:-}" ]; then
  npx flaky-detector metrics push --otlp "$OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"
fi
