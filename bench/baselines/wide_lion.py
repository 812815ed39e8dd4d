"""The text model's wide path alone, in PyTorch: a linear model over a bag of words, trained with Lion (written
as the reference implementation, with an optional per-run beta2) or torch.optim.AdamW, cosine decay to zero.

Tokens are weighted as our native wide path weighs them: each by its inverse document frequency
ln((1 + n) / (1 + df)) + 1 over the L2 norm of its row's weights (--idf), or each by 1 / sqrt(token count) (the
earlier model). Used to choose TextClassificationOptions.WideLionBeta2; see docs/baselines.md.

  /usr/bin/python3 bench/baselines/wide_lion.py --beta2 0.99 --idf
  /usr/bin/python3 bench/baselines/wide_lion.py --beta2 0.3 --idf
  /usr/bin/python3 bench/baselines/wide_lion.py --beta2 0.3 --idf --bigram-min-count 5 --lr 3e-3
"""
import argparse
import collections
import math
import random
import re

import torch


def load(path):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t", 1) for line in f][1:]
    return [r[0] for r in rows], [r[1] for r in rows]


def tokens(text):
    return re.findall(r"\w+|[^\w\s]", text.lower())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", default="Samples/data/debian-sections.train.tsv")
    p.add_argument("--test", default="Samples/data/debian-sections.test.tsv")
    p.add_argument("--optimizer", choices=["lion", "adamw"], default="lion")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--beta2", type=float, default=0.99)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--idf", action="store_true")
    p.add_argument("--bigram-min-count", type=int, default=0,
                   help="also word pairs seen in at least this many training rows (0: none)")
    p.add_argument("--holdout", action="store_true",
                   help="test on the last 20%% of the training file and train on the rest (ignores --test)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(1)

    y_train, x_train = load(a.train)
    y_test, x_test = load(a.test)
    if a.holdout:
        k = len(y_train) * 4 // 5
        y_train, x_train, y_test, x_test = y_train[:k], x_train[:k], y_train[k:], x_train[k:]
    counts = collections.Counter(w for t in x_train for w in tokens(t))
    vocab = {w: i + 2 for i, (w, c) in enumerate(counts.most_common()) if c >= 2}  # 0 pad, 1 unknown
    classes = sorted(set(y_train))
    pairs = lambda words: set(zip(words, words[1:]))
    pair_rows = collections.Counter(p for t in x_train for p in pairs(tokens(t)[:256]))
    pair_ids = {p: len(vocab) + 2 + i for i, p in enumerate(sorted(
        p for p, c in pair_rows.items() if a.bigram_min_count and c >= a.bigram_min_count))}

    def encode(xs):
        rows = []
        for t in xs:
            words = tokens(t)[:256]
            rows.append([vocab.get(w, 1) for w in words] + [pair_ids[p] for p in zip(words, words[1:]) if p in pair_ids])
        return rows

    ids_train, ids_test = encode(x_train), encode(x_test)
    labels_train = torch.tensor([classes.index(y) for y in y_train])
    labels_test = torch.tensor([classes.index(y) for y in y_test])
    size = len(vocab) + 2 + len(pair_ids)
    df = collections.Counter(i for row in ids_train for i in set(row))
    idf = [math.log((1 + len(ids_train)) / (1 + df.get(i, 0))) + 1 for i in range(size)]

    def bag(rows):
        flat = torch.tensor([i for r in rows for i in r])
        offsets = torch.tensor([0] + [len(r) for r in rows[:-1]]).cumsum(0)
        weights = []
        for r in rows:
            w = [idf[i] for i in r] if a.idf else [1.0] * len(r)
            norm = math.sqrt(sum(x * x for x in w)) or 1.0
            weights += [x / norm for x in w]
        return flat, offsets, torch.tensor(weights)

    wide = torch.nn.EmbeddingBag(size, len(classes), mode="sum")
    torch.nn.init.zeros_(wide.weight)
    bias = torch.nn.Parameter(torch.zeros(len(classes)))
    params = [wide.weight, bias]
    adamw = torch.optim.AdamW(params, lr=a.lr, weight_decay=a.weight_decay) if a.optimizer == "adamw" else None
    momentum = [torch.zeros_like(q) for q in params]
    steps = a.epochs * math.ceil(len(ids_train) / a.batch_size)
    step = 0
    for epoch in range(a.epochs):
        order = list(range(len(ids_train)))
        random.shuffle(order)
        for s in range(0, len(order), a.batch_size):
            batch = order[s:s + a.batch_size]
            flat, offsets, weights = bag([ids_train[i] for i in batch])
            loss = torch.nn.functional.cross_entropy(wide(flat, offsets, per_sample_weights=weights) + bias,
                                                     labels_train[batch])
            for q in params:
                q.grad = None
            loss.backward()
            lr = a.lr * 0.5 * (1 + math.cos(math.pi * step / steps))
            step += 1
            if adamw is not None:
                for g in adamw.param_groups:
                    g["lr"] = lr
                adamw.step()
                continue
            with torch.no_grad():  # Lion, as the reference implementation writes it
                for q, m in zip(params, momentum):
                    q.mul_(1 - lr * a.weight_decay)
                    update = m * a.beta1 + q.grad * (1 - a.beta1)
                    q.add_(update.sign(), alpha=-lr)
                    m.mul_(a.beta2).add_(q.grad, alpha=1 - a.beta2)
        with torch.no_grad():
            flat, offsets, weights = bag(ids_test)
            predicted = (wide(flat, offsets, per_sample_weights=weights) + bias).argmax(1)
            accuracy = (predicted == labels_test).float().mean().item()
        print(f"epoch {epoch + 1}: test accuracy {accuracy:.4f}", flush=True)


if __name__ == "__main__":
    main()
