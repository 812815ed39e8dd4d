"""One optimizer step on the PyTorch side: the reference Lion (google/automl) and torch.optim.AdamW(foreach=True)
on float32 parameters of each size; each step starts with cold caches (a 96 MiB read first, as our
benchmark does); the optimizers are sampled in turn; median seconds per step. One JSON line per row.

  python3 torch_optimizer_step.py --sizes 1000000,10000000 --threads 2 --seconds 1.5
"""
import argparse
import time

import torch

from common import emit, peak_rss_mb
from reference_lion import Lion


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=1.5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    evict = torch.zeros(24 << 20)
    for n in [int(s) for s in a.sizes.split(",")]:
        torch.manual_seed(0)
        specs = []
        for name, make in [("Lion", lambda ps: Lion(ps, lr=1e-4, weight_decay=0.1)),
                           ("AdamW", lambda ps: torch.optim.AdamW(ps, foreach=True))]:
            p = torch.randn(n, requires_grad=True)
            p.grad = torch.randn(n)
            specs.append((name, make([p])))
        for _, opt in specs:
            opt.step()
        samples = [[] for _ in specs]
        begin = time.perf_counter()
        while len(samples[0]) < 5 or (time.perf_counter() - begin < a.seconds * len(specs) and len(samples[0]) < 300):
            for i, (_, opt) in enumerate(specs):
                evict.sum()
                t = time.perf_counter()
                opt.step()
                samples[i].append(time.perf_counter() - t)
        for (name, _), s in zip(specs, samples):
            s.sort()
            emit({"side": "pytorch", "optimizer": name, "params": n, "threads": a.threads,
                  "ns_per_param": s[len(s) // 2] * 1e9 / n, "iterations": len(s),
                  "impl": "reference Lion (google/automl)" if name == "Lion" else "torch.optim.AdamW(foreach=True)",
                  "peak_rss_mb": peak_rss_mb(), "torch": torch.__version__})
        del specs


if __name__ == "__main__":
    main()
