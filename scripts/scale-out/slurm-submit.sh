#!/bin/bash
# Usage: slurm-submit.sh sweep.json OUT_DIR N   (N = the number of lambda values in the grid)
# Queues the job array, then the merge that runs once all of it succeeded.
set -euo pipefail
config=${1:?sweep config}; out=${2:?output folder}; n=${3:?number of lambda values}
here=$(cd "$(dirname "$0")" && pwd)
jid=$(CONFIG="$config" OUT="$out" sbatch --parsable --export=ALL --array=0-$((n - 1)) "$here/slurm-sweep.sbatch")
sbatch --dependency=afterok:"$jid" --job-name=bcml-merge --wrap "${BCML:-bcml} sweep --merge '$out' --pretty"
echo "queued array $jid and its merge"
