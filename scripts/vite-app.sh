#!/usr/bin/env bash
# The npm package in a real app: packs crates/web/pkg (`npm pack`), installs the tarball into the
# fresh Vite app in tests/vite-app (its own pinned vite and typescript), type-checks the usage
# example (`tsc --noEmit`) and builds it (`vite build` → tests/vite-app/dist) for the worker at
# GATEHOUSE_URL (VITE_GATEHOUSE_URL).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_ports test
app="$ROOT/tests/vite-app"
pack=$(mktemp -d)
(cd "$ROOT/crates/web/pkg" && npm pack --pack-destination "$pack" --loglevel=error >/dev/null)
tarball=$(ls "$pack"/gatehouse-web-*.tgz)
ensure_npm_ci "$app" "the Vite app's vite and typescript"
cd "$app"
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
echo "installed $(basename "$tarball") ($(wc -c <"$tarball") bytes packed)"
npx tsc --noEmit
echo "tsc --noEmit: ok"
VITE_GATEHOUSE_URL="$GATEHOUSE_URL" npx vite build --logLevel warn
grep -q "$GATEHOUSE_URL" dist/assets/*.js || { echo "the build does not name $GATEHOUSE_URL"; exit 1; }
echo "vite build: ok (worker: $GATEHOUSE_URL)"
rm -rf "$pack"
