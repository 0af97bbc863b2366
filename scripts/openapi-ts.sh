#!/usr/bin/env bash
# The OpenAPI document as a generator reads it (issue 15 §6): openapi-typescript (npm, pinned in
# tests/openapi-ts/package-lock.json) makes TypeScript types from the committed www/openapi.json,
# and `tsc --noEmit` compiles the typed openapi-fetch client tests/openapi-ts/client.ts against
# them. tests/e2e/openapi-client.test.mjs then runs that client against the worker.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/tests/openapi-ts"
ensure_node
ensure_npm_ci "$ROOT/tests/openapi-ts" "openapi-typescript, openapi-fetch, typescript (test fixture)"
mkdir -p generated
npx --no-install openapi-typescript "$ROOT/www/openapi.json" -o generated/api.d.ts
npx --no-install tsc -p tsconfig.json
echo "openapi-typescript: types generated from www/openapi.json; the typed client compiles"
