#!/usr/bin/python3
"""The reference a user would pick instead: CNN-S trained with PyTorch on the CPU, same data, same
network, same optimizer, same batch size. Prints one JSON line: its configuration, images/s per
epoch and the test accuracy after each epoch. Run with Debian's PyTorch, in the configuration
bench/compare-pytorch.sh finds fastest here, e.g.:
    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_cnn_s.py --epochs 1 --threads 2
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=60000)
    p.add_argument("--interop-threads", type=int, default=0, help="0: PyTorch's default")
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format for images and weights")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.interop_threads > 0:
        torch.set_num_interop_threads(a.interop_threads)
    torch.manual_seed(1)
    x = torch.from_numpy(idx(DATA + "/train-images-idx3-ubyte.gz")[:a.limit].astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(idx(DATA + "/train-labels-idx1-ubyte.gz")[:a.limit].astype(np.int64))
    tx = torch.from_numpy(idx(DATA + "/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
    ty = torch.from_numpy(idx(DATA + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 256), nn.ReLU(), nn.Linear(256, 10))
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
        tx = tx.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    rates, accuracies = [], []
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(y))
        t0 = time.perf_counter()
        for i in range(0, len(y), a.batch):
            b = order[i:i + a.batch]
            opt.zero_grad()
            loss_fn(model(x[b]), y[b]).backward()
            opt.step()
        rates.append(len(y) / (time.perf_counter() - t0))
        model.eval()
        with torch.no_grad():
            accuracies.append(float((model(tx).argmax(1) == ty).float().mean()))
    config = {"OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
              "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
              "threads": torch.get_num_threads(), "interop_threads": torch.get_num_interop_threads(),
              "channels_last": a.channels_last}
    print(json.dumps({"framework": "pytorch " + torch.__version__, "config": config, "threads": a.threads,
                      "batch": a.batch, "images_per_second": rates, "test_accuracy": accuracies}))


if __name__ == "__main__":
    main()
