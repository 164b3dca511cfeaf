"""Training the word-alignment network of :mod:`verify.model.align` (PyTorch, training only).

The network is trained by its PyTorch twin of :func:`verify.model.align._forward`, with dropout,
Adam and balanced class weights, seeded and on one thread so that the same data gives the same
weights; the weights are handed back as NumPy arrays for :class:`~verify.model.align.AlignNet`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import GroupKFold

from verify.model.align import HIDDEN, TOKEN_FLAGS, AlignData, AlignNet, Matrix, flush_negligible

EPOCHS = 25
BATCH = 32
FOLDS = 5
"""Folds for the out-of-fold probabilities the trees are fitted on."""


def fit_align(data: AlignData, y: Sequence[str], *, seed: int = 0, epochs: int = EPOCHS) -> AlignNet:
    """Train the network on ``data`` with labels ``y`` (balanced class weights); seeded and
    single-threaded, so the same data gives the same weights."""
    import torch  # training only: prediction is NumPy

    classes = tuple(sorted(set(y)))
    target = np.array([classes.index(label) for label in y], dtype=np.int64)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(seed)
        weights = _train(data, target, len(classes), seed, epochs)
    finally:
        torch.set_num_threads(threads)
    return AlignNet(classes, weights)


def _train(
    data: AlignData, target: npt.NDArray[np.int64], n_classes: int, seed: int, epochs: int
) -> dict[str, npt.NDArray[np.float32]]:
    """The PyTorch twin of :func:`verify.model.align._forward`, with dropout, trained by Adam."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self, dim: int) -> None:
            super().__init__()
            self.f = nn.Linear(dim + TOKEN_FLAGS, HIDDEN)
            self.g = nn.Linear(4 * HIDDEN + 1, HIDDEN)
            self.h = nn.Linear(4 * HIDDEN, HIDDEN)
            self.o = nn.Linear(HIDDEN, n_classes)
            self.spelling = nn.Parameter(torch.tensor(3.0))
            self.drop_in = nn.Dropout(0.1)
            self.drop = nn.Dropout(0.2)

        def side(self, vec: Any, ids: Any, flags: Any) -> Any:
            return torch.relu(self.f(self.drop_in(torch.cat([vec[ids], flags], -1))))

        def compare(self, x: Any, aligned: Any, best: Any) -> Any:
            return self.drop(torch.relu(self.g(torch.cat([x, aligned, x - aligned, x * aligned, best], -1))))

        def forward(self, vec: Any, batch: tuple[Any, ...]) -> Any:
            a_ids, a_flags, ma, b_ids, b_flags, mb, spelling = batch
            a, b = self.side(vec, a_ids, a_flags), self.side(vec, b_ids, b_flags)
            e = a @ b.transpose(1, 2) / HIDDEN**0.5 + self.spelling * spelling
            e_ab = e.masked_fill(~mb[:, None, :], -1e4)
            e_ba = e.transpose(1, 2).masked_fill(~ma[:, None, :], -1e4)
            ga = (
                self.compare(a, torch.softmax(e_ab, -1) @ b, e_ab.max(-1, keepdim=True).values)
                * ma[..., None]
            )
            gb = (
                self.compare(b, torch.softmax(e_ba, -1) @ a, e_ba.max(-1, keepdim=True).values)
                * mb[..., None]
            )
            pooled = torch.cat([ga.sum(1), ga.max(1).values, gb.sum(1), gb.max(1).values], -1)
            return self.o(self.drop(torch.relu(self.h(pooled))))

    def tensors(d: AlignData) -> tuple[Any, ...]:
        ma, mb = d.masks()
        la, lb = ma.shape[1], mb.shape[1]
        return (
            torch.from_numpy(d.a_ids[:, :la]),
            torch.from_numpy(d.a_flags[:, :la]),
            torch.from_numpy(ma),
            torch.from_numpy(d.b_ids[:, :lb]),
            torch.from_numpy(d.b_flags[:, :lb]),
            torch.from_numpy(mb),
            torch.from_numpy(np.ascontiguousarray(d.spelling[:, :la, :lb])),
        )

    net = Net(data.vectors.shape[1])
    vec = torch.from_numpy(data.vectors)
    counts = np.bincount(target, minlength=n_classes).clip(1)
    weight = torch.tensor(len(target) / (n_classes * counts), dtype=torch.float32)
    optimiser = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5)
    rng = np.random.default_rng(seed)
    labels = torch.from_numpy(target)
    net.train()
    for _ in range(epochs):
        order = rng.permutation(len(target))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            logits = net(vec, tensors(data.take(rows)))
            loss = nn.functional.cross_entropy(logits, labels[rows], weight=weight)
            optimiser.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimiser.step()
    state = {k: v.detach().numpy().astype(np.float32) for k, v in net.state_dict().items()}
    weights = {f"{k}_w": state[f"{k}.weight"].T.copy() for k in "fgho"}
    weights.update({f"{k}_b": state[f"{k}.bias"] for k in "fgho"})
    weights["spelling"] = state["spelling"]
    return {name: flush_negligible(value) for name, value in weights.items()}


def out_of_fold(
    data: AlignData,
    y: Sequence[str],
    groups: Sequence[str],
    *,
    classes: Sequence[str],
    seed: int = 0,
    folds: int = FOLDS,
    epochs: int = EPOCHS,
    progress: Callable[[str], None] | None = None,
) -> Matrix:
    """Each pair's probabilities from a network fitted on the other groups' pairs (``classes`` order)."""
    labels = np.asarray(y)
    out = np.zeros((len(labels), len(classes)))
    splitter = GroupKFold(n_splits=max(2, min(folds, len(set(groups)))))
    for k, (train, test) in enumerate(splitter.split(labels, labels, np.asarray(groups)), 1):
        net = fit_align(data.take(train), list(labels[train]), seed=seed, epochs=epochs)
        proba = net.proba(data.take(test))
        for j, name in enumerate(net.classes):
            out[test, classes.index(name)] = proba[:, j]
        if progress:
            progress(f"alignment network: fold {k}/{splitter.n_splits}")
    return out
