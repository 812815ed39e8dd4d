#!/usr/bin/env bash
# Runs every study of issue 6 in turn (docs/benchmarks.md): ours vs PyTorch end to end and per optimizer step,
# then the convergence and scaling studies. `bash bench/run_all.sh --quick` for the quick modes.
# Results: docs/benchmarks/; logs: artifacts/bench-logs/.
set -uo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
mkdir -p artifacts/bench-logs
export OMP_WAIT_POLICY=PASSIVE
dotnet build -c Release bench/MlNetLion.Bench -v q -nologo >/dev/null || exit 1
bench=bench/MlNetLion.Bench/bin/Release/net10.0/MlNetLion.Bench
status=0
/usr/bin/python3 bench/pytorch/compare.py e2e $mode > artifacts/bench-logs/e2e.log 2>&1 || status=1
/usr/bin/python3 bench/pytorch/compare.py step $mode > artifacts/bench-logs/step.log 2>&1 || status=1
$bench convergence $mode > artifacts/bench-logs/convergence.log 2>&1 || status=1
$bench scaling $mode > artifacts/bench-logs/scaling.log 2>&1 || status=1
exit $status
