#!/usr/bin/env bash
# A Python environment for the tests that need real MLflow and NumPy (pinned); created once in build/pyenv.
set -euo pipefail
cd "$(dirname "$0")/.."
env=build/pyenv
want="mlflow-skinny==3.17.2 numpy==2.3.5"
if [ -x "$env/bin/python" ] && [ "$(cat "$env/.bcml-pins" 2>/dev/null)" = "$want" ]; then exit 0; fi
rm -rf "$env"
python3 -m venv "$env"
"$env/bin/pip" install --quiet --disable-pip-version-check $want
echo "$want" > "$env/.bcml-pins"
