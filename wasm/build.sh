#!/usr/bin/env bash
# Builds the WebAssembly modules with Debian's emscripten: wasm/dist/bcml-simd.wasm (SIMD128) and
# wasm/dist/bcml-scalar.wasm from the same C sources, standalone (no emscripten JS glue; bcml.mjs loads them).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-wasm.sh
export NODE_PATH=/usr/share/nodejs   # Debian's emscripten runs its JS optimizer with the system's node modules
cjson=$(ls -d third_party/cjson-*/ | head -1)
zlib=$(ls -d third_party/zlib-*/ | head -1)
inc=build-wasm/include
mkdir -p "$inc/cjson" "$inc/stb" wasm/dist
cp "$cjson/cJSON.h" "$inc/cjson/"
cp /usr/include/stb/stb_image_write.h "$inc/stb/"
cp "$zlib/zlib.h" "$zlib/zconf.h" "$inc/"
sources=(src/error.c src/jsonutil.c src/kernels.c src/layers.c src/model.c src/optim.c src/losses.c src/train.c
  src/scores.c src/data.c src/fileio.c src/sweep.c src/csv.c src/strset.c src/npy.c src/idx.c src/png.c src/options.c
  wasm/bcml_wasm.c "$cjson/cJSON.c")
for f in adler32 crc32 inflate inftrees inffast zutil; do sources+=("$zlib/$f.c"); done
# binaryen inlines every function with one caller, noinline or not: kept small, the hot loops stay functions of their own,
# which V8 compiles to optimized code sooner (bcml_train alone took 70 ms of TurboFan) and swaps in at their next call
flags=(-O3 -ffp-contract=off -Isrc -I"$inc" -DNDEBUG -sSTANDALONE_WASM -Wl,--no-entry -sALLOW_MEMORY_GROWTH=1
  -sINITIAL_MEMORY=16MB -sMAXIMUM_MEMORY=2GB -sTOTAL_STACK=1MB -sERROR_ON_UNDEFINED_SYMBOLS=0 -sEXPORTED_FUNCTIONS=_malloc,_free
  -sBINARYEN_EXTRA_PASSES=--one-caller-inline-max-function-size=20)
emcc "${flags[@]}" -msimd128 -o wasm/dist/bcml-simd.wasm "${sources[@]}" 2> build-wasm/simd.log || { cat build-wasm/simd.log; exit 1; }
emcc "${flags[@]}" -o wasm/dist/bcml-scalar.wasm "${sources[@]}" 2> build-wasm/scalar.log || { cat build-wasm/scalar.log; exit 1; }
for f in wasm/dist/bcml-simd.wasm wasm/dist/bcml-scalar.wasm; do
  printf '%s: %d bytes, %d gzipped\n' "$f" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)"
done
