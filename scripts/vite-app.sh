#!/usr/bin/env bash
# The npm package in a real app: packs crates/web/pkg (`npm pack`), installs the tarball into the
# fresh Vite app in tests/vite-app (its own pinned vite and typescript), type-checks the usage
# example (`tsc --noEmit`) and builds it (`vite build` → tests/vite-app/dist).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
app="$ROOT/tests/vite-app"
pack=$(mktemp -d)
(cd "$ROOT/crates/web/pkg" && npm pack --pack-destination "$pack" --loglevel=error >/dev/null)
tarball=$(ls "$pack"/gatehouse-web-*.tgz)
cd "$app"
if ! cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.package-lock.json.installed
fi
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
echo "installed $(basename "$tarball") ($(wc -c <"$tarball") bytes packed)"
npx tsc --noEmit
echo "tsc --noEmit: ok"
npx vite build --logLevel warn
echo "vite build: ok"
rm -rf "$pack"
