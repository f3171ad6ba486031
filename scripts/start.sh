#!/usr/bin/env bash
# The main job, for now: build, then analyse a model update on the built-in dataset with the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
bash scripts/demo.sh build/bcml
