#!/usr/bin/env bash
# Builds the server kits (issue 15 §5): @gatehouse/server (kits/node: npm ci, types generated from
# www/openapi.json by openapi-typescript, tsc to dist/). tests/e2e/server-kit.test.mjs runs it
# against the worker.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node
ensure_npm_ci "$ROOT/kits/node" "the Node server kit's tools (typescript, openapi-typescript)"
cd "$ROOT/kits/node"
rm -rf dist
npx --no-install openapi-typescript "$ROOT/www/openapi.json" -o src/generated/api.ts
npx --no-install tsc -p tsconfig.json
echo "kits/node: @gatehouse/server built (dist/index.js, dist/index.d.ts)"
