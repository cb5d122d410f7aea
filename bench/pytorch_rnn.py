#!/usr/bin/python3
"""The PyTorch side of the recurrent benchmarks, same data, network, optimizer and batch as spark-dl:
  rows: Fashion-MNIST images read as 28 steps of 28 pixels, LSTM(hidden) -> Linear(10), Adam.
        Prints one JSON line: sequences/s per epoch and the test accuracy after each epoch.
  lm:   a character LSTM on the fortune texts: the same split (CRC-32 of seed:record), the same
        vocabulary (the most frequent characters of the training text, id 0 unknown), windows of
        --seq characters cut in order from the training text, truncated BPTT every --bptt steps with
        the state carried, Adam. Prints validation loss per character and tokens/s per epoch.
Run with Debian's PyTorch in its fastest setting on 2 cores:
    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch_rnn.py rows --epochs 3
"""
import argparse
import json
import math
import os
import time
import zlib
from collections import Counter

import numpy as np
import torch
import torch.nn as nn

from pytorch_cnn_s import DATA, idx

FORTUNES = "/usr/share/games/fortunes"


def rows(a):
    x = torch.from_numpy(idx(DATA + "/train-images-idx3-ubyte.gz")[:a.limit].astype(np.float32) / 255)
    y = torch.from_numpy(idx(DATA + "/train-labels-idx1-ubyte.gz")[:a.limit].astype(np.int64))
    tx = torch.from_numpy(idx(DATA + "/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255)
    ty = torch.from_numpy(idx(DATA + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(28, a.hidden, batch_first=True)
            self.out = nn.Linear(a.hidden, 10)

        def forward(self, v):
            h, _ = self.lstm(v)
            return self.out(h[:, -1])

    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    # spark-dl's cosine schedule: the rate of epoch e is lr·(1 + cos(π·e/epochs))/2
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs) if a.cosine else None
    loss_fn = nn.CrossEntropyLoss()
    rates, accuracies = [], []
    for _ in range(a.epochs):
        model.train()
        order = torch.randperm(len(y))
        t0 = time.perf_counter()
        for i in range(0, len(y), a.batch):
            b = order[i:i + a.batch]
            opt.zero_grad()
            loss_fn(model(x[b]), y[b]).backward()
            opt.step()
        rates.append(len(y) / (time.perf_counter() - t0))
        if sched:
            sched.step()
        model.eval()
        with torch.no_grad():
            accuracies.append(float((model(tx).argmax(1) == ty).float().mean()))
    return {"sequences_per_second": rates, "test_accuracy": accuracies}


def records():
    out = []
    for name in sorted(os.listdir(FORTUNES)):
        p = os.path.join(FORTUNES, name)
        if name.endswith(".dat") or name.endswith(".u8") or os.path.islink(p) or not os.path.isfile(p):
            continue
        with open(p, encoding="utf-8") as f:
            text = f.read()
        record = []
        for line in text.split("\n"):
            if line == "%":
                r = "\n".join(record).strip()
                if r:
                    out.append(r)
                record = []
            else:
                record.append(line)
        r = "\n".join(record).strip()
        if r:
            out.append(r)
    return out


def lm(a):
    train, val = [], []
    for r in records():
        h = zlib.crc32((str(a.split_seed) + ":" + r).encode("utf-8"))
        (val if h % 10000 < a.validation * 10000 else train).append(r)
    counts = Counter("".join(train))
    kept = sorted(counts.items(), key=lambda kv: (-kv[1], ord(kv[0])))[:a.vocab - 1]
    chars = sorted(c for c, _ in kept)
    ids = {c: i + 1 for i, c in enumerate(chars)}
    v = len(chars) + 1

    def windows(texts):
        stream = [ids.get(c, 0) for t in texts for c in t + "\n"]
        w = [stream[i:i + a.seq + 1] for i in range(0, len(stream) - a.seq, a.seq)]
        return torch.tensor(w, dtype=torch.int64)

    tw, vw = windows(train), windows(val)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(v, a.embedding)
            self.lstm = nn.LSTM(a.embedding, a.hidden, batch_first=True)
            self.out = nn.Linear(a.hidden, v)

        def forward(self, t, state):
            h, state = self.lstm(self.emb(t), state)
            return self.out(h), state

    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()

    def run(w, train):
        total, n = 0.0, 0
        for i in range(0, len(w), a.batch):
            b = w[i:i + a.batch]
            state = None
            for c in range(0, a.seq, a.bptt):
                x, y = b[:, c:c + a.bptt], b[:, c + 1:c + a.bptt + 1]
                logits, state = model(x, state)
                state = tuple(s.detach() for s in state)
                loss = loss_fn(logits.reshape(-1, v), y.reshape(-1))
                if train:
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                total += float(loss) * y.numel()
                n += y.numel()
        return total / n, n

    losses, rates = [], []
    for _ in range(a.epochs):
        model.train()
        t0 = time.perf_counter()
        _, n = run(tw[torch.randperm(len(tw))], True)
        rates.append(n / (time.perf_counter() - t0))
        model.eval()
        with torch.no_grad():
            losses.append(run(vw, False)[0])
    return {"vocabulary": v, "train_windows": len(tw), "validation_loss": losses,
            "perplexity": [math.exp(x) for x in losses], "tokens_per_second": rates}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("task", choices=["rows", "lm"])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--limit", type=int, default=60000)
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--seq", type=int, default=256)
    p.add_argument("--bptt", type=int, default=64)
    p.add_argument("--vocab", type=int, default=256)
    p.add_argument("--validation", type=float, default=0.05)
    p.add_argument("--split-seed", type=int, default=7)
    p.add_argument("--cosine", action="store_true", help="cosine learning-rate schedule over the epochs")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    result = rows(a) if a.task == "rows" else lm(a)
    result.update({"framework": "pytorch " + torch.__version__, "task": a.task, "threads": a.threads,
                   "batch": a.batch, "epochs": a.epochs})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
