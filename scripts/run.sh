#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts the partner sandbox and the worker
# (which serves the pages in www/), prints the URL, and stops everything on Ctrl-C.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

SANDBOX_PORT=8790   # wrangler.toml [vars] point the worker here
WORKER_PORT=8787
LOGS="$ROOT/.wrangler/logs"; mkdir -p "$LOGS"

setup_all
"$ROOT/scripts/build.sh"

trap 'say "stopping"; stop_groups' EXIT
trap 'exit 0' INT TERM
start_stack "$SANDBOX_PORT" "$WORKER_PORT" "$ROOT/.wrangler/state" "$LOGS"

cat <<MSG

  Gatehouse is running:   http://127.0.0.1:$WORKER_PORT
  API health:             http://127.0.0.1:$WORKER_PORT/api/health
  Partner sandbox:        http://127.0.0.1:$SANDBOX_PORT   (see crates/sandbox/README.md)
  Logs:                   $LOGS/{worker,sandbox}.log

  Press Ctrl-C to stop.
MSG
# Stay in the foreground until Ctrl-C or until a server exits.
while kill -0 "${PGIDS[0]}" 2>/dev/null && kill -0 "${PGIDS[1]}" 2>/dev/null; do sleep 1; done
say "a server exited; see $LOGS"
exit 1
