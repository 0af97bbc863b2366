#!/usr/bin/env bash
# The npm package in real apps: packs crates/web/pkg once (`npm pack`, the tarball npm users get),
# then for each app given (default: tests/vite-app), in sequence: installs its pinned toolchain
# (`npm ci`, skipped while its package-lock.json is unchanged), installs the tarball, type-checks
# it when it has a tsconfig.json (`tsc --noEmit`), builds it with its own toolchain (`npm run
# build`: `vite build`, or webpack for tests/frameworks/webpack → <app>/dist) for the worker at
# GATEHOUSE_URL (VITE_GATEHOUSE_URL), and runs its Node tests (<app>/*.test.mjs, e.g. the
# server-side rendering import) against the installed package.
#   scripts/vite-app.sh                          the plain Vite + TypeScript app
#   scripts/vite-app.sh tests/frameworks/react tests/frameworks/vue tests/frameworks/svelte tests/frameworks/webpack
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_ports test
apps=("$@"); [ ${#apps[@]} -gt 0 ] || apps=(tests/vite-app)
pack=$(mktemp -d)
trap 'rm -rf "$pack"' EXIT
(cd "$ROOT/crates/web/pkg" && npm pack --pack-destination "$pack" --loglevel=error >/dev/null)
tarball=$(ls "$pack"/gatehouse-web-*.tgz)
echo "packed $(basename "$tarball") ($(wc -c <"$tarball") bytes)"
for rel in "${apps[@]}"; do
  app="$ROOT/${rel#"$ROOT"/}"
  name=$(basename "$app")
  echo "== $name ($rel)"
  ensure_npm_ci "$app" "the $name app's toolchain"
  (
    cd "$app"
    npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
    echo "$name: installed $(node -p 'require("@gatehouse/web/package.json").version' 2>/dev/null || basename "$tarball")"
    if [ -f tsconfig.json ]; then npx tsc --noEmit; echo "$name: tsc --noEmit: ok"; fi
    rm -rf dist
    VITE_GATEHOUSE_URL="$GATEHOUSE_URL" npm run --silent build
    grep -qr --include='*.js' "$GATEHOUSE_URL" dist/ || { echo "$name: the build does not name $GATEHOUSE_URL"; exit 1; }
    echo "$name: build: ok (worker: $GATEHOUSE_URL)"
    tests=(*.test.mjs)
    if [ -e "${tests[0]}" ]; then node --test --test-reporter=tap "${tests[@]}"; fi
  )
done
