#!/usr/bin/env bash
# Demo of a model update on the built-in "blobs" data: h1 learns from 5% of it, h2 from all of it, once
# plainly and once with the new-error compatibility loss; both are scored against h1 on held-out data.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(cd "$root" && realpath "${1:-build/bcml}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$root"/examples/demo/*.json .
echo "== h1: the model people trust, trained on 5% of the data"
"$bin" train h1.json --pretty
echo
echo "== h2, trained on all the data without regard for h1"
"$bin" train h2-plain.json --pretty
echo
echo "== h2, trained with the new-error loss (lambda_c 1): penalises new mistakes where h1 was right"
"$bin" train h2-new-error.json --pretty
echo
echo "Scores of the plain update on the test set (per slice of the first feature):"
"$bin" predict predict-h1.json > h1-pred.json
"$bin" predict predict-h2.json > h2-pred.json
node -e '
const fs = require("fs");
const a = JSON.parse(fs.readFileSync("h1-pred.json")), b = JSON.parse(fs.readFileSync("h2-pred.json"));
fs.writeFileSync("scores.json", JSON.stringify({h1: a.labels, h2: b.labels, y: a.y,
  slices: {"feature 0": a.x.map(([v]) => v < -1 ? "low" : v < 1 ? "mid" : "high")}}));'
"$bin" scores scores.json --pretty
