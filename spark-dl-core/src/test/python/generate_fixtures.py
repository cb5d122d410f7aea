#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that spark-dl-core's parity tests compare against.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy):
    /usr/bin/python3 spark-dl-core/src/test/python/generate_fixtures.py
Each fixture is a small archive of named float32 arrays (format: see write_archive and the Java
FixtureArchive). References are computed in float64 from float32 inputs, so the Java tests measure
their own float32 error. The outputs are committed: the tests never need PyTorch.
"""
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")


def write_archive(name, arrays):
    """Format: b'SDLT', int32 version=1, int32 count, then per array: int32 name length, UTF-8
    name, int32 rank, int32 dims..., float32 values (all little-endian)."""
    path = os.path.join(OUT, name + ".bin")
    with open(path, "wb") as f:
        f.write(b"SDLT")
        f.write(struct.pack("<ii", 1, len(arrays)))
        for key, value in arrays.items():
            a = np.asarray(value.detach().numpy() if torch.is_tensor(value) else value, dtype="<f4")
            if a.ndim == 0:
                a = a.reshape(1)
            kb = key.encode("utf-8")
            f.write(struct.pack("<i", len(kb)))
            f.write(kb)
            f.write(struct.pack("<i", a.ndim))
            f.write(struct.pack("<%di" % a.ndim, *a.shape))
            f.write(np.ascontiguousarray(a).tobytes())


def rand(*shape, scale=1.0):
    """float32 values, returned as float64 tensors (exactly representable in float32)."""
    return (torch.randn(*shape, dtype=torch.float32) * scale).double()


def layer_case(name, fn, x, params, extra=None):
    """Runs fn(x, *params) in float64, backpropagates a random dy, and stores everything."""
    x = x.clone().requires_grad_(True)
    ps = [p.clone().requires_grad_(True) for p in params.values()]
    y = fn(x, *ps)
    dy = rand(*y.shape)
    y.backward(dy)
    arrays = {"x": x, "y": y, "dy": dy, "dx": x.grad}
    for (k, v), p in zip(params.items(), ps):
        arrays[k] = v
        arrays["d" + k] = p.grad
    if extra:
        arrays.update(extra)
    write_archive("layer_" + name, arrays)


def layers():
    layer_case("dense", lambda x, w, b: F.linear(x, w, b), rand(4, 5), {"weight": rand(3, 5), "bias": rand(3)})
    for name, shape, cout, k, stride, pad in [
        ("conv_k3_s2_p1", (2, 3, 7, 6), 4, 3, 2, 1),
        ("conv_k5_s1_p2", (2, 2, 8, 8), 3, 5, 1, 2),
        ("conv_k3_s1_p0", (2, 1, 6, 6), 2, 3, 1, 0),
        ("conv_k2_s3_p0", (1, 2, 8, 7), 3, 2, 3, 0),
    ]:
        w = rand(cout, shape[1], k, k, scale=0.5)
        layer_case(name, lambda x, w, b, s=stride, p=pad: F.conv2d(x, w, b, stride=s, padding=p), rand(*shape),
                   {"weight": w, "bias": rand(cout)},
                   {"config": torch.tensor([cout, k, stride, pad], dtype=torch.float64)})
    for name, shape, k, s in [("maxpool_k2", (2, 3, 6, 6), 2, 2), ("maxpool_k3_s2", (1, 2, 7, 7), 3, 2)]:
        layer_case(name, lambda x, k=k, s=s: F.max_pool2d(x, k, s), rand(*shape), {},
                   {"config": torch.tensor([k, s], dtype=torch.float64)})
    for name, shape, k, s in [("avgpool_k2", (2, 3, 6, 6), 2, 2), ("avgpool_k3_s2", (1, 2, 7, 7), 3, 2)]:
        layer_case(name, lambda x, k=k, s=s: F.avg_pool2d(x, k, s), rand(*shape), {},
                   {"config": torch.tensor([k, s], dtype=torch.float64)})
    # Dropout: PyTorch draws the mask; the Java test replays it.
    p = 0.3
    x = rand(4, 6)
    torch.manual_seed(7)
    drop = torch.nn.Dropout(p)
    probe = drop(torch.ones(4, 6, dtype=torch.float64))
    mask = (probe != 0).double()
    layer_case("dropout", lambda x: x * mask / (1 - p), x, {},
               {"mask": mask, "config": torch.tensor([p], dtype=torch.float64)})
    # BatchNorm in training: batch statistics, running statistics updated (momentum 0.1).
    for name, shape in [("batchnorm1d_train", (6, 4)), ("batchnorm2d_train", (3, 2, 4, 4))]:
        c = shape[1]
        rm0, rv0 = rand(c, scale=0.1), rand(c).abs() + 0.5
        rm, rv = rm0.clone(), rv0.clone()
        layer_case(name, lambda x, g, b: F.batch_norm(x, rm, rv, g, b, training=True, momentum=0.1, eps=1e-5),
                   rand(*shape, scale=2.0) + 0.5, {"gamma": rand(c), "beta": rand(c)},
                   {"running_mean0": rm0, "running_var0": rv0, "running_mean": rm, "running_var": rv})
    rm, rv = rand(2, scale=0.3), rand(2).abs() + 0.5
    layer_case("batchnorm2d_eval", lambda x, g, b: F.batch_norm(x, rm, rv, g, b, training=False, eps=1e-5),
               rand(3, 2, 4, 4), {"gamma": rand(2), "beta": rand(2)}, {"running_mean0": rm, "running_var0": rv})
    layer_case("layernorm", lambda x, g, b: F.layer_norm(x, (2, 3, 3), g, b, eps=1e-5), rand(3, 2, 3, 3),
               {"gamma": rand(2, 3, 3), "beta": rand(2, 3, 3)})
    acts = {
        "relu": F.relu,
        "leakyrelu": lambda x: F.leaky_relu(x, 0.1),
        "elu": lambda x: F.elu(x, 1.0),
        "gelu": F.gelu,
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
    }
    for name, fn in acts.items():
        x = rand(5, 7, scale=2.0)
        x[0, :3] = torch.tensor([-6.0, 6.0, -4.5], dtype=torch.float64)  # tails
        layer_case("act_" + name, fn, x, {})


def losses():
    logits = rand(6, 5, scale=2.0)
    logits[2] = torch.tensor([1000.0, -1000.0, 3.0, 999.0, 0.0], dtype=torch.float64)  # stability
    labels = torch.tensor([0, 3, 3, 1, 4, 2])
    z = logits.clone().requires_grad_(True)
    loss = F.cross_entropy(z, labels)
    loss.backward()
    write_archive("loss_cross_entropy", {"logits": logits, "labels": labels.double(), "loss": loss, "dlogits": z.grad})

    scores = rand(6, 5)
    z = scores.clone().requires_grad_(True)
    # The CS231n SVM loss is MultiMarginLoss (margin 1) times the number of classes.
    loss = F.multi_margin_loss(z, labels, margin=1.0) * scores.shape[1]
    loss.backward()
    write_archive("loss_hinge", {"logits": scores, "labels": labels.double(), "loss": loss, "dlogits": z.grad})

    logits = rand(4, 3, scale=3.0)
    logits[0, 0] = 80.0
    logits[0, 1] = -80.0
    targets = torch.rand(4, 3, dtype=torch.float32).double()
    targets[1] = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
    z = logits.clone().requires_grad_(True)
    loss = F.binary_cross_entropy_with_logits(z, targets)
    loss.backward()
    write_archive("loss_bce", {"logits": logits, "labels": targets, "loss": loss, "dlogits": z.grad})


def optimizers():
    w0 = rand(3, 4)
    grads = rand(5, 3, 4)
    configs = {
        "sgd": (lambda p: torch.optim.SGD(p, lr=0.1), 0.0),
        "momentum": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 0.0),
        "nesterov": (lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True), 0.0),
        "sgd_l2": (lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.05), 0.0),
        "sgd_l1": (lambda p: torch.optim.SGD(p, lr=0.1), 0.02),
        "adagrad": (lambda p: torch.optim.Adagrad(p, lr=0.1), 0.0),
        "rmsprop": (lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99, eps=1e-8), 0.0),
        "adam": (lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8), 0.0),
        "adam_l2": (lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.05), 0.0),
        "adamw": (lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1), 0.0),
    }
    for name, (make, l1) in configs.items():
        w = w0.clone().requires_grad_(True)
        opt = make([w])
        after = []
        for g in grads:
            w.grad = g.clone()
            if l1:
                w.grad += l1 * torch.sign(w.detach())
            opt.step()
            after.append(w.detach().clone())
        write_archive("optim_" + name, {"w0": w0, "grads": grads, "after": torch.stack(after)})
    for name, scale in [("clip_active", 3.0), ("clip_inactive", 0.05)]:
        a = (rand(3, 4) * scale).requires_grad_(True)
        b = (rand(5) * scale).requires_grad_(True)
        a.grad, b.grad = rand(3, 4) * scale, rand(5) * scale
        ga, gb = a.grad.clone(), b.grad.clone()
        norm = torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
        write_archive("optim_" + name, {"grad_a": ga, "grad_b": gb, "clipped_a": a.grad, "clipped_b": b.grad,
                                        "norm": norm, "max_norm": torch.tensor(1.0)})


def schedules():
    def run(make, steps=20):
        w = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.1)
        sched = make(opt)
        values = []
        for _ in range(steps):
            values.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        return torch.tensor(values, dtype=torch.float64)

    lr = torch.optim.lr_scheduler
    write_archive("schedules", {
        "constant": run(lambda o: lr.LambdaLR(o, lambda t: 1.0)),
        "step": run(lambda o: lr.MultiStepLR(o, milestones=[5, 12], gamma=0.5)),
        "cosine": run(lambda o: lr.CosineAnnealingLR(o, T_max=20, eta_min=0.001)),
        "linear": run(lambda o: lr.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10)),
        "warmup_cosine": run(lambda o: lr.SequentialLR(o, [
            lr.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=3),
            lr.CosineAnnealingLR(o, T_max=17, eta_min=0.001)], milestones=[3])),
    })


if __name__ == "__main__":
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    layers()
    losses()
    optimizers()
    schedules()
    print("fixtures written to", os.path.normpath(OUT), "with torch", torch.__version__, file=sys.stderr)
