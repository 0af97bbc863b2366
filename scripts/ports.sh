# shellcheck shell=bash
# The one place for ports: every server the run, test and bench commands start listens on
# 127.0.0.1 at one of these. Each is an environment variable; the table holds the defaults, one
# column for `make run`, one for `make test` / `make bench` / scripts/e2e-dev.sh ("-": that
# command does not start it). Sourced by scripts/lib.sh; tests/ports.mjs reads the same table.
#
# To move them: set the variables, e.g.
#   GATEHOUSE_PORT=9787 SANDBOX_PORT=9790 make run
# When a port differs from its default, the start scripts give wrangler a copy of wrangler.toml
# (and of www/ for its CSP) with the URLs rewritten (scripts/render-config.mjs), because
# wrangler.toml names the sandbox and the test origins in several vars.
#
# An inspector port of 0 lets the system pick a free one (the tests never attach a debugger).
#
# name                  run     test    what listens there
PORT_TABLE='
GATEHOUSE_PORT          8787    18787   the worker (wrangler dev): pages and /api
SANDBOX_PORT            8790    18790   the partner sandbox (crates/sandbox)
INSPECTOR_PORT          9787    0       the devtools inspector of wrangler dev
OIDC_PORT               -       18791   oidc-provider, a real OAuth server (tests/real-oauth/oidc)
DOT_PORT                -       18792   django-oauth-toolkit, a real OAuth server (tests/real-oauth/dot)
PAGE_PORT               -       18799   a second browser origin: wasm-bindgen-test, then vite preview
REACT_APP_PORT          -       18801   vite preview of the React app (tests/frameworks/react)
VUE_APP_PORT            -       18802   vite preview of the Vue app (tests/frameworks/vue)
SVELTE_APP_PORT         -       18803   vite preview of the Svelte app (tests/frameworks/svelte)
MODES_WORKER_PORT       -       18776   tests/e2e/modes.test.mjs: a worker in production mode
RESTART_WORKER_PORT     -       18777   tests/e2e/restart.test.mjs: a worker it kills and restarts
WEBHOOKS_WORKER_PORT    -       18778   tests/e2e/webhooks.test.mjs: a worker with webhook targets
WEBHOOK_RECEIVER_PORT   -       18796   tests/e2e/webhooks.test.mjs: the webhook receiver
TRAP_PORT               -       18797   tests/e2e/hardening.test.mjs: a server nothing may reach
BASELINE_PORT           -       18788   make bench: the baseline JavaScript worker
'

# Sets (unless already set) and exports every port of `mode` (run or test), and the URLs the
# tests and the bench read: GATEHOUSE_URL, SANDBOX_URL, OIDC_URL, DOT_URL, PAGE_URL.
use_ports() { # run|test
  local mode=$1 name run test _ default
  PORTS_MODE=$mode PORT_NAMES=() PORTS_MOVED=()
  while read -r name run test _; do
    [ -n "$name" ] || continue
    if [ "$mode" = run ]; then default=$run; else default=$test; fi
    [ "$default" != - ] || continue
    PORT_NAMES+=("$name")
    if [ -z "${!name:-}" ]; then
      printf -v "$name" '%s' "$default"
    elif ! [[ ${!name} =~ ^[0-9]+$ ]] || [ "${!name}" -gt 65535 ]; then
      echo "$name must be a port number, got '${!name}'" >&2; return 1
    elif [ "${!name}" != "$default" ]; then
      PORTS_MOVED+=("$name")
    fi
    export "${name?}"
  done <<<"$PORT_TABLE"
  export PORTS_MODE
  export GATEHOUSE_URL="http://127.0.0.1:$GATEHOUSE_PORT" SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
  if [ "$mode" = test ]; then
    export OIDC_URL="http://127.0.0.1:$OIDC_PORT" DOT_URL="http://127.0.0.1:$DOT_PORT"
    export PAGE_URL="http://127.0.0.1:$PAGE_PORT"
  fi
}

# One line per port in use, for the start messages.
describe_ports() {
  local name
  for name in "${PORT_NAMES[@]}"; do printf '  %-22s %s\n' "$name" "${!name}"; done
}
