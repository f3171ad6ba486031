#!/usr/bin/env bash
# npm run lite: the JupyterLite site in dist/lite, built offline from pinned registry packages only.
#   JupyterLite and the Pyodide kernel: PyPI wheels (notebooks/lite/build-requirements.txt), in build/lite-env;
#   Pyodide's core (runtime + stdlib): npm `pyodide`, the exact version the kernel expects (checked);
#   the kernel's Python wheels: PyPI, hash-checked (notebooks/lite/pyodide-requirements.txt), with a
#   pyodide-lock.json regenerated from the served files, and PyPI fallback off, so nothing leaves the origin;
#   the bcml_widgets wheel with its front end (scripts/build-widget.mjs), the notebooks and their data;
#   every page gets a Content Security Policy (scripts/lite-csp.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[ -f wasm/dist/bcml-simd.wasm ] || bash wasm/build.sh
[ -d node_modules/pyodide ] && [ -d node_modules/d3 ] || npm ci --no-audit --no-fund --loglevel=error
[ -f build/bcml ] || bash scripts/build.sh release >/dev/null
node scripts/datasets.mjs digits adult >/dev/null

env=build/lite-env
reqs=notebooks/lite/build-requirements.txt
if [ "$(cat "$env/.bcml-pins" 2>/dev/null)" != "$(sha256sum "$reqs")" ]; then
  rm -rf "$env"
  python3 -m venv "$env"
  "$env/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
  sha256sum "$reqs" > "$env/.bcml-pins"
fi

want=$("$env/bin/python" -c 'from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION as v; print(v)')
have=$(node -p 'require("./node_modules/pyodide/package.json").version')
if [ "$want" != "$have" ]; then
  echo "build-lite: the Pyodide kernel expects pyodide $want but package.json pins $have" >&2
  exit 1
fi

wheels=build/lite-cache/wheels-$have
if [ ! -f "$wheels/.complete" ]; then
  rm -rf "$wheels"
  "$env/bin/pip" download --quiet --disable-pip-version-check --require-hashes --no-deps --only-binary=:all: \
    --platform any --python-version 3.14 --implementation py --abi none -d "$wheels" -r notebooks/lite/pyodide-requirements.txt
  touch "$wheels/.complete"
fi

# the widget's front end into the package, then the package as a wheel
node scripts/build-widget.mjs notebooks/bcml_widgets/bcml_widgets/static >/dev/null
stage=build/lite-stage
rm -rf "$stage"
mkdir -p "$stage/lite/static/pyodide" "$stage/contents/data" "$stage/wheel"
"$env/bin/pip" wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation -w "$stage/wheel" notebooks/bcml_widgets
rm -rf notebooks/bcml_widgets/build notebooks/bcml_widgets/*.egg-info

py="$stage/lite/static/pyodide"
for f in pyodide.mjs pyodide.asm.mjs pyodide.asm.wasm python_stdlib.zip; do cp "node_modules/pyodide/$f" "$py/"; done
cp "$wheels"/*.whl "$stage"/wheel/*.whl "$py/"
"$env/bin/python" scripts/pyodide-lock.py node_modules/pyodide/pyodide-lock.json "$py" "$py/pyodide-lock.json"
cat > "$stage/lite/jupyter-lite.json" <<'EOF'
{
  "jupyter-lite-schema-version": 0,
  "jupyter-config-data": {
    "appName": "bcml notebooks",
    "exposeAppInBrowser": true,
    "litePluginSettings": {
      "@jupyterlite/pyodide-kernel-extension:kernel": { "disablePyPIFallback": true }
    }
  }
}
EOF

# notebooks and the data they read: the real digits and UCI Adult of npm run datasets, and what the CLI makes
# of them (two saved models, a saved sweep), as a user's pipeline would hand them over
cp notebooks/*.ipynb "$stage/contents/"
node scripts/make-lite-notebooks.mjs "$stage/contents" >/dev/null
cp build/datasets/digits/*-ubyte build/datasets/adult/adult-*.csv "$stage/contents/data/"
build/bcml train notebooks/lite/digits-h1.json --out "$stage/contents/data/digits-h1.bcml" >/dev/null
build/bcml train notebooks/lite/digits-h2.json --out "$stage/contents/data/digits-h2.bcml" >/dev/null
build/bcml sweep notebooks/lite/digits-sweep.json --out "$stage/contents/data/digits-sweep" --jobs 2 >/dev/null 2>&1
rm "$stage"/contents/data/digits-sweep/*.bcml

rm -rf dist/lite
# run from the stage: jupyter lite keeps its incremental-build database in the working directory
(cd "$stage" && "$root/$env/bin/jupyter" lite build --lite-dir lite --contents "$root/$stage/contents" --output-dir "$root/dist/lite" --no-sourcemaps >build.log 2>&1) \
  || { tail -30 "$stage/build.log" >&2; exit 1; }
cp dist/lite/lab/favicon.ico dist/lite/favicon.ico # browsers ask the root for one
node scripts/lite-csp.mjs dist/lite >/dev/null
grep -q '"disablePyPIFallback": true' dist/lite/jupyter-lite.json || { echo "build-lite: PyPI fallback is not disabled" >&2; exit 1; }
grep -q '"pyodideUrl": "./static/pyodide/pyodide.mjs"' dist/lite/jupyter-lite.json || { echo "build-lite: Pyodide is not served from the site" >&2; exit 1; }
echo "built dist/lite ($(du -sh dist/lite | cut -f1))"
