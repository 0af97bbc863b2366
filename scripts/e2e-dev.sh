#!/usr/bin/env bash
# For working on the end-to-end tests: builds the worker, starts the test stack and runs the
# given node test files (default: all of tests/e2e). `make test` is the real gate.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
[ "${SKIP_BUILD:-}" = 1 ] || { cargo build -q -p gatehouse-sandbox; (cd crates/worker && worker-build --release >"$ROOT/target/worker-build.log" 2>&1) || { tail -40 "$ROOT/target/worker-build.log"; exit 1; }; }
OUT="$ROOT/tests/.out"; mkdir -p "$OUT/logs"
trap stop_groups EXIT
PERSIST=$(mktemp -d)
ensure_oauth_servers
start_oauth_servers "$OUT/logs"
start_stack 18790 18787 "$PERSIST" "$OUT/logs" --env test --env-file "$ROOT/.dev.vars.example"
export GATEHOUSE_URL=http://127.0.0.1:18787 SANDBOX_URL=http://127.0.0.1:18790 TEST_OUT="$OUT"
node --test --test-concurrency=1 "${@:-tests/e2e/}"
