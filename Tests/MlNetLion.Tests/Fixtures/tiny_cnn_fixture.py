"""Writes a scripted user model for the trainer tests with Debian's python3-torch (libtorch 1.13):
a tiny CNN for 1x8x8 images -> 3 class logits.

  tiny_cnn_fixture.py OUT.pt
"""
import sys

import torch


class TinyCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.head = torch.nn.Linear(8, 3)

    def forward(self, x):
        x = torch.relu(self.conv(x))
        return self.head(x.amax(dim=(2, 3)))


if __name__ == "__main__":
    torch.manual_seed(0)
    torch.jit.script(TinyCnn()).save(sys.argv[1])
