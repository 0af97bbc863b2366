#!/usr/bin/env bash
# Starts django-oauth-toolkit as OmniRetain on 127.0.0.1:${PORT:-18792}, with a fresh database.
# The virtualenv is cached outside the repo, keyed by requirements.txt, so later runs reuse it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
key=$(sha256sum "$here/requirements.txt" | cut -c1-12)
venv="${DOT_VENV:-$HOME/.cache/gatehouse/dot-venv-$key}"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.installed" ]; then
  echo "creating $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  touch "$venv/.installed"
fi
export DOT_DB="${DOT_DB:-$(mktemp -d)/dot.sqlite3}"
cd "$here"
"$venv/bin/python" manage.py migrate -v0 >&2
"$venv/bin/python" manage.py seed >&2
exec "$venv/bin/python" manage.py runserver "127.0.0.1:${PORT:-18792}" --noreload
