#!/usr/bin/env bash
# Every test: the C suite natively, under ASan+UBSan and with scalar kernels; then the CLI tests (node --test)
# against the release and sanitizer binaries, SIMD/scalar parity, and the real MLflow and NumPy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
for kind in release asan scalar; do bash scripts/build.sh "$kind"; done
bash wasm/build.sh
bash scripts/build-web.sh
bash scripts/setup-python.sh
for dir in build build-asan build-scalar; do
  echo "== C tests in $dir"
  (cd "$dir" && ctest --output-on-failure)
done
export BCML_BIN=build/bcml BCML_BIN_ASAN=build-asan/bcml BCML_BIN_SCALAR=build-scalar/bcml BCML_PYTHON=build/pyenv/bin/python
# the sweep and format tests once more against the sanitizer build
BCML_BIN=build-asan/bcml node --test tests/node/sweep.test.mjs
node --test tests/node/
