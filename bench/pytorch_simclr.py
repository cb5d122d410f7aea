#!/usr/bin/python3
"""The PyTorch side of the SimCLR benchmark: the same data, encoder, head, augmentations, loss,
optimizer, batch and epochs as `bin/spark-dl pretrain --method simclr`, then the same linear probe.

  encoder: conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(128)
  head:    relu dense(128) relu dense(projection)
  views:   two per image, each: random resized crop (area 0.2-1, ratio 3/4-4/3, bilinear, back to
           28x28), horizontal flip (p 0.5), brightness and contrast jitter of 0.4 (together with
           p 0.8; contrast around the image mean), gaussian blur (p 0.5, sigma 0.1-1, reflect padding)
  loss:    NT-Xent over the 2N views, cosine similarity, temperature 0.5; Adam 1e-3, batch 256
  probe:   multinomial logistic regression on the standardised embeddings of the 60,000 training
           images (L-BFGS, 100 iterations, no penalty, as MLlib's LogisticRegression defaults),
           accuracy on the 10,000 test images.
Augmentations are batched tensor operations (one affine grid per batch, a grouped convolution for
the blur), PyTorch's fastest way on 2 cores without a data-loader process competing for them.
Prints one JSON line: images/s per epoch, the loss per epoch, the probe accuracy.
    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_simclr.py --epochs 5
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from pytorch_cnn_s import DATA, idx


def encoder():
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128))


def he_normal(net):
    """spark-dl's initialiser (he_normal weights, zero biases) instead of PyTorch's default."""
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)


def augment(x, g):
    """One random view of each image of x [N,1,28,28], drawn from generator g."""
    n = x.shape[0]
    u = lambda: torch.rand(n, generator=g)
    # random resized crop: area fraction s, aspect ratio r (log-uniform); the box as an affine map
    s = 0.2 + 0.8 * u()
    r = torch.exp(math.log(3 / 4) + (math.log(4 / 3) - math.log(3 / 4)) * u())
    w = torch.sqrt(s * r).clamp(max=1.0)
    h = torch.sqrt(s / r).clamp(max=1.0)
    cx = (u() * 2 - 1) * (1 - w)
    cy = (u() * 2 - 1) * (1 - h)
    flip = torch.where(u() < 0.5, -1.0, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = w * flip
    theta[:, 0, 2] = cx
    theta[:, 1, 1] = h
    theta[:, 1, 2] = cy
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    v = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
    # brightness and contrast, together with probability 0.8
    jitter = (u() < 0.8).float().view(n, 1, 1, 1)
    b = (0.6 + 0.8 * u()).view(n, 1, 1, 1)
    c = (0.6 + 0.8 * u()).view(n, 1, 1, 1)
    j = v * b
    mean = j.mean(dim=(1, 2, 3), keepdim=True)
    j = mean + c * (j - mean)
    v = jitter * j + (1 - jitter) * v
    # gaussian blur with probability 0.5, sigma in [0.1, 1], a 5-tap separable kernel per image
    sigma = (0.1 + 0.9 * u()).view(n, 1)
    t = torch.arange(-2, 3, dtype=torch.float32).view(1, 5)
    k = torch.exp(-t * t / (2 * sigma * sigma))
    k = k / k.sum(dim=1, keepdim=True)
    blur = (u() < 0.5)
    if blur.any():
        vb = v[blur].transpose(0, 1)  # [1, B, 28, 28]: one group per image
        kb = k[blur]
        m = kb.shape[0]
        vb = F.conv2d(F.pad(vb, (2, 2, 0, 0), mode="reflect"), kb.view(m, 1, 1, 5), groups=m)
        vb = F.conv2d(F.pad(vb, (0, 0, 2, 2), mode="reflect"), kb.view(m, 1, 5, 1), groups=m)
        v = v.clone()
        v[blur] = vb.transpose(0, 1)
    return v


def nt_xent(z, temperature):
    n2 = z.shape[0]
    n = n2 // 2
    u = F.normalize(z, dim=1)
    s = u @ u.t() / temperature
    s.fill_diagonal_(float("-inf"))
    target = torch.cat([torch.arange(n, n2), torch.arange(0, n)])
    return F.cross_entropy(s, target)


def probe(train_x, train_y, test_x, test_y, iterations):
    mean, std = train_x.mean(0), train_x.std(0).clamp(min=1e-8)
    a, b = (train_x - mean) / std, (test_x - mean) / std
    lin = nn.Linear(a.shape[1], 10)
    opt = torch.optim.LBFGS(lin.parameters(), max_iter=iterations, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(lin(a), train_y)
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return (lin(b).argmax(1) == test_y).float().mean().item()


def embed(net, x):
    with torch.no_grad():
        return torch.cat([net(x[i:i + 1024]) for i in range(0, len(x), 1024)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--temperature", type=float, default=0.5)
    p.add_argument("--projection", type=int, default=128)
    p.add_argument("--limit", type=int, default=60000)
    p.add_argument("--probe-iterations", type=int, default=100)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--init", choices=["pytorch", "he_normal"], default="pytorch",
                   help="weights: PyTorch's default (uniform, 1/sqrt(fan_in)) or spark-dl's he_normal")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    g = torch.Generator().manual_seed(a.seed)
    x = torch.from_numpy(idx(DATA + "/train-images-idx3-ubyte.gz")[:a.limit].astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(idx(DATA + "/train-labels-idx1-ubyte.gz")[:a.limit].astype(np.int64))
    tx = torch.from_numpy(idx(DATA + "/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    ty = torch.from_numpy(idx(DATA + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    enc = encoder()
    head = nn.Sequential(nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, a.projection))
    if a.init == "he_normal":
        he_normal(enc)
        he_normal(head)
    opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=a.lr)
    speeds, losses = [], []
    for epoch in range(a.epochs):
        order = torch.randperm(len(x), generator=g)
        t0, total, steps = time.time(), 0.0, 0
        for i in range(0, len(x), a.batch):
            xb = x[order[i:i + a.batch]]
            if len(xb) < 2:
                continue
            views = torch.cat([augment(xb, g), augment(xb, g)])
            loss = nt_xent(head(enc(views)), a.temperature)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        speeds.append(len(x) / (time.time() - t0))
        losses.append(total / steps)
    accuracy = probe(embed(enc, x), y, embed(enc, tx), ty, a.probe_iterations)
    print(json.dumps({
        "method": "simclr", "init": a.init, "epochs": a.epochs, "batch": a.batch,
        "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
        "images_per_second": speeds, "training_loss": losses, "probe_accuracy": accuracy}))


if __name__ == "__main__":
    main()
