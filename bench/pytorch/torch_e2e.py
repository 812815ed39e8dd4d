"""End-to-end training throughput on the PyTorch side: the same network, data, batch size, thread count,
optimizer configuration (parameter groups, schedule) and number of steps as our trainer in
`MlNetLion.Bench e2e`. Prints one JSON line. Run by compare.py; see docs/benchmarks.md.

  python3 torch_e2e.py --model cnn|text --optimizer lion|adamw --steps N --batch B --threads T
      [--warmup W] [--text-data FILE] [--expect-params N] [--channels-last]

--channels-last (cnn only) runs the replica's activations channels-last, as our shim does on CPU; without it the
replica is plain channel-first PyTorch code, the default comparison.
"""
import argparse
import gzip
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import cosine_factor, emit, peak_rss_mb
from reference_lion import Lion
from torch_models import ResidualCnn, TextTransformer, param_groups

FASHION = "/usr/share/datasets/fashion-mnist"
# The trainers' defaults (ImageClassificationTrainer / TextClassificationTrainer.Defaults).
DEFAULTS = {"cnn": {"lion": (1e-3, 0.1), "adamw": (3e-3, 0.01)}, "text": {"lion": (3e-4, 0.1), "adamw": (1e-3, 0.01)}}
WIDE_LR_SCALE = 30.0  # TextClassificationOptions.WideLearningRateScale
WIDE_LION_BETA2 = 0.3  # TextClassificationOptions.WideLionBeta2 (Lion only)
LION_BETAS = (0.9, 0.99)  # LionOptions' defaults


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def read_text(path):
    """The token ids our e2e command exported: int32 rows, vocab, classes, then per row label, length, ids."""
    raw = np.fromfile(path, dtype="<i4")
    rows, vocab, classes = raw[:3]
    pos, ids, labels = 3, [], []
    for _ in range(rows):
        labels.append(raw[pos])
        n = raw[pos + 1]
        ids.append(torch.from_numpy(raw[pos + 2:pos + 2 + n].astype(np.int64)))
        pos += 2 + n
    return ids, torch.tensor(labels, dtype=torch.int64), int(vocab), int(classes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=["cnn", "text"], required=True)
    ap.add_argument("--optimizer", choices=["lion", "adamw"], required=True)
    ap.add_argument("--steps", type=int, required=True)
    ap.add_argument("--batch", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--text-data")
    ap.add_argument("--expect-params", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--channels-last", action="store_true", help="cnn: channels-last activations")
    a = ap.parse_args()
    if a.channels_last and a.model != "cnn":
        raise SystemExit("--channels-last applies to the cnn model only")
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    n = a.steps * a.batch
    betas = {}

    if a.model == "cnn":
        images = torch.from_numpy(read_idx(f"{FASHION}/train-images-idx3-ubyte.gz")[:n].copy())
        labels = torch.from_numpy(read_idx(f"{FASHION}/train-labels-idx1-ubyte.gz")[:n].astype(np.int64))
        pixels = images.double() / 255
        mean, std = float(pixels.mean()), max(float(pixels.std(unbiased=False)), 1e-3)
        model = ResidualCnn(1, 10, width=16, depth=1, input_size=28, channels_last=a.channels_last)
        lr_scale = {}

        def batch(idx):
            x = images[idx].unsqueeze(1).float().div_(255).sub_(mean).div_(std)
            return x, labels[idx]
    else:
        ids, labels, vocab, classes = read_text(a.text_data)
        n = len(ids)
        model = TextTransformer(vocab, classes, wide=True)
        model.set_idf(ids)  # from the training rows, as our trainer does before training
        lr_scale = {"wide.weight": WIDE_LR_SCALE}
        if a.optimizer == "lion":
            betas = {"wide.weight": (LION_BETAS[0], WIDE_LION_BETA2)}

        def batch(idx):
            rows = [ids[i] for i in idx.tolist()]
            return torch.nn.utils.rnn.pad_sequence(rows, batch_first=True), labels[idx]

    params = sum(p.numel() for p in model.parameters())
    if a.expect_params is not None and params != a.expect_params:
        raise SystemExit(f"parameter count {params} != ours {a.expect_params}: the replica differs")
    lr, wd = DEFAULTS[a.model][a.optimizer]
    groups = param_groups(model, lr, wd, lr_scale, betas)
    opt = Lion(groups, lr=lr, betas=LION_BETAS, weight_decay=wd) if a.optimizer == "lion" \
        else torch.optim.AdamW(groups, lr=lr, weight_decay=wd)
    steps_per_epoch = (n + a.batch - 1) // a.batch
    model.train()
    order = torch.randperm(n)
    start = None
    lengths = []
    for step in range(steps_per_epoch):
        if step == a.warmup:
            start = time.perf_counter()
        idx = order[step * a.batch:(step + 1) * a.batch]
        x, y = batch(idx)
        if a.model == "text":
            lengths.append(x.size(1))
        loss = F.cross_entropy(model(x), y)
        value = loss.item()
        if not np.isfinite(value):
            raise SystemExit(f"loss {value} at step {step}")
        loss.backward()
        opt.step()
        opt.zero_grad()
        factor = cosine_factor(step, steps_per_epoch)
        for g in opt.param_groups:
            g["lr"] = g["base_lr"] * factor
    seconds = time.perf_counter() - start
    timed = steps_per_epoch - a.warmup
    emit({"side": "pytorch-cl" if a.channels_last else "pytorch", "model": a.model, "optimizer": a.optimizer, "params": params, "batch": a.batch,
          "threads": a.threads, "steps": steps_per_epoch, "timed_steps": timed,
          "samples_per_s": timed * a.batch / seconds, "seconds": seconds, "peak_rss_mb": peak_rss_mb(),
          "final_loss": value, "mean_batch_length": float(np.mean(lengths)) if lengths else None,
          "param_groups": [{"params": sum(p.numel() for p in g["params"]), "lr": g["base_lr"], "weight_decay": g["weight_decay"],
                            "betas": list(g["betas"])} for g in opt.param_groups],
          "optimizer_impl": "reference Lion (google/automl)" if a.optimizer == "lion" else f"torch.optim.AdamW(foreach={opt.defaults.get('foreach')})",
          "torch": torch.__version__})


if __name__ == "__main__":
    main()
