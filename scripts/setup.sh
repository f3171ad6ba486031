#!/usr/bin/env bash
# Installs what bcml needs on a Debian machine, only what is missing; safe to run again.
set -euo pipefail
packages=(gcc make cmake libcjson-dev libstb-dev zlib1g-dev python3 python3-venv chromium)
need=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "bcml setup: missing Debian packages: ${need[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
  echo "bcml setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
node -e 'if (+process.versions.node.split(".")[0] < 20) { console.error("bcml needs Node.js 20 or newer"); process.exit(1) }'
# the browser tests' driver (pinned in package-lock.json); the browser itself is Debian's chromium
cd "$(dirname "$0")/.."
[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund --loglevel=error
