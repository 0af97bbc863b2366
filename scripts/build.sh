#!/usr/bin/env bash
# Builds, by part (default: all):
#   sandbox  the partner sandbox (native)
#   worker   the worker (worker-build, no downloads; the exports no JavaScript can call removed —
#            scripts/worker-exports.mjs —, then wasm-opt once more for size) → crates/worker/build
#   web      the browser package (wasm-bindgen + wasm-opt, the entry and typings of crates/web/package/)
#            → crates/web/pkg; its `npm pack` contents → www/pkg (served at /pkg/ with CORS)
#   assets   the deployments' static assets → target/assets/{staging,production}
#   floor    `make bench` only: the least a Rust Worker can do to forward a call (bench/floor),
#            built as the worker is → bench/floor/build
# The worker and the browser package are rebuilt only when their inputs changed (the sources of
# crates/core and of their crate, Cargo.toml, Cargo.lock, the tools' versions and this script):
# a fingerprint of them is kept in target/fingerprints/. FORCE_BUILD=1 rebuilds anyway.
#
# The worker and the browser package are size builds (docs/size.md): std is compiled with them
# (`-Zbuild-std`) so that a panic is a bare trap (`-Cpanic=immediate-abort`: no formatting
# machinery, no unwinding strings), no source locations are embedded (`-Zlocation-detail=none`)
# and `{:?}` prints nothing (`-Zfmt-debug=none`, serde's and worker-rs's `Debug` texts included;
# none of Gatehouse's own text uses `{:?}`: docs/size.md). These are
# unstable Cargo/rustc options, enabled for these builds only with RUSTC_BOOTSTRAP=1 on the
# pinned stable toolchain, in their own target directory (target/size). Together they took about
# 22 KB (gzip) off the worker. SIZE_BUILD=stable builds without them: same behaviour, larger files
# (the size budgets then fail). The worker's unused exports are removed in both.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
parts=("$@"); [ ${#parts[@]} -gt 0 ] || parts=(sandbox worker web assets)
mkdir -p "$TARGET" target/fingerprints

WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)

# A hash of everything that goes into a part's output (crate folders as git sees them, edits
# and untracked files included; ignored build outputs left out).
fingerprint() { # crate-dir...
  {
    git ls-files -z -co --exclude-standard -- "$@" Cargo.toml Cargo.lock scripts/build.sh \
      | xargs -0 -r sha256sum
    rustc -V; echo "$WORKER_BUILD_VERSION $WASM_BINDGEN_VERSION ${SIZE_BUILD:-std}"; "$WASM_OPT_BIN" --version
  } | sha256sum | cut -c1-16
}
# True when `stamp` holds `print` and every `output` exists.
current() { # stamp print output...
  local stamp=$1 print=$2; shift 2
  [ "${FORCE_BUILD:-}" != 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$print" ] || return 1
  local f; for f in "$@"; do [ -e "$f" ] || return 1; done
}

SIZE_DIR="$TARGET/size"
size_build() { # command... — runs it with the size build's environment
  if [ "${SIZE_BUILD:-std}" = stable ]; then
    CARGO_TARGET_DIR="$SIZE_DIR" "$@"
  else
    CARGO_TARGET_DIR="$SIZE_DIR" RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
      RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" "$@"
  fi
}

build_sandbox() {
  step "building the sandbox (cargo build)" cargo build -q -p gatehouse-sandbox
}

build_worker() {
  local print stamp=target/fingerprints/worker
  print=$(fingerprint crates/core crates/worker scripts/worker-exports.mjs)
  if current "$stamp" "$print" crates/worker/build/index.js crates/worker/build/index_bg.wasm; then
    say "the worker is up to date (crates/worker/build)"; return 0
  fi
  rm -f "$stamp"
  (cd crates/worker && step "building the worker (worker-build --release; log: ${TARGET#"$ROOT"/}/worker-build.log)" \
    logged "$TARGET/worker-build.log" size_build worker-build --release)
  # The exports no JavaScript can call (dependencies' classes the worker never uses) out, so that
  # wasm-opt removes the code only they reached (scripts/worker-exports.mjs: what the glue names
  # stays). Not wasm-metadce: same exports removed, but its output gzips 5 KB larger after -Oz.
  local wasm=crates/worker/build/index_bg.wasm js=crates/worker/build/index.js
  local untrimmed="$TARGET/worker-untrimmed.wasm"
  cp "$wasm" "$untrimmed"
  node scripts/worker-exports.mjs trim "$js" "$untrimmed" "$wasm" >&2
  # worker-build runs wasm-opt at its default level; optimise once more for size.
  step "optimising the worker for size (wasm-opt -Oz)" "$WASM_OPT_BIN" -Oz --converge --strip-producers \
    --strip-target-features "${WASM_FEATURES[@]}" "$wasm" -o "$wasm"
  node scripts/worker-exports.mjs check "$js" "$untrimmed" "$wasm" >&2
  echo "$print" >"$stamp"
}

build_web() {
  local print stamp=target/fingerprints/web
  print=$(fingerprint crates/core crates/web CHANGELOG.md)
  if current "$stamp" "$print" crates/web/pkg/gatehouse_web_bg.wasm www/pkg/gatehouse_web_bg.wasm; then
    say "the browser package is up to date (crates/web/pkg, www/pkg)"; return 0
  fi
  step "building the browser package (cargo build --target wasm32-unknown-unknown)" \
    size_build cargo build -q --release --target wasm32-unknown-unknown -p gatehouse-web
  rm -rf crates/web/pkg && mkdir -p crates/web/pkg
  "$WASM_BINDGEN_BIN" --target web --out-dir crates/web/pkg --out-name gatehouse_web \
    "$SIZE_DIR/wasm32-unknown-unknown/release/gatehouse_web.wasm"
  step "optimising the browser package (wasm-opt -Oz)" \
    "$WASM_OPT_BIN" -Oz --converge --strip-producers --strip-target-features "${WASM_FEATURES[@]}" \
    crates/web/pkg/gatehouse_web_bg.wasm -o crates/web/pkg/gatehouse_web_bg.wasm
  # The package's entry and typings, its README and the changelog (crates/web/package/).
  cp crates/web/README.md CHANGELOG.md crates/web/package/* crates/web/pkg/
  # What browsers download is minified (esbuild, pinned): comments and whitespace are most of the
  # wasm-bindgen glue's and the elements' bytes. The declarations (.d.ts) keep every doc comment.
  local js
  while IFS= read -r -d '' js; do
    "$ESBUILD_BIN" "$js" --minify --keep-names --format=esm --log-level=warning --allow-overwrite --outfile="$js"
  done < <(find crates/web/pkg -name '*.js' -print0)
  sed "s/\"version\": \"0.0.0\"/\"version\": \"$(cargo pkgid -p gatehouse-web | sed 's/.*[#@]//')\"/" \
    crates/web/package.template.json > crates/web/pkg/package.json
  # The worker serves exactly what npm would install (www/_headers: CORS on /pkg/*), so a page
  # can load the package version its worker speaks: the files of the `npm pack` tarball.
  local pack; pack=$(mktemp -d)
  (cd crates/web/pkg && npm pack --pack-destination "$pack" --loglevel=error >/dev/null)
  rm -rf www/pkg && mkdir -p www/pkg
  tar -xzf "$pack"/gatehouse-web-*.tgz -C www/pkg --strip-components=1
  rm -rf "$pack"
  echo "$print" >"$stamp"
}

# The deployments' static assets: www/ with each environment's security headers (frame-ancestors
# from FRAME_ANCESTORS, form-action to its white-label app), from its wrangler.toml section.
build_assets() {
  step "building the configuration check (cargo build)" cargo build -q -p gatehouse-config-check
  say "writing the deployments' assets (target/assets/{staging,production})"
  local env
  for env in staging production; do
    rm -rf "target/assets/$env" && mkdir -p target/assets && cp -r www "target/assets/$env"
    "$TARGET/debug/gatehouse-config-check" --env "$env" --headers-from www/_headers > "target/assets/$env/_headers"
  done
}

# The bench's floor (bench/floor, bench/README.md): the same build as the worker's, without the
# trimming of exports (it has none to spare) or the second wasm-opt pass.
build_floor() {
  local print stamp=target/fingerprints/floor
  print=$(fingerprint bench/floor)
  if current "$stamp" "$print" bench/floor/build/index.js bench/floor/build/index_bg.wasm; then
    say "the bench's floor is up to date (bench/floor/build)"; return 0
  fi
  (cd bench/floor && step "building the bench's floor (worker-build --release; log: ${TARGET#"$ROOT"/}/floor-build.log)" \
    logged "$TARGET/floor-build.log" size_build worker-build --release)
  echo "$print" >"$stamp"
}

for part in "${parts[@]}"; do
  case $part in
    sandbox|worker|web|assets|floor) "build_$part" ;;
    *) echo "unknown part '$part' (sandbox, worker, web, assets, floor)" >&2; exit 2 ;;
  esac
done
