#!/usr/bin/env bash
# The test command: checks the machine (scripts/doctor.sh), installs what is missing, builds,
# then runs every tier and ends with one line "N passed, M failed". Tiers: fmt, clippy (native
# and wasm32), core and sandbox unit and contract tests, fuzzing, the deployments' configuration,
# size budgets, the OpenAPI document through openapi-typescript, wasm-bindgen-test in headless Chromium, end-to-end tests of the built worker in
# workerd against the sandbox and real OAuth servers, the npm package in a Vite app, Playwright in
# Chromium, schemathesis, and the leak scan. Ports: scripts/ports.sh (the test column).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
use_ports test
# Whatever the caller's environment: the leak scan searches the state directory (scripts/lib.sh).
export X_LOCAL_OBSERVABILITY=false X_LOCAL_EXPLORER=false
only_committed_dev_vars

OUT="$ROOT/tests/.out"
rm -rf "$OUT" && mkdir -p "$OUT/logs"
export TEST_OUT="$OUT"

"$ROOT/scripts/doctor.sh" test
setup_test
"$ROOT/scripts/build.sh"

# End-to-end test files are found, not listed: every tests/e2e/*.test.mjs runs against the
# worker in workerd (tier e2e-workerd), every tests/e2e/browser/*.test.mjs in Chromium (tier
# e2e-playwright). One file at a time (--test-concurrency=1), in name order; no file may rely on
# another having run before it (each resets what it uses).
mapfile -t E2E_WORKERD < <(compgen -G "tests/e2e/*.test.mjs" | LC_ALL=C sort)
mapfile -t E2E_BROWSER < <(compgen -G "tests/e2e/browser/*.test.mjs" | LC_ALL=C sort)

PASSED=0 FAILED=0
declare -a REPORT=()
to_log() { local log=$1; shift; "$@" >"$log" 2>&1; }

# Counts tests from cargo/wasm-bindgen-test ("test result: ... N passed; M failed") and node's
# TAP summary ("# pass N" / "# fail M"); a tier that failed without a failing test counts as one.
tier() { # name cmd...
  local name=$1; shift
  local log="$OUT/logs/$name.log" rc=0 p f
  say "tier: $name"
  HEARTBEAT_S=30 with_heartbeat "tier $name" to_log "$log" "$@" || rc=$?
  read -r p f < <(awk '
    match($0, /[0-9]+ passed/) { p += substr($0, RSTART, RLENGTH) + 0 }
    match($0, /[0-9]+ failed/) { f += substr($0, RSTART, RLENGTH) + 0 }
    /^# pass [0-9]+/ { p += $3 } /^# fail [0-9]+/ { f += $3 }
    END { print p + 0, f + 0 }' "$log")
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
    if [ "$rc" -eq 0 ]; then p=1; else f=1; fi          # a check, not a test runner
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # e.g. a crash after the tests
  PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); LAST_RC=$rc
  if [ "$rc" -eq 0 ]; then
    REPORT+=("ok    $name ($p passed)")
  else
    REPORT+=("FAIL  $name ($p passed, $f failed) — log: tests/.out/logs/$name.log")
    echo "---- $name failed; last lines of its log:"; tail -n 40 "$log"; echo "----"
  fi
}

tier fmt cargo fmt --all -- --check
# docs/architecture.svg is what docs/architecture.dot renders to (Graphviz).
tier diagrams "$ROOT/scripts/diagrams.sh" --check
tier clippy-native cargo clippy -q -p gatehouse-core -p gatehouse-sandbox -p gatehouse-config-check --all-targets --features gatehouse-core/openapi -- -D warnings
tier clippy-wasm32 cargo clippy -q --target wasm32-unknown-unknown -p gatehouse-core -p gatehouse-worker -p gatehouse-web -p gatehouse-bench-floor --all-targets -- -D warnings
tier unit-and-contract cargo test -p gatehouse-core -p gatehouse-sandbox -p gatehouse-config-check --features gatehouse-core/ts,gatehouse-core/openapi
tier fuzz "$ROOT/scripts/fuzz.sh"
tier deploy-config "$ROOT/scripts/deploy-check.sh"
# Sizes are deterministic: the budgets (worker ≤ 275 KB, npm package ≤ 45 KB, gzip) are checked here.
tier size-budgets node bench/sizes.mjs --check
# The OpenAPI document through a generator: types made by openapi-typescript, a typed client
# compiled against them (and run by tests/e2e/openapi-client.test.mjs).
tier openapi-typescript "$ROOT/scripts/openapi-ts.sh"
# The server kits, built as their users get them (run by tests/e2e/server-kit.test.mjs).
tier server-kits "$ROOT/scripts/kits.sh"

# Tiers that need the running product: the sandbox and the built worker in workerd, with a
# fresh Durable Object state directory of their own.
trap stop_groups EXIT
# Kept under tests/.out until the leak scan has searched it for tokens in the clear.
PERSIST="$OUT/state/main" && mkdir -p "$PERSIST"
if start_oauth_servers "$OUT/logs" && start_stack "$PERSIST" "$OUT/logs" --env test \
    --env-file "$ROOT/.dev.vars.example"; then
  tier web-wasm-chromium env WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$PAGE_PORT" \
    WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/tests/webdriver.json" WASM_BINDGEN_TEST_TIMEOUT=60 \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test --target wasm32-unknown-unknown -p gatehouse-web
  tier e2e-workerd node --test --test-reporter=tap --test-concurrency=1 "${E2E_WORKERD[@]}"
  # The npm package in a fresh Vite app, built and served on the test page origin (PAGE_PORT, on
  # the worker's CORS and return-page allowlists) once the wasm tests no longer use that port.
  # `vite preview` of an app's build on a port (each origin is on [env.test]'s CORS and
  # return-page allowlists); a missing server fails the browser tests that need it.
  preview() { # app-dir port-variable
    local dir=$1 var=$2
    ensure_port_free "${!var}" "$var" || return 0
    start_group "$OUT/logs/vite-preview-$(basename "$dir").log" bash -c "cd '$ROOT/$dir' && exec npx vite preview --host 127.0.0.1 --port ${!var} --strictPort"
    wait_for_url "http://127.0.0.1:${!var}/" 60 || true
  }
  tier vite-app "$ROOT/scripts/vite-app.sh"
  [ "$LAST_RC" -ne 0 ] || preview tests/vite-app PAGE_PORT
  # The same tarball in fresh React 19, Vue 3 and Svelte 5 apps (Vite) and a webpack 5 bundle,
  # built in sequence by their own toolchains (React's with tsc --noEmit on its typed use of the
  # elements, and the Node server-side rendering test); the Vite apps are served on their own
  # origins for the browser tests (the webpack test serves its build itself).
  tier framework-apps "$ROOT/scripts/vite-app.sh" tests/frameworks/react tests/frameworks/vue \
    tests/frameworks/svelte tests/frameworks/webpack
  preview tests/frameworks/react REACT_APP_PORT
  preview tests/frameworks/vue VUE_APP_PORT
  preview tests/frameworks/svelte SVELTE_APP_PORT
  tier e2e-playwright node --test --test-reporter=tap --test-concurrency=1 "${E2E_BROWSER[@]}"
  # The READMEs show the widget's states: the screenshots just taken, copied when they changed.
  [ "$LAST_RC" -ne 0 ] || "$ROOT/scripts/screenshots.sh"
  # Last against the stack: it resets credentials and starts onboardings of its own.
  tier openapi-schemathesis "$ROOT/scripts/schemathesis.sh"
  curl -fsS "$SANDBOX_URL/_control/issued" > "$OUT/issued.json" || echo '[]' > "$OUT/issued.json"
else
  FAILED=$((FAILED + 1)); REPORT+=("FAIL  start the real OAuth servers, sandbox + worker — logs in tests/.out/logs/")
fi
stop_groups
# After the servers stopped (their logs are complete): no secret or issued token anywhere.
tier leak-scan env ISSUED_TOKENS_FILE="$OUT/issued.json" STATE_DIR="$OUT/state" node --test --test-reporter=tap tests/leak-scan.mjs

echo
printf '%s\n' "${REPORT[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
