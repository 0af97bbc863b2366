#!/usr/bin/env bash
# Runs every libFuzzer target of the core crate (crates/core/fuzz) for FUZZ_SECONDS each (default
# 20), after replaying the inputs that once crashed it (crates/core/fuzz/regressions/<target>/).
# A crash fails the run; libFuzzer leaves the input in crates/core/fuzz/artifacts/<target>/ —
# copy it to regressions/<target>/ when fixing the bug. cargo-fuzz needs nightly-only compiler
# flags: RUSTC_BOOTSTRAP=1 lets the machine's stable toolchain accept them for this build only.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT/crates/core"
ensure_cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION" --locked
export RUSTC_BOOTSTRAP=1
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
