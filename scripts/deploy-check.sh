#!/usr/bin/env bash
# The shipped deployments (wrangler.toml [env.staging], [env.production]) as a user would deploy
# them: the pre-deploy check (`make check-config`, the worker's own loaders, and every secret in
# use declared in `[secrets] required`), then wrangler's own validation of the configuration and
# bundle (`wrangler deploy --dry-run`: bindings, Durable Object migrations, assets). A real deploy
# also refuses to go ahead while a `[secrets] required` secret is unset; that needs an account.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
for env in staging production; do
  say "check-config ENV=$env"
  cargo run -q -p gatehouse-config-check -- --env "$env"
  say "wrangler deploy --dry-run --env $env"
  out=$(mktemp -d)
  "$WRANGLER" deploy --dry-run --env "$env" --outdir "$out" 2>&1 | tee "$out/log" | grep -E "Durable Object|Total Upload|ERROR" || true
  grep -q -- "--dry-run: exiting now." "$out/log" || { cat "$out/log"; exit 1; }
  grep -q "env.WEBHOOK_OUTBOX (WebhookOutbox)" "$out/log" || { echo "WEBHOOK_OUTBOX binding missing for $env"; exit 1; }
  grep -q "assets directory $ROOT/target/assets/$env" "$out/log" || { echo "$env does not deploy target/assets/$env"; exit 1; }
  grep -q "frame-ancestors" "target/assets/$env/_headers" || { echo "no CSP in target/assets/$env/_headers"; exit 1; }
  rm -rf "$out"
done
echo "deployments: OK"
