#!/usr/bin/env bash
# Shared by scripts/*.sh: pinned tool versions, idempotent installers, process control.
# Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

# ---- pinned tools ---------------------------------------------------------------------------
WORKER_BUILD_VERSION="0.8.7"
CARGO_FUZZ_VERSION=0.13.2
# Must equal the wasm-bindgen version in Cargo.lock (checked below).
WASM_BINDGEN_VERSION="0.2.130"
CHROME_FLAGS=(--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync)

# Local tool binaries (npm devDependencies, pinned in package-lock.json)
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
WRANGLER="$ROOT/node_modules/.bin/wrangler"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export CHROMEDRIVER=/usr/bin/chromedriver

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Prints the version cargo installed for a crate binary, or nothing.
installed_version() { cargo install --list 2>/dev/null | awk -v c="$1" '$1==c {gsub(/[v:]/,"",$2); print $2}'; }

ensure_rust_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || { say "adding rust target wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
}

ensure_cargo_tool() { # crate version [--locked]
  local crate=$1 version=$2; shift 2
  if [ "$(installed_version "$crate")" != "$version" ]; then
    say "installing $crate $version (takes a few minutes once)"
    cargo install "$crate" --version "$version" "$@"
  fi
}

ensure_wasm_bindgen() {
  local locked
  locked=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/,""); print; exit}' "$ROOT/Cargo.lock")
  if [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
    echo "Cargo.lock has wasm-bindgen $locked but scripts/lib.sh pins $WASM_BINDGEN_VERSION" >&2
    exit 1
  fi
  # `--locked` fails for this crate here (a locked dependency is missing from the index).
  ensure_cargo_tool wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
}

ensure_npm() {
  # node_modules is current when the lock file it was installed from is unchanged.
  if ! cmp -s "$ROOT/package-lock.json" "$ROOT/node_modules/.package-lock.json.installed" 2>/dev/null; then
    say "installing npm packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/package-lock.json" "$ROOT/node_modules/.package-lock.json.installed"
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian chromium and chromium-driver"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_dev_vars() {
  [ -f "$ROOT/.dev.vars" ] || { cp "$ROOT/.dev.vars.example" "$ROOT/.dev.vars"; say "created .dev.vars from .dev.vars.example"; }
}

setup_all() {
  ensure_rust_target
  ensure_cargo_tool worker-build "$WORKER_BUILD_VERSION" --locked
  ensure_wasm_bindgen
  ensure_npm
  ensure_chromium
  ensure_dev_vars
}

# ---- processes ------------------------------------------------------------------------------
# Each server is started in its own process group (setsid) and stopped by that group.
PGIDS=()

start_group() { # logfile cmd...
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 < /dev/null &
  PGIDS+=("$!")
  disown "$!" 2>/dev/null || true  # stopped by process group below; no job-control noise
}

stop_groups() {
  local pg
  for pg in "${PGIDS[@]:-}"; do
    [ -n "$pg" ] && kill -INT -- "-$pg" 2>/dev/null || true
  done
  sleep 0.5
  for pg in "${PGIDS[@]:-}"; do
    [ -n "$pg" ] && kill -KILL -- "-$pg" 2>/dev/null || true
  done
  PGIDS=()
}

# Waits until `url` answers: with a 2xx (wait_for_url) or with any HTTP status, a 401 included
# (wait_for_http).
wait_until_answers() { # curl-fail-flag url seconds
  local fail=$1 url=$2 deadline=$(( $(date +%s) + $3 ))
  until curl -sS $fail -o /dev/null "$url" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for $url" >&2; return 1; }
    sleep 0.2
  done
}
wait_for_url() { wait_until_answers -f "$1" "$2"; }
wait_for_http() { wait_until_answers "" "$1" "$2"; }


# Real OAuth servers for the test tiers (tests/real-oauth/): oidc-provider from npm,
# django-oauth-toolkit from PyPI (its venv is cached under ~/.cache/gatehouse by its start.sh).
ensure_oauth_servers() {
  local dir="$ROOT/tests/real-oauth/oidc"
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
    say "installing oidc-provider (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
  fi
}

start_oauth_servers() { # logdir
  local logs=$1
  start_group "$logs/oidc-provider.log" env PORT=18791 node "$ROOT/tests/real-oauth/oidc/server.mjs"
  start_group "$logs/django-oauth-toolkit.log" env PORT=18792 ACCESS_TTL_S=3 bash "$ROOT/tests/real-oauth/dot/start.sh"
  wait_for_http "http://127.0.0.1:18791/realms/acme/.well-known/openid-configuration" 60
  wait_for_http "http://127.0.0.1:18792/api/v1/member/ping" 300
}

# Starts the sandbox and the worker (wrangler dev on the built output) on the given ports. The
# worker's partner URLs come from wrangler.toml: the top level for 8790, [env.test] for 18790.
start_stack() { # sandbox_port worker_port persist_dir logdir [extra wrangler args...]
  local sp=$1 wp=$2 persist=$3 logs=$4; shift 4
  start_group "$logs/sandbox.log" env SANDBOX_PORT="$sp" "$ROOT/target/debug/gatehouse-sandbox"
  wait_for_url "http://127.0.0.1:$sp/_control/counters" 30
  start_group "$logs/worker.log" "$WRANGLER" dev --config "$ROOT/wrangler.toml" \
    --ip 127.0.0.1 --port "$wp" --inspector-port "$((wp + 1000))" --persist-to "$persist" \
    --show-interactive-dev-session=false "$@"
  wait_for_url "http://127.0.0.1:$wp/api/health" 60
}
