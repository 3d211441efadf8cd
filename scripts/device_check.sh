#!/usr/bin/env bash
# GPU check of the live-training path (issue 7): one prepared run, under 7 minutes and 20 s on one CUDA GPU,
# then one short one-shot run (issue 19): DARTS and RSPS, 3 epochs each on digits, under 3 more minutes,
# then a live search (issue 18): regularized evolution on digits for 40 s of real time (NAS-Bench-201 cells
# at the table's size), then the winner retrained and tested, under 100 s more: 12 minutes at most in all.
# Needs a Python with this project's dependencies and a CUDA build of torch==2.13.0 ($PYTHON, else
# .venv/bin/python, else python3); nothing is downloaded. Figures go to $OUT/device_check.json (or ./),
# the one-shot summaries to $OUT/oneshot-<method>.json (or ./) and their results folder to $OUT/oneshot,
# the live search's outputs to $OUT/live-search and its figures (seconds per architecture) to
# $OUT/live-search.json.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-}"
if [[ -z "$PY" ]]; then
    if [[ -x .venv/bin/python ]]; then PY=.venv/bin/python; else PY=python3; fi
fi
if ! "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    echo "device_check: error: expected a CUDA build of torch with a visible GPU in $PY, got none" >&2
    exit 2
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
timeout 440 "$PY" scripts/device_check.py --device "${DEVICE:-cuda}" --out "${OUT:-.}/device_check.json" "$@"
# One-shot NAS on the device: the supernet at the table's size (C=16, N=5), digits, ranking 50 table cells.
ONESHOT="${OUT:-.}/oneshot"
if [[ -e "$ONESHOT" ]]; then ONESHOT="$(mktemp -d "${OUT:-.}/oneshot.XXXXXX")"; fi
for method in darts rsps; do
    timeout 90 "$PY" -m nasbench.cli oneshot --method "$method" --dataset digits --epochs 3 --seed 0 \
        --device "${DEVICE:-cuda}" --rank 50 --rank-every 3 --out "$ONESHOT" --json > "${OUT:-.}/oneshot-$method.json"
    "$PY" -c 'import json, sys; s = json.load(open(sys.argv[1])); g = s["ground_truth"]
print(s["method"], s["arch"], round(s["search_seconds"], 1), "s;", g["status"], g["score"], s["ranking"][-1])' \
        "${OUT:-.}/oneshot-$method.json"
done
# A live search on the device: every evaluation trains a network; the figure is the wall time per architecture.
LIVE="${OUT:-.}/live-search"
if [[ -e "$LIVE" ]]; then LIVE="$(mktemp -d "${OUT:-.}/live-search.XXXXXX")"; fi
timeout 100 "$PY" -m nasbench.cli search --data digits --space nb201 --strategy re --budget 40s --seed 0 \
    --device "${DEVICE:-cuda}" --out "$LIVE" --quiet
"$PY" - "$LIVE" "${OUT:-.}/live-search.json" <<'PYTHON'
import json, sys
from nasbench.results import ResultsFolder
history, final = ResultsFolder(sys.argv[1] + "/history").load(), json.load(open(sys.argv[1] + "/final.json"))
figures = {"evaluations": len(history), "seconds_per_architecture_median": float(history["cost"].median()),
           "seconds_per_architecture_min": float(history["cost"].min()), "search_seconds": final["search_seconds"],
           "best_architecture": final["best_architecture"], "test_accuracy": final["test_score"]}
json.dump(figures, open(sys.argv[2], "w"), indent=2)
print("live search:", figures["evaluations"], "evaluations,", round(figures["seconds_per_architecture_median"], 2),
      "s per architecture (median); test accuracy", round(figures["test_accuracy"], 2))
PYTHON
