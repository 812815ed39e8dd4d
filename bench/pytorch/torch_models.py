"""PyTorch replicas of the networks our native shim builds (native/src/models_image.cpp, models_text.cpp).

Same layers, shapes, parameter names and forward pass; the side-by-side scripts assert that the parameter
count equals the one our trainer reports. Initialisation follows the shim where it is explicit (He init of
convolutions, zero bn2 scale, N(0, 0.02) embeddings, zero wide path); it does not change the speed. The text
model's wide path weighs tokens by TF-IDF as the shim does (since commit 6eb9691): the `wide_idf` buffer (ones
until `set_idf` fills it from the training rows) over the L2 norm of the row's weights.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvBn(nn.Module):
    def __init__(self, cin, cout, kernel, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = ConvBn(cin, cout, 1, stride) if stride != 1 or cin != cout else None
        with torch.no_grad():
            self.bn2.weight.zero_()

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + (self.shortcut(x) if self.shortcut is not None else x))


class ResidualCnn(nn.Module):
    """mlt_residual_cnn_new(in_channels, classes, width, depth, input_size). Channel-first activations, as plain
    PyTorch code runs them; `channels_last=True` runs them channels-last as our shim does on CPU (the weights stay
    contiguous either way): an option for comparing with PyTorch doing the same trick."""

    def __init__(self, in_channels, classes, width=16, depth=1, input_size=32, channels_last=False):
        super().__init__()
        self.channels_last = channels_last
        size = input_size
        stem_stride = 2 if size >= 64 else 1
        size = (size + stem_stride - 1) // stem_stride
        self.pool_stem = input_size >= 128
        if self.pool_stem:
            size = (size + 1) // 2
        self.stem = ConvBn(in_channels, width, 3, stem_stride)
        self.stages = nn.ModuleList()
        cin = width
        for s in range(3):
            cout = width << s
            stride = 1
            if s > 0 and size >= 8:
                stride = 2
                size = (size + 1) // 2
            blocks = []
            for b in range(depth):
                blocks.append(BasicBlock(cin, cout, stride if b == 0 else 1))
                cin = cout
            self.stages.append(nn.Sequential(*blocks))
        self.head = nn.Linear(cin, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def activations(self, x):
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def forward(self, x):
        h = F.relu(self.stem(self.activations(x)))
        if self.pool_stem:
            h = F.max_pool2d(h, 3, 2, 1)
        h = self.activations(h)  # a 1-channel input is the same memory in both layouts
        for stage in self.stages:
            h = stage(h)
        h = F.adaptive_avg_pool2d(h, 1).flatten(1)
        return self.head(h)


class EncoderLayer(nn.Module):
    """As nn.TransformerEncoderLayer, GELU, pre-norm (norm_first) by default; sequence-first [T, B, E]."""

    def __init__(self, dim, heads, ff, dropout, norm_first=True):
        super().__init__()
        self.norm_first = norm_first
        self.self_attn = nn.MultiheadAttention(dim, heads, dropout=dropout)
        self.linear1 = nn.Linear(dim, ff)
        self.linear2 = nn.Linear(ff, dim)
        self.norm1 = nn.LayerNorm(dim)
        self.norm2 = nn.LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)

    def attend(self, x, pad):
        return self.dropout(self.self_attn(x, x, x, key_padding_mask=pad, need_weights=False)[0])

    def feed_forward(self, x):
        return self.dropout(self.linear2(self.dropout(F.gelu(self.linear1(x)))))

    def forward(self, x, pad):
        if self.norm_first:
            x = x + self.attend(self.norm1(x), pad)
            return x + self.feed_forward(self.norm2(x))
        x = self.norm1(x + self.attend(x, pad))
        return self.norm2(x + self.feed_forward(x))


class Encoder(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.layers = nn.ModuleList(layers)


class TextTransformer(nn.Module):
    """mlt_text_transformer_new(vocab, max_len, dim, heads, layers, ff, dropout, norm_first, classes, wide)."""

    def __init__(self, vocab, classes, max_len=256, dim=128, heads=4, layers=2, ff=256, dropout=0.1,
                 norm_first=True, wide=False):
        super().__init__()
        self.vocab = vocab
        self.max_len = max_len
        self.embed = nn.Embedding(vocab, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        self.encoder = Encoder([EncoderLayer(dim, heads, ff, dropout, norm_first) for _ in range(layers)])
        self.norm = nn.LayerNorm(dim)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(dim, classes)
        self.wide = nn.EmbeddingBag(vocab, classes, mode="sum", padding_idx=0) if wide else None
        if wide:
            self.register_buffer("wide_idf", torch.ones(vocab))
        with torch.no_grad():
            if self.wide is not None:
                self.wide.weight.zero_()
            self.embed.weight.normal_(0.0, 0.02)
            self.embed.weight[0].zero_()
            self.pos.weight.normal_(0.0, 0.02)

    def forward(self, ids):
        # the shim checks the id range (one aminmax + a host sync per batch); so do we, to run the same work
        lo, hi = torch.aminmax(ids)
        assert lo.item() >= 0 and hi.item() < self.vocab
        t = ids.size(1)
        keep = ids.ne(0)
        pad = keep.logical_not()
        empty = keep.any(1, keepdim=True).logical_not()
        first = torch.arange(t).eq(0).unsqueeze(0)
        pad = pad.logical_and(empty.logical_and(first).logical_not())
        h = self.dropout(self.embed(ids) + self.pos(torch.arange(t)).unsqueeze(0))
        h = h.transpose(0, 1)
        for layer in self.encoder.layers:
            h = layer(h, pad)
        h = h.transpose(0, 1)
        k = keep.to(h.dtype).unsqueeze(-1)
        pooled = (h * k).sum(1) / k.sum(1).clamp_min(1.0)
        logits = self.head(self.dropout(self.norm(pooled)))
        if self.wide is None:
            return logits
        idf = self.wide_idf.index_select(0, ids.flatten()).view_as(ids) * keep  # pads weigh 0
        weights = idf / idf.square().sum(1, keepdim=True).sqrt().clamp_min(1e-12)
        return logits + self.wide(ids, per_sample_weights=weights.to(self.wide.weight.dtype))

    @torch.no_grad()
    def set_idf(self, rows):
        """TextClassificationTrainer.SetInverseDocumentFrequencies: scikit-learn's smoothed idf,
        ln((1 + n) / (1 + df)) + 1, counted over the training rows (1-D id tensors)."""
        df = torch.zeros(self.vocab, dtype=torch.float64)
        for row in rows:
            df[torch.unique(row)] += 1
        self.wide_idf.copy_((torch.log((1.0 + len(rows)) / (1.0 + df)) + 1).float())


def decays_weights(name, p):
    """ClassificationTrainer.DecaysWeights: matrices and kernels, not biases or normalisation weights."""
    if p.dim() < 2:
        return False
    for part in name.split("."):
        low = part.lower()
        if low.startswith("norm") or low.startswith("bn") or low.startswith("ln") or "bias" in low:
            return False
    return True


def param_groups(model, lr, wd, lr_scale=None, betas=None):
    """The trainer's groups: (decay, lr scale, Lion beta2) -> one group each, like ClassificationTrainer's
    ParameterSets and OptimizerSettings.Groups. `betas` maps a parameter name to its own betas (Lion only: pass
    it only when building a Lion)."""
    lr_scale = lr_scale or {}
    betas = betas or {}
    groups = {}
    for name, p in model.named_parameters():
        key = (decays_weights(name, p), lr_scale.get(name, 1.0), betas.get(name))
        groups.setdefault(key, []).append(p)
    out = []
    for (decay, scale, b), ps in groups.items():
        g = {"params": ps, "lr": lr * scale, "weight_decay": wd if decay else 0.0, "base_lr": lr * scale}
        if b is not None:
            g["betas"] = b
        out.append(g)
    return out
