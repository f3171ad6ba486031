#!/usr/bin/env bash
# npm run bench [-- --quick]: builds what the benchmark needs, then prints the measurements.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
bash wasm/build.sh
node bench/bench.mjs "$@"
