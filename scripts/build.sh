#!/usr/bin/env bash
# Builds the native library, CLI and C tests. Usage: build.sh [release|asan|scalar] (default release).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-release}
case "$kind" in
  release) dir=build; flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan) dir=build-asan; flags=(-DCMAKE_BUILD_TYPE=Debug -DBCML_SANITIZE=ON) ;;
  scalar) dir=build-scalar; flags=(-DCMAKE_BUILD_TYPE=Release -DBCML_NO_SIMD=ON) ;;
  *) echo "build.sh: unknown build kind '$kind' (release, asan, scalar)" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" "${flags[@]}" -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" -- --no-print-directory >/dev/null
echo "built $dir/bcml"
