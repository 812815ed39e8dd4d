"""Writes the golden fixtures of our native models: PyTorch's computation of the replicas in
bench/pytorch/torch_models.py (which use nn.MultiheadAttention and channel-first convolutions, as plain PyTorch
code does), with Debian's python3-torch 1.13 (the same libtorch as ours). Run once; the outputs are committed:

  /usr/bin/python3 Tests/MlNetLion.Torch.Tests/Fixtures/replica_fixtures.py

Each <name>.safetensors file (the safetensors layout: an 8-byte little-endian header size, a JSON header, raw
little-endian data) holds
  param/<name>, buffer/<name>   the replica's state after random perturbation (every weight and bias non-trivial),
                                named as our native model names them
  input, labels                 one batch
  logits, loss                  the replica's forward and its mean cross-entropy on that batch
  grad/<name>                   d loss / d parameter
  after/<name>                  the buffers after that forward (batch norm's running statistics in training mode)
and its metadata has "options" (our C# options record, as JSON), "mode" (train or eval) and this script's name.
The text fixtures run in eval mode (no dropout, so the result is deterministic); the CNN ones in training mode
(batch norm on batch statistics), which is how they train.
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "bench", "pytorch"))
from torch_models import ResidualCnn, TextTransformer  # noqa: E402

DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)) + head + b"".join(blobs))


def fixture(name, model, options, inputs, labels, train):
    with torch.no_grad():  # every weight and bias away from its initial value (zeros, ones), so none hides a bug
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    tensors = {f"param/{n}": p.clone() for n, p in model.named_parameters()}
    tensors.update({f"buffer/{n}": b.clone() for n, b in model.named_buffers()})
    model.train(train)
    logits = model(inputs)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    tensors.update({"input": inputs, "labels": labels, "logits": logits, "loss": loss})
    tensors.update({f"grad/{n}": p.grad for n, p in model.named_parameters()})
    tensors.update({f"after/{n}": b for n, b in model.named_buffers()})
    save_safetensors(os.path.join(HERE, name + ".safetensors"), tensors,
                     {"options": json.dumps(options), "mode": "train" if train else "eval",
                      "generator": os.path.basename(__file__), "torch": torch.__version__})
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, loss {loss.item():.6f}")


def text(name, seed, norm_first, wide, heads):
    torch.manual_seed(seed)
    options = {"VocabularySize": 20, "Classes": 3, "MaxLength": 16, "EmbeddingDim": 16, "Heads": heads, "Layers": 2,
               "FeedForwardDim": 32, "Dropout": 0.1, "NormFirst": norm_first, "Wide": wide}
    model = TextTransformer(20, 3, max_len=16, dim=16, heads=heads, layers=2, ff=32, dropout=0.1,
                            norm_first=norm_first, wide=wide)
    # Rows of different lengths, padded with 0; row 2 is padding only (its first position attends, pooling gives 0).
    ids = torch.tensor([[5, 9, 3, 12, 7, 0, 0],
                        [1, 19, 0, 0, 0, 0, 0],
                        [0, 0, 0, 0, 0, 0, 0],
                        [4, 4, 8, 15, 2, 11, 6],
                        [17, 0, 0, 0, 0, 0, 0]])
    if wide:
        model.set_idf(list(ids) + [torch.tensor([3, 4, 5]), torch.tensor([4, 9])])
    fixture(name, model, options, ids, torch.tensor([0, 2, 1, 1, 0]), train=False)


def cnn(name, seed, channels, size):
    torch.manual_seed(seed)
    options = {"Classes": 3, "InChannels": channels, "Width": 4, "Depth": 1, "InputSize": size}
    model = ResidualCnn(channels, 3, width=4, depth=1, input_size=size)
    fixture(name, model, options, torch.randn(4, channels, size, size), torch.tensor([0, 1, 2, 1]), train=True)


if __name__ == "__main__":
    text("text_prenorm_wide", seed=1, norm_first=True, wide=True, heads=2)
    text("text_postnorm", seed=2, norm_first=False, wide=False, heads=4)
    cnn("cnn_gray", seed=3, channels=1, size=8)
    cnn("cnn_rgb", seed=4, channels=3, size=16)
