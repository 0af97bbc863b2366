#!/usr/bin/env bash
# Keeps the READMEs' pictures of the onboarding widget current: after the browser tests passed,
# copies the widget-only screenshots they took (tests/.out/screenshots/widget/, taken by
# tests/e2e/browser/page.test.mjs with animations stopped) over docs/img/widget-<state>.png when
# the pixels' file differs, and says which changed — commit those with the change that moved them.
# A fresh test run is deterministic (same fonts, fresh sandbox and worker state, tests in name
# order), so a file changes only when the widget's look or the demo data did.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
from="${TEST_OUT:-$ROOT/tests/.out}/screenshots/widget"
mkdir -p "$ROOT/docs/img"
for state in 1-choose 7-popup-connecting 4-binding 6-denied; do
  src="$from/$state.png" dst="$ROOT/docs/img/widget-${state#*-}.png"
  if [ ! -f "$src" ]; then echo "screenshots: no $src (was the onboarding widget test skipped?)"; continue; fi
  if cmp -s "$src" "$dst"; then echo "screenshots: ${dst#"$ROOT"/} is current"
  else cp "$src" "$dst"; echo "screenshots: updated ${dst#"$ROOT"/} — commit it"; fi
done
