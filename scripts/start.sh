#!/usr/bin/env bash
# The main job: build the web app (the C core in WebAssembly, D3, the demo data) and the JupyterLite notebooks
# (dist/lite, served under /lite/ beside the app), and serve both on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
bash wasm/build.sh
bash scripts/build-web.sh
bash scripts/build-lite.sh
ln -sfn ../../dist/lite build/web/lite
exec node scripts/serve.mjs build/web
