#!/usr/bin/env bash
# Our end-to-end training throughput before and after a change, interleaved: two builds of the bench executable
# (e.g. one from a `git worktree` of the old commit) run `MlNetLion.Bench e2e` alternately, with compare.py's
# quick-mode settings (CNN batch 128 x 30 steps, text batch 32 x 15 steps, Lion, 2 threads, 3 warm-up steps).
# Prints one line per run and the medians; the samples/s are comparable only within one invocation.
#
#   bash bench/ours_before_after.sh BEFORE/MlNetLion.Bench AFTER/MlNetLion.Bench [models (cnn text)] [reps (4)]
set -euo pipefail
before="$1" after="$2" models="${3:-cnn text}" reps="${4:-4}"
export OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2
echo "# $(date -u '+%Y-%m-%d %H:%M') UTC; before: $before; after: $after"
for model in $models; do
  if [ "$model" = cnn ]; then size=(--steps 30 --batch 128); else size=(--steps 15 --batch 32); fi
  results=()
  for rep in $(seq 1 "$reps"); do
    sides=(before after)
    [ $((rep % 2)) = 0 ] && sides=(after before)  # each side goes first in turn
    for side in "${sides[@]}"; do
      exe="$before"; [ "$side" = after ] && exe="$after"
      load=$(cut -d' ' -f1 /proc/loadavg)
      sps=$("$exe" e2e --optimizer lion --model "$model" "${size[@]}" --threads 2 --warmup 3 2>/dev/null \
        | sed -nE 's/.*"samples_per_s":([0-9.]+).*/\1/p')
      echo "$model $side rep $rep: $sps samples/s (load $load)"
      results+=("$side $sps")
    done
  done
  printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
runs = [line.split() for line in sys.stdin]
b, a = (statistics.median(float(v) for k, v in runs if k == side) for side in ("before", "after"))
print(f"{sys.argv[1]} medians: before {b:.1f}, after {a:.1f} samples/s: x{a / b:.2f}")' "$model"
done
