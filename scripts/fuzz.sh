#!/usr/bin/env bash
# Runs every libFuzzer target of the core crate (crates/core/fuzz) for FUZZ_SECONDS each (default
# 20), after replaying the inputs that once crashed it (crates/core/fuzz/regressions/<target>/).
# A crash fails the run; libFuzzer leaves the input in crates/core/fuzz/artifacts/<target>/ —
# copy it to regressions/<target>/ when fixing the bug. cargo-fuzz needs nightly-only compiler
# flags: RUSTC_BOOTSTRAP=1 lets the machine's stable toolchain accept them for this build only.
#
# Kept apart from everything else: cargo-fuzz is installed here (not by the setup), the targets
# are their own workspace with their own Cargo.lock, and when a toolchain update breaks cargo-fuzz
# or its flags, this tier alone fails, saying so (and that it is not a crash found by fuzzing).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/crates/core"
rustc_v=$(rustc -V)
toolchain_problem() { # what
  cat <<MSG
fuzz: $1 with $rustc_v.
fuzz: This is the fuzzing setup failing (cargo-fuzz $CARGO_FUZZ_VERSION and the nightly-only flags it
fuzz: passes through RUSTC_BOOTSTRAP=1), not a crash found by fuzzing; the other tiers do not use it.
fuzz: Look at the lines above; if a Rust update caused it, try a newer cargo-fuzz (CARGO_FUZZ_VERSION in
fuzz: scripts/lib.sh) or pin the toolchain for fuzzing (RUSTUP_TOOLCHAIN=<version> scripts/fuzz.sh).
MSG
  exit 1
}
ensure_cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION" --locked || toolchain_problem "cargo install cargo-fuzz $CARGO_FUZZ_VERSION --locked failed"
export RUSTC_BOOTSTRAP=1
build_log="${TEST_OUT:-$ROOT/tests/.out}/logs/fuzz-build.log"
step "building the fuzz targets (cargo fuzz build; log: ${build_log#"$ROOT"/})" logged "$build_log" cargo fuzz build \
  || toolchain_problem "cargo fuzz build failed"
seconds=${FUZZ_SECONDS:-20}
passed=0 failed=0
for target in $(cargo fuzz list); do
  say "fuzz: $target (${seconds}s)"
  ok=1
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    cargo fuzz run "$target" fuzz/regressions/"$target"/* || ok=0
  fi
  mkdir -p "fuzz/corpus/$target"
  cargo fuzz run "$target" "fuzz/corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 || ok=0
  if [ "$ok" = 1 ]; then passed=$((passed + 1)); echo "fuzz target $target: no crash"; else failed=$((failed + 1)); echo "fuzz target $target: CRASH"; fi
done
echo "fuzz: $passed passed; $failed failed"
[ "$failed" -eq 0 ]
