#!/usr/bin/env bash
# For working on the end-to-end tests: builds the sandbox and the worker, starts the test stack
# (the real OAuth servers, the sandbox, the worker) on the test ports (scripts/ports.sh) and runs
# the given node test files (default: every tests/e2e/*.test.mjs, in name order, as make test's
# e2e-workerd tier does). SKIP_BUILD=1 skips the build. `make test` is the real gate.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
use_ports test
only_committed_dev_vars
OUT="$ROOT/tests/.out"; mkdir -p "$OUT/logs"
export TEST_OUT="$OUT"
[ "${SKIP_BUILD:-}" = 1 ] || "$ROOT/scripts/build.sh" sandbox worker
trap stop_groups EXIT
PERSIST=$(mktemp -d)
ensure_oauth_servers
start_oauth_servers "$OUT/logs"
start_stack "$PERSIST" "$OUT/logs" --env test --env-file "$ROOT/.dev.vars.example"
if [ $# -eq 0 ]; then mapfile -t files < <(compgen -G "tests/e2e/*.test.mjs" | LC_ALL=C sort); set -- "${files[@]}"; fi
node --test --test-concurrency=1 "$@"
