"""Diagnostic for the text model's end-to-end gap (docs/benchmarks.md): libtorch 1.13's C++ frontend
MultiheadAttention (torch/csrc/api/include/torch/nn/functional/activation.h, which our shim's encoder layer uses)
checks torch::equal(query, key) and (key, value) on every call and applies the key-padding mask with an
out-of-place masked_fill on the [B, H, T, T] scores; Python's 1.13 F.multi_head_attention_forward turns the mask
into an additive float mask once and fuses it into baddbmm. This re-implements the C++ algorithm in Python and
times forward + backward of both on the default text model's shapes, alternating, same process.

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/pytorch/mha_cpp_vs_python.py
"""
import statistics
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
B, T, E, H = 32, 256, 128, 4
mha = torch.nn.MultiheadAttention(E, H, dropout=0.1)
mha.train()
x = torch.randn(T, B, E, requires_grad=True)
pad = torch.zeros(B, T, dtype=torch.bool)
pad[:, 200:] = True


def python_path():
    return mha(x, x, x, key_padding_mask=pad, need_weights=False)[0]


def cpp_path():
    torch.equal(x, x), torch.equal(x, x)  # the C++ self-attention test
    q, k, v = F.linear(x, mha.in_proj_weight, mha.in_proj_bias).chunk(3, dim=-1)
    hd = E // H
    q = q * (hd ** -0.5)
    q, k, v = (t.contiguous().view(T, B * H, hd).transpose(0, 1) for t in (q, k, v))
    w = torch.bmm(q, k.transpose(1, 2)).view(B, H, T, T).masked_fill(pad.unsqueeze(1).unsqueeze(2), float("-inf")).view(B * H, T, T)
    w = F.dropout(F.softmax(w, dim=-1), p=0.1, training=True)
    o = torch.bmm(w, v).transpose(0, 1).contiguous().view(T, B, E)
    return F.linear(o, mha.out_proj.weight, mha.out_proj.bias)


times = {"python": [], "cpp": []}
for _ in range(8):
    for name, f in (("python", python_path), ("cpp", cpp_path)):
        t = time.perf_counter()
        f().sum().backward()
        times[name].append(time.perf_counter() - t)
py, cpp = statistics.median(times["python"]), statistics.median(times["cpp"])
print(f"one attention layer, fwd+bwd, B={B} T={T} E={E} H={H}: Python 1.13 path {py * 1e3:.0f} ms, "
      f"C++-frontend algorithm {cpp * 1e3:.0f} ms (x{cpp / py:.2f}); medians of 8, interleaved")
