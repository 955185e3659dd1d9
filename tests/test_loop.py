"""The one training loop (lstm_viz.loop.Loop) as seq2seq.fit and the spike task use it."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from lstm_viz.loop import Loop, window_batches
from lstm_viz.seq2seq import Seq2Seq, fit
from lstm_viz.synthetic import train_on_task


def toy(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(6, 40, 1)).astype(np.float32)
    return torch.from_numpy(X), torch.from_numpy(X[-2:, :, 0].copy())  # (M=2, S) targets: the last two inputs


def mse(model, x, y):
    return nn.functional.mse_loss(model(x), y)


def test_fit_is_the_loop_seeded_and_the_same_in_slices_or_whole():
    X, Y = toy()
    torch.manual_seed(0)
    model = Seq2Seq(n_out=2, hidden_size=4)
    start = {k: v.clone() for k, v in model.state_dict().items()}
    losses = fit(model, X.numpy(), Y.numpy(), epochs=5, lr=0.01, batch_size=8, seed=3)
    assert losses.shape == (5,) and losses[-1] < losses[0]
    model.load_state_dict(start)
    sliced = Loop(model, window_batches(X, Y, 8), mse, epochs=5, lr=0.01, seed=3)
    while not sliced.finished:
        sliced.run_for(0.0)  # one batch a call: every epoch resumes mid-way
    np.testing.assert_array_equal(sliced.losses()[1], losses)
    assert sliced.optimizer_steps == 5 * 5


def test_a_loss_that_turns_nan_stops_fit_with_the_last_good_weights():
    X, Y = toy()
    torch.manual_seed(0)
    model = Seq2Seq(n_out=2, hidden_size=4)
    calls = []

    def forward(x):
        calls.append(1)
        out = model(x)
        return out * float("nan") if len(calls) > 7 else out  # the 8th batch (in epoch 2) is NaN

    losses = fit(model, X.numpy(), Y.numpy(), epochs=5, batch_size=8, forward=forward)
    assert losses.shape == (1,) and np.isfinite(losses).all()
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_early_stopping_keeps_the_epoch_with_the_lowest_validation_loss():
    X, Y = toy()
    torch.manual_seed(0)
    model = Seq2Seq(n_out=2, hidden_size=4)
    scores = iter([3.0, 1.0, 2.0, 2.5, 0.5])
    loop = Loop(model, window_batches(X, Y, 8), mse, epochs=5, lr=0.01, validate=lambda: next(scores), patience=2)
    reports = list(loop)
    assert [r.epoch for r in reports] == [1, 2, 3, 4] and loop.status == "early"
    assert loop.epochs_done == 2 and loop.best_epoch == 2 and loop.stopped_early_at == 4


def test_the_spike_task_runs_the_loop_with_clipping_and_scores_after_each_stretch():
    res = train_on_task("lstm", 5, steps=7, eval_every=3, seed=0)
    assert list(res.steps) == [0, 3, 6, 7] and res.accuracy_curve.shape == res.loss_curve.shape == (4,)
    again = train_on_task("lstm", 5, steps=7, eval_every=3, seed=0)
    np.testing.assert_array_equal(again.loss_curve, res.loss_curve)
