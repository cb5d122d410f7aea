#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that spark-dl-core's parity tests compare against.

Run with Debian's PyTorch (apt-get install python3-torch python3-numpy):
    /usr/bin/python3 spark-dl-core/src/test/python/generate_fixtures.py [group ...]
With group names (e.g. ssl_losses), only those groups are written; without, all of them.
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


def recurrent_case(name, kind, features, hidden, layers, bidirectional, n, steps, lengths=None):
    """nn.RNN/LSTM/GRU (batch_first) in float64; with lengths through pack_padded_sequence, so the
    padded steps are PyTorch's own business. Parameters keep PyTorch's names (weight_ih_l0, ...);
    h_last is the top layer's h_n, forward then reverse, which the Java 'last' layer must give."""
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    m = cls(features, hidden, num_layers=layers, bidirectional=bidirectional, batch_first=True).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rand(*p.shape, scale=0.5))
    x = rand(n, steps, features).requires_grad_(True)
    lens = lengths if lengths is not None else [steps] * n
    if lengths is None:
        y, hn = m(x)
    else:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=True,
                                                         enforce_sorted=False)
        out, hn = m(packed)
        y, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=steps)
    if kind == "lstm":
        hn = hn[0]
    d = 2 if bidirectional else 1
    h_last = torch.cat([hn[-d + i] for i in range(d)], dim=1)
    dy = rand(*y.shape)  # padded steps too: their gradient must be ignored
    y.backward(dy)
    arrays = {"x": x, "y": y, "dy": dy, "dx": x.grad, "h_last": h_last,
              "lengths": torch.tensor(lens, dtype=torch.float64),
              "config": torch.tensor([hidden, layers, d], dtype=torch.float64)}
    for pname, p in m.named_parameters():
        arrays[pname] = p
        arrays["d" + pname] = p.grad
    write_archive("rnn_" + name, arrays)


def recurrent():
    recurrent_case("rnn", "rnn", 3, 4, 1, False, 2, 5)
    recurrent_case("lstm", "lstm", 3, 4, 1, False, 2, 5)
    recurrent_case("gru", "gru", 3, 4, 1, False, 2, 5)
    recurrent_case("lstm_2layer", "lstm", 3, 4, 2, False, 2, 4)
    recurrent_case("gru_bi", "gru", 3, 4, 1, True, 2, 4)
    recurrent_case("rnn_bi_2layer", "rnn", 3, 4, 2, True, 2, 4)
    recurrent_case("rnn_packed", "rnn", 3, 4, 1, False, 3, 4, [4, 1, 3])
    recurrent_case("gru_packed", "gru", 3, 4, 1, False, 3, 5, [2, 5, 3])
    recurrent_case("lstm_packed_bi_2layer", "lstm", 3, 4, 2, True, 3, 5, [2, 5, 3])

    vocab, dim = 7, 3
    ids = torch.randint(0, vocab, (3, 4)).double()
    ids[0, 0] = ids[1, 2]  # a repeated id: its row gets both gradients
    w = rand(vocab, dim)
    wv = w.clone().requires_grad_(True)
    y = F.embedding(ids.long(), wv)
    dy = rand(*y.shape)
    y.backward(dy)
    write_archive("layer_embedding", {"x": ids, "y": y, "dy": dy, "weight": w, "dweight": wv.grad})


def sequence_model_adam():
    """embedding(5, vocab=11) lstm(6) last dense(3) with cross-entropy on a packed batch, four Adam
    steps. Arrays are named as the Java model's state ("1.weight_ih_l0"), then "after." + name."""
    vocab, dim, hidden, classes, n, steps = 11, 5, 6, 3, 4, 6
    lengths = [6, 3, 5, 2]
    emb = torch.nn.Embedding(vocab, dim).double()
    lstm = torch.nn.LSTM(dim, hidden, batch_first=True).double()
    head = torch.nn.Linear(hidden, classes).double()
    named = {"0.weight": emb.weight}
    named.update({"1." + k: v for k, v in lstm.named_parameters()})
    named.update({"3.weight": head.weight, "3.bias": head.bias})
    with torch.no_grad():
        for p in named.values():
            p.copy_(rand(*p.shape, scale=0.5))
    initial = {k: v.detach().clone() for k, v in named.items()}
    ids = torch.randint(0, vocab, (n, steps))
    labels = torch.tensor([0, 2, 1, 2])
    opt = torch.optim.Adam(list(named.values()), lr=0.01)
    losses = []
    for _ in range(4):
        opt.zero_grad()
        packed = torch.nn.utils.rnn.pack_padded_sequence(emb(ids), torch.tensor(lengths), batch_first=True,
                                                         enforce_sorted=False)
        _, (hn, _) = lstm(packed)
        loss = F.cross_entropy(head(hn[-1]), labels)
        loss.backward()
        opt.step()
        losses.append(loss.detach().clone())
    arrays = {"ids": ids.double(), "lengths": torch.tensor(lengths, dtype=torch.float64),
              "labels": labels.double(), "losses": torch.stack(losses)}
    arrays.update(initial)
    arrays.update({"after." + k: v for k, v in named.items()})
    write_archive("model_embedding_lstm_adam", arrays)


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


def ssl_losses():
    """Self-supervised losses (spark-dl-core's ContrastiveLoss, MocoLoss, DinoLoss), with their own
    seed so that they do not depend on which other fixtures were drawn first."""
    gen_state = torch.random.get_rng_state()
    torch.manual_seed(1234)
    tau = 0.5
    n, d = 3, 4
    z = rand(2 * n, d, scale=1.5)
    m = 2 * n
    idx = torch.arange(m)
    partner = (idx + n) % m
    for name, decoupled in [("ntxent", False), ("dcl", True)]:
        zz = z.clone().requires_grad_(True)
        u = F.normalize(zz, dim=1, eps=1e-8)
        s = u @ u.T / tau
        mask = torch.eye(m, dtype=torch.bool)
        if decoupled:
            mask[idx, partner] = True  # the positive leaves the denominator
            lse = torch.logsumexp(s.masked_fill(mask, float("-inf")), dim=1)
            loss = (lse - s[idx, partner]).mean()
        else:
            loss = F.cross_entropy(s.masked_fill(mask, float("-inf")), partner)
        loss.backward()
        write_archive("loss_" + name, {"z": z, "temperature": torch.tensor(tau), "loss": loss, "dz": zz.grad})

    # MoCo v2 with a partly filled queue: negatives are the queue's filled entries and the batch's
    # other keys. The queue is filled from the raw keys in two batches (rows 0..3, then 4..9).
    tau = 0.2
    n, d, capacity, filled = 4, 5, 16, 10
    q, k, queue = rand(n, d), rand(n, d), rand(filled, d, scale=2.0)
    qq = q.clone().requires_grad_(True)
    uq = F.normalize(qq, dim=1, eps=1e-8)
    uk = F.normalize(k, dim=1, eps=1e-8)
    uqueue = F.normalize(queue, dim=1, eps=1e-8)
    logits = torch.cat([uq @ uk.T, uq @ uqueue.T], dim=1) / tau
    loss = F.cross_entropy(logits, torch.arange(n))
    loss.backward()
    write_archive("loss_moco", {"q": q, "k": k, "queue_raw": queue, "queue_normalized": uqueue,
                                "config": torch.tensor([capacity, tau], dtype=torch.float64),
                                "loss": loss, "dq": qq.grad})

    # DINO: V = 4 views (2 global) of N = 3 samples, K = 5 prototypes, a non-zero center.
    ts, tt, views, global_views, n, k, momentum = 0.1, 0.04, 4, 2, 3, 5, 0.9
    student, teacher, center = rand(views * n, k, scale=2.0), rand(global_views * n, k), rand(k, scale=0.5)
    st = student.clone().requires_grad_(True)
    student_out = (st / ts).chunk(views)
    teacher_out = F.softmax((teacher - center) / tt, dim=-1).chunk(global_views)
    total, terms = 0.0, 0
    for it, pt in enumerate(teacher_out):
        for v in range(views):
            if v == it:
                continue
            total = total + torch.sum(-pt * F.log_softmax(student_out[v], dim=-1), dim=-1).mean()
            terms += 1
    loss = total / terms
    loss.backward()
    new_center = center * momentum + teacher.mean(dim=0) * (1 - momentum)
    write_archive("loss_dino", {"student": student, "teacher": teacher, "center": center,
                                "config": torch.tensor([ts, tt, global_views, momentum], dtype=torch.float64),
                                "loss": loss, "dstudent": st.grad, "new_center": new_center})
    torch.random.set_rng_state(gen_state)


def ssl_head_layers():
    """DINO's head ends: F.normalize, then weight_norm(Linear(in, K, bias=False)) with its gain
    fixed at 1 (the Java Prototypes layer's parameter is weight_norm's weight_v). Seeds itself."""
    gen_state = torch.random.get_rng_state()
    torch.manual_seed(11)
    x = rand(4, 6)
    x[3] = x[3] * 1e-3  # a short row: the normalisation's gradient grows as 1/‖x‖
    layer_case("l2norm", lambda x: F.normalize(x, dim=1), x, {})
    layer_case("prototypes", lambda x, v: F.linear(x, v / v.norm(dim=1, keepdim=True)), rand(3, 5),
               {"weight": rand(4, 5)})
    torch.random.set_rng_state(gen_state)


GROUPS = ["layers", "losses", "optimizers", "schedules", "recurrent", "sequence_model_adam", "ssl_losses",
          "ssl_head_layers"]

if __name__ == "__main__":
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    if len(sys.argv) > 1:
        # e.g. generate_fixtures.py ssl_losses: writes only the named groups (their random draws
        # then differ from a full run, except for groups that seed themselves, as ssl_losses does)
        unknown = [g for g in sys.argv[1:] if g not in GROUPS]
        if unknown:
            sys.exit("unknown fixture group(s) %s; expected some of %s" % (unknown, GROUPS))
        for g in sys.argv[1:]:
            globals()[g]()
        print("fixtures", sys.argv[1:], "written to", os.path.normpath(OUT), "with torch", torch.__version__,
              file=sys.stderr)
        sys.exit(0)
    layers()
    losses()
    optimizers()
    schedules()
    # last, so the fixtures above keep their random draws
    recurrent()
    sequence_model_adam()
    ssl_losses()  # seeds itself
    ssl_head_layers()  # seeds itself
    print("fixtures written to", os.path.normpath(OUT), "with torch", torch.__version__, file=sys.stderr)
