#!/usr/bin/env bash
# Keeps the READMEs' pictures of the elements current: after the browser tests passed, copies the
# element-only screenshots they took (animations stopped) over docs/img/ when the pixels' file
# differs, and says which changed — commit those with the change that moved them:
# tests/.out/screenshots/widget/ (tests/e2e/browser/page.test.mjs) → docs/img/widget-<state>.png,
# tests/.out/screenshots/connect/ (connect-element.test.mjs) → docs/img/connect-<state>.png.
# A fresh test run is deterministic (same fonts, fresh sandbox and worker state, tests in name
# order), so a file changes only when the widget's look or the demo data did.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
shots="${TEST_OUT:-$ROOT/tests/.out}/screenshots"
mkdir -p "$ROOT/docs/img"
for shot in widget/1-choose widget/7-popup-connecting widget/4-binding widget/6-denied \
    connect/1-form connect/2-refused connect/3-active connect/4-update; do
  element=${shot%%/*} state=${shot#*/}
  src="$shots/$shot.png" dst="$ROOT/docs/img/$element-${state#*-}.png"
  if [ ! -f "$src" ]; then echo "screenshots: no $src (was its browser test skipped?)"; continue; fi
  if cmp -s "$src" "$dst"; then echo "screenshots: ${dst#"$ROOT"/} is current"
  else cp "$src" "$dst"; echo "screenshots: updated ${dst#"$ROOT"/} — commit it"; fi
done
