"""Shared bits of the PyTorch side: peak RSS, the trainer's cosine schedule, JSON output."""
import json
import math
import os
import resource
import sys


def peak_rss_mb():
    """Peak resident set size (VmHWM) of this process in MiB; getrusage as a fallback."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cosine_factor(step, total, warmup_fraction=0.05, floor=0.0):
    """TrainingSchedule.CosineDecay(): linear warmup, then cosine to `floor` at the last step (as CosineDecaySchedule)."""
    warmup = min(total - 1, round(total * warmup_fraction))
    if step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def emit(record):
    record.setdefault("omp_wait_policy", os.environ.get("OMP_WAIT_POLICY"))
    record.setdefault("malloc_env", {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")})
    print(json.dumps(record), flush=True)
    sys.stdout.flush()
