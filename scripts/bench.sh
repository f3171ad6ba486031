#!/usr/bin/env bash
# npm run bench [-- --quick]: builds what the benchmark needs (bcml, the web app, the datasets, the original
# library in build/peerenv), then runs bench/suite.mjs, which writes docs/benchmarks.md and docs/benchmarks.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-python.sh
bash scripts/build.sh release
bash wasm/build.sh
node scripts/datasets.mjs adult digits >/dev/null
bash scripts/build-web.sh
node bench/suite.mjs "$@"
