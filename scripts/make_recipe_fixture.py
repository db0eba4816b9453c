#!/usr/bin/python3
"""Writes tests/fixtures/recipe_knobs.json: PyTorch's numbers for the training
recipe's knobs, so that cnn's are checked against an independent implementation.

Computed once with PyTorch (Debian's python3-torch, float64) and committed, so the tests do not
need PyTorch. A small network (dense 6 -> 5, batch norm, relu, dense 5 -> 4, as cnn's config in the
fixture) on a batch of 8 with labels; the fixture holds every parameter under cnn's name, and:
  - CrossEntropyLoss(label_smoothing=0.1): the loss and every parameter's gradient;
  - then three steps of AdamW (lr 0.01, betas 0.9 and 0.999, eps 1e-8, weight_decay 0.1; batch
    norm's weight and bias in a group without decay, as cnn never decays them), each on the same
    batch with the smoothed loss: every parameter after the three steps, and again with the biases
    in the group without decay (cnn's decay_biases: false);
  - from the start again, plain cross-entropy's gradient clipped by clip_grad_norm_(max_norm=0.5),
    its norm before clipping, and every parameter after one SGD step (lr 0.1);
  - from the start again, four momentum SGD steps (lr 0.1, momentum 0.9) of plain cross-entropy
    with an exponential moving average of the weights and batch norm's running statistics after
    each: AveragedModel(use_buffers=True) with avg_fn 0.8 a + 0.2 x, and the ramped decay of
    Ultralytics' ModelEMA (0.8 (1 - exp(-t / 2)) at update t, from a copy of the start): both
    averages after the four steps (weight_averages);
  - the learning rate of every step of a linear warm-up in front of cosine annealing
    (SequentialLR of LinearLR and CosineAnnealingLR) and of OneCycleLR (learning_rate_schedules).

    /usr/bin/python3 scripts/make_recipe_fixture.py
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)

CONFIG = """model:
  input: [1, 2, 3]
  layers:
    - dense: {units: 5}
    - batch_norm
    - relu
    - dense: {units: 4}
    - softmax
"""


def flat(t):
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def learning_rate_schedules():
    """The learning rate of each of 24 steps (8 epochs of 3) from a base of 0.1, as PyTorch's
    schedulers give them, stepped once per step: a linear warm-up of 2 epochs (LinearLR,
    start_factor 0.01) in front of cosine annealing to 0.001 (SequentialLR), and OneCycleLR (pct_start
    0.3, div_factor 25, final_div_factor 1e4, cycle_momentum off)."""
    import warnings

    def rates(make):
        param = torch.nn.Parameter(torch.zeros(1))
        optimizer = torch.optim.SGD([param], lr=0.1)
        scheduler = make(optimizer)
        out = []
        for _ in range(24):
            out.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SequentialLR's deprecation notes
                scheduler.step()
        return out

    warm_cosine = rates(lambda o: torch.optim.lr_scheduler.SequentialLR(
        o, [torch.optim.lr_scheduler.LinearLR(o, start_factor=0.01, total_iters=6),
            torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=18, eta_min=0.001)], milestones=[6]))
    one_cycle = rates(lambda o: torch.optim.lr_scheduler.OneCycleLR(
        o, max_lr=0.1, total_steps=24, pct_start=0.3, div_factor=25.0, final_div_factor=1e4, cycle_momentum=False))
    return {"lr": 0.1, "epochs": 8, "steps_per_epoch": 3,
            "warmup_cosine": {"warmup_epochs": 2, "warmup_start_factor": 0.01, "min_lr": 0.001, "rates": warm_cosine},
            "one_cycle": {"pct_start": 0.3, "div_factor": 25.0, "final_div_factor": 1e4, "rates": one_cycle}}


def weight_averages(model, names, restart, x, target):
    """Four momentum steps with the two moving averages of the weights beside them (see the
    docstring at the top); the averages' tensors by cnn's names, batch norm's running statistics
    included."""
    import copy
    import math

    from torch.optim.swa_utils import AveragedModel

    decay, tau = 0.8, 2.0
    restart()
    norm = model[2]
    with torch.no_grad():
        norm.running_mean.zero_()
        norm.running_var.fill_(1.0)
    averaged = AveragedModel(model, avg_fn=lambda a, x, n: decay * a + (1.0 - decay) * x, use_buffers=True)
    ramped = copy.deepcopy(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for t in range(1, 5):
        optimizer.zero_grad()
        torch.nn.CrossEntropyLoss()(model(x.reshape(8, 1, 2, 3)), target).backward()
        optimizer.step()
        averaged.update_parameters(model)
        d = decay * (1.0 - math.exp(-t / tau))
        with torch.no_grad():
            for a, v in zip(ramped.state_dict().values(), model.state_dict().values()):
                if a.dtype.is_floating_point:
                    a.mul_(d).add_((1.0 - d) * v)

    def by_name(net):
        state = net.state_dict()
        keys = {"dense1.weight": "1.weight", "dense1.bias": "1.bias", "batch_norm1.weight": "2.weight",
                "batch_norm1.bias": "2.bias", "batch_norm1.running_mean": "2.running_mean",
                "batch_norm1.running_var": "2.running_var", "dense2.weight": "4.weight", "dense2.bias": "4.bias"}
        return {name: flat(state[key]) for name, key in keys.items()}

    return {"decay": decay, "tau": tau, "lr": 0.1, "momentum": 0.9, "steps": 4,
            "averaged_model": by_name(averaged.module), "ramped": by_name(ramped), "live": by_name(model)}


def main():
    torch.manual_seed(5)
    dense1, norm, dense2 = torch.nn.Linear(6, 5), torch.nn.BatchNorm1d(5), torch.nn.Linear(5, 4)
    with torch.no_grad():  # batch norm's affine parameters away from 1 and 0, so that their gradients matter
        norm.weight.uniform_(0.5, 1.5)
        norm.bias.uniform_(-0.5, 0.5)
    # The fixture's values are rounded to 9 digits; start PyTorch from exactly those.
    for p in [*dense1.parameters(), *norm.parameters(), *dense2.parameters()]:
        with torch.no_grad():
            p.copy_(torch.tensor(flat(p)).reshape(p.shape))
    names = {"dense1.weight": dense1.weight, "dense1.bias": dense1.bias, "batch_norm1.weight": norm.weight,
             "batch_norm1.bias": norm.bias, "dense2.weight": dense2.weight, "dense2.bias": dense2.bias}
    start = {name: flat(p) for name, p in names.items()}
    x = torch.tensor(flat(torch.randn(8, 1, 2, 3)))
    labels = [0, 1, 2, 3, 1, 2, 0, 3]
    target = torch.tensor(labels)
    model = torch.nn.Sequential(torch.nn.Flatten(), dense1, norm, torch.nn.ReLU(), dense2)
    model.train()
    criterion = torch.nn.CrossEntropyLoss(label_smoothing=0.1)

    loss = criterion(model(x.reshape(8, 1, 2, 3)), target)
    model.zero_grad()
    loss.backward()
    grads = {name: flat(p.grad) for name, p in names.items()}

    def restart():
        with torch.no_grad():
            for name, p in names.items():
                p.copy_(torch.tensor(start[name]).reshape(p.shape))

    def three_adamw_steps(decayed, undecayed):
        optimizer = torch.optim.AdamW([{"params": decayed}, {"params": undecayed, "weight_decay": 0.0}],
                                      lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
        for step in range(3):
            optimizer.zero_grad()
            criterion(model(x.reshape(8, 1, 2, 3)), target).backward()
            optimizer.step()
        return {name: flat(p) for name, p in names.items()}

    # Back to the start (the forward above moved batch norm's running statistics, which no
    # parameter reads in training mode), then three AdamW steps; again with the biases in the
    # group without decay too (decay_biases: false).
    restart()
    after = three_adamw_steps([dense1.weight, dense1.bias, dense2.weight, dense2.bias], [norm.weight, norm.bias])
    restart()
    after_no_bias_decay = three_adamw_steps([dense1.weight, dense2.weight],
                                            [dense1.bias, dense2.bias, norm.weight, norm.bias])

    # Gradient clipping: from the start again, the plain cross-entropy's gradient clipped to a
    # global norm of 0.5 by clip_grad_norm_, then one SGD step of lr 0.1.
    restart()
    model.zero_grad()
    torch.nn.CrossEntropyLoss()(model(x.reshape(8, 1, 2, 3)), target).backward()
    norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5))
    with torch.no_grad():
        for p in names.values():
            p -= 0.1 * p.grad
    after_clip = {name: flat(p) for name, p in names.items()}

    averages = weight_averages(model, names, restart, x, target)
    schedules = learning_rate_schedules()
    fixture = {"schedules": schedules, "config": CONFIG, "x_shape": [8, 1, 2, 3], "x": flat(x), "labels": labels, "label_smoothing": 0.1,
               "params": start, "loss": float(loss), "grads": grads,
               "adamw": {"lr": 0.01, "weight_decay": 0.1, "steps": 3}, "after_adamw": after, "after_adamw_no_bias_decay": after_no_bias_decay,
               "clip": {"max_norm": 0.5, "lr": 0.1, "norm_before": norm}, "after_clip_sgd": after_clip,
               "weight_averages": averages,
               "made_with": f"torch {torch.__version__}"}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                        "recipe_knobs.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}: loss {float(loss):.6f}, gradient norm before clipping {norm:.4f}")


if __name__ == "__main__":
    main()
