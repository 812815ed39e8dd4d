"""Writes and reads TorchScript fixtures with Debian's python3-torch (same libtorch 1.13 as ours).

  torchscript_fixture.py write OUT.pt   -> a scripted Linear(3, 2) classifier with fixed weights
  torchscript_fixture.py read IN.pt     -> prints {"name": [values...]} of its parameters as JSON
"""
import json
import sys

import torch


class TinyClassifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 2)
        with torch.no_grad():
            self.fc.weight.copy_(torch.tensor([[0.5, -0.25, 0.125], [-0.5, 0.75, 0.25]]))
            self.fc.bias.copy_(torch.tensor([0.1, -0.2]))

    def forward(self, x):
        return self.fc(x)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "write":
        torch.jit.script(TinyClassifier()).save(path)
    elif mode == "read":
        module = torch.jit.load(path)
        print(json.dumps({n: p.detach().reshape(-1).tolist() for n, p in module.named_parameters()}))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
