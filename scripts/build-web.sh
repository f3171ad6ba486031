#!/usr/bin/env bash
# Assembles the static site in build/web: the app, the wasm binding and modules, D3 and the demo data (Seattle
# weather from the pinned npm package; UCI Adult and the handwritten digits from npm run datasets). Any static host can serve the folder; nothing is fetched from elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f wasm/dist/bcml-simd.wasm ] || bash wasm/build.sh
[ -d node_modules/d3 ] || npm ci --no-audit --no-fund --loglevel=error
out=build/web
rm -rf "$out"
mkdir -p "$out/wasm/dist" "$out/vendor" "$out/data"
cp -r web/* "$out/"
cp wasm/bcml.mjs wasm/error.mjs wasm/sweep.mjs wasm/sweep-worker.mjs "$out/wasm/"
cp wasm/dist/bcml-simd.wasm wasm/dist/bcml-scalar.wasm "$out/wasm/dist/"
cp node_modules/d3/dist/d3.min.js "$out/vendor/"
cp node_modules/vega-datasets/data/seattle-weather.csv "$out/data/"
node scripts/datasets.mjs digits adult >/dev/null
cp build/datasets/adult/adult-train.csv build/datasets/adult/adult-test.csv build/datasets/digits/*-ubyte "$out/data/"
echo "built $out"
