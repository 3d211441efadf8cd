#!/usr/bin/env bash
# GPU check of the live-training path (issue 7): one prepared run, under 8 minutes on one CUDA GPU,
# then one short one-shot run (issue 19): DARTS and RSPS, 3 epochs each on digits, under 2 more minutes.
# Needs a Python with this project's dependencies and a CUDA build of torch==2.13.0 ($PYTHON, else
# .venv/bin/python, else python3); nothing is downloaded. Figures go to $OUT/device_check.json (or ./),
# the one-shot summaries to $OUT/oneshot-<method>.json (or ./) and their results folder to $OUT/oneshot.
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
timeout 480 "$PY" scripts/device_check.py --device "${DEVICE:-cuda}" --out "${OUT:-.}/device_check.json" "$@"
# One-shot NAS on the device: the supernet at the table's size (C=16, N=5), digits, ranking 50 table cells.
ONESHOT="${OUT:-.}/oneshot"
if [[ -e "$ONESHOT" ]]; then ONESHOT="$(mktemp -d "${OUT:-.}/oneshot.XXXXXX")"; fi
for method in darts rsps; do
    timeout 120 "$PY" -m nasbench.cli oneshot --method "$method" --dataset digits --epochs 3 --seed 0 \
        --device "${DEVICE:-cuda}" --rank 50 --rank-every 3 --out "$ONESHOT" --json > "${OUT:-.}/oneshot-$method.json"
    "$PY" -c 'import json, sys; s = json.load(open(sys.argv[1])); g = s["ground_truth"]
print(s["method"], s["arch"], round(s["search_seconds"], 1), "s;", g["status"], g["score"], s["ranking"][-1])' \
        "${OUT:-.}/oneshot-$method.json"
done
