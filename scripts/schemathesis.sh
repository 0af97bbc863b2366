#!/usr/bin/env bash
# The API reference checked against the real routes: schemathesis (PyPI, pinned in
# tests/schemathesis/requirements.txt) loads www/openapi.json from the running worker and
# generates requests for every operation (examples, coverage, fuzzing and the stateful phase that
# follows the document's links), four times: with the operators' key, a portal session (owner),
# the proxy key, and a scoped server key (docs/server.md: proxy, onboarding:read and
# connections:read, for one organization). Checks: no 5xx, every answer matches the documented
# schema and content type.
# Run by scripts/test.sh while the test stack is up; GATEHOUSE_URL names it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
use_ports test
venv=$(ensure_venv schemathesis "$ROOT/tests/schemathesis/requirements.txt")
url="$GATEHOUSE_URL"
key() { node --input-type=module -e 'import { devVar } from "./tests/dev-vars.mjs"; console.log(devVar(process.argv[1]));' "$1"; }
session=$(node -e 'import("./tests/e2e/session.mjs").then((m) => console.log(m.mint(m.claims({
  provider_org_id: "org_schemathesis", role: "owner", exp: Math.floor(Date.now() / 1000) + 1800 }))))')
export SCHEMATHESIS_HOOKS="" NO_COLOR=1
# --request-timeout 30: GET /api/onboarding/{id}?wait=N long-polls up to 25 s (the document's
# maximum) when If-None-Match matches, which the fuzzer sends; its default 10 s would call a
# documented wait a network error.
failed=0
# The scoped key is made through the operators' API, like any deployment's, and recorded for the
# leak scan (tests/e2e/env.mjs enteredSecret's file).
scoped_key() {
  local out="${TEST_OUT:-$ROOT/tests/.out}"
  mkdir -p "$out"
  node --input-type=module -e '
    import { appendFileSync } from "node:fs";
    const r = await fetch(`${process.argv[1]}/api/admin/keys`, { method: "POST",
      headers: { authorization: `Bearer ${process.argv[2]}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "schemathesis", scopes: ["proxy", "onboarding:read", "connections:read"],
        organizations: ["org_schemathesis"] }) });
    if (r.status !== 201) throw new Error(`making the scoped key: ${r.status} ${await r.text()}`);
    const { secret } = await r.json();
    appendFileSync(process.argv[3], `${secret}\n`);
    process.stdout.write(secret);' "$url" "$(key ADMIN_API_KEY)" "$out/entered-secrets.txt"
}
for who in admin session proxy scoped-key; do
  case $who in
    admin) token=$(key ADMIN_API_KEY) ;;
    session) token=$session ;;
    proxy) token=$(key PROXY_API_KEY) ;;
    scoped-key) token=$(scoped_key) ;;
  esac
  log="${TEST_OUT:-$ROOT/tests/.out}/logs/schemathesis-$who.log"
  mkdir -p "$(dirname "$log")"
  say "schemathesis as $who (log: $log)"
  if "$venv/bin/schemathesis" run "$url/openapi.json" --url "$url" -H "Authorization: Bearer $token" \
      --checks not_a_server_error,response_schema_conformance,content_type_conformance \
      --phases examples,coverage,fuzzing,stateful --max-examples 25 --workers 1 \
      --seed 20261202 --wait-for-schema 30 --request-timeout 30 >"$log" 2>&1; then
    echo "schemathesis as $who: ok, $(grep -oE '[0-9]+ generated' "$log" | head -n 1) test cases, every check held"
  else
    tail -n 60 "$log"; echo "schemathesis as $who: FAILED"; failed=1
  fi
done
exit $failed
