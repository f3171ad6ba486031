#!/usr/bin/env bash
# The original library (PyPI backwardcompatibilityml 1.4.2, installed --no-deps) on Debian's CPU PyTorch and
# scikit-learn, in build/peerenv, for the benchmark only: neither users nor npm test need it. GNU time
# measures peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for p in python3-torch python3-sklearn python3-venv time; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
if ((${#need[@]})); then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
env=build/peerenv
if [ ! -x "$env/bin/python" ] || ! "$env/bin/python" -c 'import backwardcompatibilityml' 2>/dev/null; then
  rm -rf "$env"
  /usr/bin/python3 -m venv --system-site-packages "$env"   # Debian's python, so Debian's torch is importable
  "$env/bin/pip" install --quiet --disable-pip-version-check --no-deps backwardcompatibilityml==1.4.2
fi
