#!/usr/bin/env bash
# GPU check of the live-training path (issue 7): one prepared run, under 8 minutes on one CUDA GPU.
# Needs a Python with this project's dependencies and a CUDA build of torch==2.13.0 ($PYTHON, else
# .venv/bin/python, else python3); nothing is downloaded. Figures go to $OUT/device_check.json (or ./).
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
