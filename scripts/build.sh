#!/usr/bin/env bash
# Builds the sandbox (native), the worker (worker-build, no downloads) and the browser package
# (wasm-bindgen + wasm-opt) into crates/web/pkg and www/pkg.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

say "building the sandbox"
cargo build -q -p gatehouse-sandbox

say "building the worker (worker-build --release)"
(cd crates/worker && worker-build --release >"$ROOT/target/worker-build.log" 2>&1) \
  || { tail -n 40 "$ROOT/target/worker-build.log"; exit 1; }
# worker-build runs wasm-opt at its default level; optimise once more for size.
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
"$WASM_OPT_BIN" -Oz --converge --strip-producers --strip-target-features "${WASM_FEATURES[@]}" crates/worker/build/index_bg.wasm -o crates/worker/build/index_bg.wasm

say "building the browser package"
cargo build -q --release --target wasm32-unknown-unknown -p gatehouse-web
rm -rf crates/web/pkg && mkdir -p crates/web/pkg
"$WASM_BINDGEN_BIN" --target web --out-dir crates/web/pkg --out-name gatehouse_web \
  target/wasm32-unknown-unknown/release/gatehouse_web.wasm
"$WASM_OPT_BIN" -Oz "${WASM_FEATURES[@]}" crates/web/pkg/gatehouse_web_bg.wasm -o crates/web/pkg/gatehouse_web_bg.wasm
sed "s/\"version\": \"0.0.0\"/\"version\": \"$(cargo pkgid -p gatehouse-web | sed 's/.*[#@]//')\"/" \
  crates/web/package.template.json > crates/web/pkg/package.json
cp crates/web/README.md crates/web/pkg/README.md
rm -rf www/pkg && cp -r crates/web/pkg www/pkg

# The deployments' static assets: www/ with each environment's security headers (frame-ancestors
# from FRAME_ANCESTORS, form-action to its white-label app), from its wrangler.toml section.
say "writing the deployments' assets (target/assets/{staging,production})"
cargo build -q -p gatehouse-config-check
for env in staging production; do
  rm -rf "target/assets/$env" && mkdir -p target/assets && cp -r www "target/assets/$env"
  target/debug/gatehouse-config-check --env "$env" --headers-from www/_headers > "target/assets/$env/_headers"
done
