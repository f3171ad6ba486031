#!/usr/bin/env bash
# What the WebAssembly build needs, installed only when missing: Debian's emscripten, and the C sources of
# cJSON and zlib from Debian's source archive (apt-get source) in the git-ignored third_party/.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for p in emscripten dpkg-dev; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
have_src() { compgen -G "third_party/$1-*/$2" >/dev/null; }
if ! have_src cjson cJSON.c || ! have_src zlib inflate.c; then
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    [ "$(id -u)" = 0 ] || { echo "bcml: add a deb-src line for Debian's source archive, or run as root" >&2; exit 1; }
    cat > /etc/apt/sources.list.d/bcml-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    updated=0
  fi
fi
if ((${#need[@]})) || [ "${updated-1}" = 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "bcml: missing Debian packages: ${need[*]} (run as root)" >&2; exit 1; }
  apt-get update -qq
  ((${#need[@]})) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
mkdir -p third_party
cd third_party
have_src() { compgen -G "$1-*/$2" >/dev/null; }
if ! have_src cjson cJSON.c; then apt-get source -qq cjson >/dev/null 2>&1 || { echo "bcml: apt-get source cjson failed" >&2; exit 1; }; fi
if ! have_src zlib inflate.c; then apt-get source -qq zlib >/dev/null 2>&1 || { echo "bcml: apt-get source zlib failed" >&2; exit 1; }; fi
ls -d cjson-*/ zlib-*/ >/dev/null
