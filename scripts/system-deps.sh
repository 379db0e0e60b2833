#!/usr/bin/env bash
# What the tests need from the system, installed from Debian when missing (as root), else named in one line.
# Real NumPy and pytest for the interop and Python-package tests; Debian's chromium for Playwright, which
# cannot download its own browser here.
set -euo pipefail
missing=()
python=/usr/bin/python3
for pair in numpy:python3-numpy requests:python3-requests websockets:python3-websockets pytest:python3-pytest \
  setuptools:python3-setuptools venv:python3-venv; do
  module=${pair%%:*} package=${pair#*:}
  [[ -x $python ]] && $python -c "import $module" 2>/dev/null || missing+=("$package")
done
[[ -x $python ]] && $python -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
  echo "npm test needs these Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "installing from Debian: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { echo "could not install the Debian packages npm test needs: ${missing[*]}" >&2; exit 1; }
