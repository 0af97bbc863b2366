#!/usr/bin/env bash
# The run command: checks the machine (scripts/doctor.sh), installs what is missing for what it
# runs, builds, starts the partner sandbox and the worker (which serves the pages in www/), prints
# the URLs, and stops everything on Ctrl-C. Ports: GATEHOUSE_PORT (8787), SANDBOX_PORT (8790),
# INSPECTOR_PORT (9787) — scripts/ports.sh.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
use_ports run
started=$(date +%s)

"$ROOT/scripts/doctor.sh" run
ensure_ports_free
LOGS="$ROOT/.wrangler/logs"; mkdir -p "$LOGS"

setup_run
"$ROOT/scripts/build.sh" sandbox worker web

trap 'say "stopping"; stop_groups' EXIT
trap 'exit 0' INT TERM
# Local Durable Object state, one directory per wrangler version: state a newer workerd wrote
# crashes an older one at start ("table _cf_ALARM has 3 columns but 2 values were supplied").
wrangler_version=$(node -p 'require("./node_modules/wrangler/package.json").version')
start_stack "$ROOT/.wrangler/state/wrangler-$wrangler_version" "$LOGS" --env-file "$ROOT/.dev.vars"

cat <<MSG

  Gatehouse is running:   $GATEHOUSE_URL          (ready in $(elapsed $(( $(date +%s) - started ))))
  API health:             $GATEHOUSE_URL/api/health
  Partner sandbox:        $SANDBOX_URL   (see crates/sandbox/README.md)
  Logs:                   $LOGS/{worker,sandbox}.log

  Press Ctrl-C to stop.
MSG
# Stay in the foreground until Ctrl-C or until a server exits.
while kill -0 -- "-${PGIDS[0]}" 2>/dev/null && kill -0 -- "-${PGIDS[1]}" 2>/dev/null; do sleep 1; done
say "a server exited; see $LOGS"
exit 1
