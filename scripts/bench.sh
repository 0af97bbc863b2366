#!/usr/bin/env bash
# `make bench`: builds, starts the sandbox, the worker and a baseline JS worker in workerd on the
# test ports (scripts/ports.sh: GATEHOUSE_PORT, SANDBOX_PORT, BASELINE_PORT), and writes
# bench/results.json (see bench/README.md). Loopback only, bounded.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
use_ports test
only_committed_dev_vars
setup_run
"$ROOT/scripts/build.sh" sandbox worker web floor
LOGS="$ROOT/tests/.out/bench"; mkdir -p "$LOGS"
trap stop_groups EXIT
ensure_port_free "$BASELINE_PORT" BASELINE_PORT
# LOG_LEVEL=warn: no access line per successful request, as the baseline logs nothing (bench/README.md).
start_stack "$(mktemp -d)" "$LOGS" --env test --env-file "$ROOT/.dev.vars.example" --var LOG_LEVEL:warn
export BASELINE_URL="http://127.0.0.1:$BASELINE_PORT"
# Phase 1 resets the sandbox (and so every token it issued): run it before the baseline gets its token.
node bench/run.mjs fanin
# The baseline gets a fixed token, obtained directly from the sandbox.
TOKEN=$(curl -fsS -X POST "$SANDBOX_URL/streamdiver/realms/acme/protocol/openid-connect/token" \
  -d grant_type=client_credentials -d client_id=streamdiver-acme -d client_secret=streamdiver-acme-secret \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))')
start_group "$LOGS/baseline.log" "$WRANGLER" dev --config "$ROOT/bench/baseline/wrangler.toml" \
  --ip 127.0.0.1 --port "$BASELINE_PORT" --inspector-port 0 --persist-to "$(mktemp -d)" \
  --show-interactive-dev-session=false --var "TOKEN:$TOKEN" --var "UPSTREAM:$SANDBOX_URL/streamdiver"
wait_for_url "$BASELINE_URL/api/proxy/x/v2/tenants/current/settings" 60
BASELINE_TOKEN="$TOKEN" node bench/run.mjs serve
# The same series with each worker in workerd directly (no wrangler dev, no Node proxy), cold
# starts and 1,000 credentials (bench/workerd.mjs).
BASELINE_TOKEN="$TOKEN" node bench/run.mjs workerd
# Last: the load run (it leaves nothing behind: it resets the sandbox and the credential).
node bench/run.mjs load
