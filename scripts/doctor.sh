#!/usr/bin/env bash
# `make doctor`, also run first by `make run` (mode run) and `make test` (mode test): checks every
# prerequisite and prints one line per finding with the command that deals with it.
#   PROBLEM  the setup cannot fix it: run the command shown, then try again (exit status 1)
#   setup    missing, and the setup installs it by itself (how long it takes, once)
#   note     worth knowing, nothing to do
# Modes: run (what `make run` needs), test (what `make test` needs), all (default: test, and the
# ports of both commands as notes).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
mode=${1:-all}
case $mode in run|test|all) ;; *) echo "usage: scripts/doctor.sh [run|test|all]" >&2; exit 2 ;; esac

problems=0 setups=0 apt_missing=()
problem() { printf 'doctor: PROBLEM  %s\n           fix: %s\n' "$1" "$2" >&2; problems=$((problems + 1)); }
setup() { printf 'doctor: setup    %s\n' "$1" >&2; setups=$((setups + 1)); }
note() { printf 'doctor: note     %s\n' "$1" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
# version_ge A B: A ≥ B (dotted versions).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]; }
# Root, or sudo without a password: the setup can run apt-get itself.
can_apt() { have apt-get && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; }
sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo "
apt_fix() { # package... → the command, and remembers the packages for the summary line
  apt_missing+=("$@"); echo "${sudo_}apt-get install -y $*"
}

# ---- every command ---------------------------------------------------------------------------
for tool in git curl make; do
  have "$tool" || problem "$tool is not installed" "$(apt_fix "$tool")"
done
have cc || problem "no C toolchain (cc): Rust links native code with it" "$(apt_fix build-essential)"

rust_min=$(awk -F'"' '/^rust-version/ {print $2; exit}' Cargo.toml)
if ! have rustup; then
  problem "rustup is not installed (the wasm32 target and pinned tools need it)" \
    "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y && source ~/.cargo/env"
elif ! have cargo || ! have rustc; then
  problem "rustup has no default toolchain" "rustup default stable"
else
  rust_v=$(rustc -V | awk '{print $2}')
  version_ge "$rust_v" "$rust_min" || problem "Rust $rust_v is older than $rust_min (Cargo.toml rust-version)" "rustup update stable"
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || setup "rust target wasm32-unknown-unknown (rustup target add, under a minute)"
  rustup component list --installed 2>/dev/null | grep -qx rust-src \
    || setup "rust-src, std's sources for the size builds (rustup component add, under a minute)"
  [ "$(installed_version worker-build)" = "$WORKER_BUILD_VERSION" ] \
    || setup "worker-build $WORKER_BUILD_VERSION (cargo install --locked, 4 to 8 minutes)"
  [ "$(installed_version wasm-bindgen-cli)" = "$WASM_BINDGEN_VERSION" ] \
    || setup "wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install --locked, 4 to 8 minutes)"
  if [ "$mode" != run ]; then
    [ "$(installed_version cargo-fuzz)" = "$CARGO_FUZZ_VERSION" ] \
      || setup "cargo-fuzz $CARGO_FUZZ_VERSION (cargo install --locked, 3 to 6 minutes; fuzz tier only)"
  fi
fi

if ! have node; then
  problem "Node.js is not installed (npm installs everything else, Node $NODE_VERSION included)" \
    "$(apt_fix nodejs npm)   # or https://nodejs.org/en/download"
elif [ "$(node_major)" -lt "${NODE_VERSION%%.*}" ]; then
  case $(uname -m) in
    x86_64|aarch64) setup "Node $NODE_VERSION (LTS) for this project, as the machine has $(node -v) (npm node-linux-*, under a minute, 190 MB in ~/.cache/gatehouse)" ;;
    *) problem "Node.js $(node -v) is older than ${NODE_VERSION%%.*} and npm has no Node package for $(uname -m)" \
      "install Node.js ≥ ${NODE_VERSION%%.*}: https://nodejs.org/en/download" ;;
  esac
fi
have npm || problem "npm is not installed" "$(apt_fix npm)"
cmp -s package-lock.json node_modules/.package-lock.json.installed 2>/dev/null \
  || setup "JavaScript tools: wrangler, workerd, esbuild, binaryen, playwright-core (npm ci, under a minute)"

avail_gb=$(df -Pk "$ROOT" | awk 'NR==2 {print int($4 / 1048576)}')
[ "$avail_gb" -ge 5 ] || note "only ${avail_gb} GB free on $(df -P "$ROOT" | awk 'NR==2 {print $6}'): a first build needs about 5 GB"

# ---- make test only --------------------------------------------------------------------------
if [ "$mode" != run ]; then
  if ! have python3; then
    problem "python3 is not installed (the django-oauth-toolkit fixture, schemathesis)" "$(apt_fix python3 python3-venv)"
  else
    py_v=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    version_ge "$py_v" 3.10 || problem "Python $py_v is older than 3.10 (Django 5.2)" "$(apt_fix python3)"
    # Only until both virtualenvs exist: creating one is the real check (Debian splits ensurepip out).
    if ! compgen -G "$HOME/.cache/gatehouse/dot-venv-*/.installed" >/dev/null \
        || ! compgen -G "$HOME/.cache/gatehouse/schemathesis-venv-*/.installed" >/dev/null; then
      probe=$(mktemp -d)
      if python3 -m venv "$probe/venv" >/dev/null 2>&1 && "$probe/venv/bin/python" -m pip --version >/dev/null 2>&1; then
        setup "Python virtualenvs for django-oauth-toolkit and schemathesis (pip, 1 to 2 minutes)"
      else
        problem "python3 -m venv does not work (no ensurepip/pip)" "$(apt_fix python3-venv)"
      fi
      rm -rf "$probe"
    fi
  fi
  if ! command -v dot >/dev/null; then
    if can_apt; then
      setup "Debian graphviz, for the architecture picture's check (apt-get, under a minute)"
    else
      problem "graphviz (dot) is not installed, and this user cannot run apt-get" "$(apt_fix graphviz)"
    fi
  fi
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    if can_apt; then
      setup "Debian chromium and chromium-driver (apt-get, 1 to 3 minutes)"
    else
      problem "chromium and chromium-driver are not installed, and this user cannot run apt-get" \
        "$(apt_fix chromium chromium-driver)"
    fi
  elif [ -f node_modules/playwright-core/package.json ]; then
    # The same rule as the browser tests (tests/e2e/chromium.mjs).
    verdict=$(node --input-type=module -e 'import("./tests/e2e/chromium.mjs").then(async (m) => {
      const v = m.chromiumVersions(); console.log(m.tooOld(v) ?? "");
    })' 2>/dev/null || true)
    [ -z "$verdict" ] || problem "$verdict" "${sudo_}apt-get update && ${sudo_}apt-get install -y --only-upgrade chromium chromium-driver"
  fi
  cmp -s tests/real-oauth/oidc/package-lock.json tests/real-oauth/oidc/node_modules/.package-lock.json.installed 2>/dev/null \
    || setup "oidc-provider test fixture (npm ci, under a minute)"
fi

# ---- ports ----------------------------------------------------------------------------------
check_ports() { # mode severity
  local name holder
  use_ports "$1"
  for name in "${PORT_NAMES[@]}"; do
    [ "${!name}" != 0 ] || continue
    holder=$(port_holder "${!name}")
    [ -z "$holder" ] && continue
    if [ "$2" = problem ]; then
      problem "port ${!name} ($name) is in use by $holder" "stop it, or choose another port: $name=<port> (scripts/ports.sh)"
    else
      note "port ${!name} ($name, make $1) is in use by $holder"
    fi
  done
}
if [ "$mode" = all ]; then
  (check_ports run note)   # subshells: each mode's defaults apply to its own check only
  (check_ports test note)
else
  check_ports "$mode" problem
fi

# ---- summary --------------------------------------------------------------------------------
if [ ${#apt_missing[@]} -gt 1 ]; then
  printf 'doctor: all Debian packages at once: %sapt-get install -y %s\n' "$sudo_" "${apt_missing[*]}" >&2
fi
if [ "$problems" -gt 0 ]; then
  echo "doctor: $problems problem(s) to fix first (the lines marked PROBLEM)" >&2
  exit 1
fi
[ "$setups" -eq 0 ] || echo "doctor: ok; the setup will install $setups thing(s) first (the lines marked setup)" >&2
[ "$setups" -gt 0 ] || [ "$mode" != all ] || echo "doctor: ok, nothing to install" >&2
exit 0
