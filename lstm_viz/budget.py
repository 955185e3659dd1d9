"""What a training run costs the server, in seconds of one core, and the refusal of a run that costs too much.

A run trains ``epochs`` times over ``M`` windows of ``T`` steps in batches of
``B``. Each batch walks the ``T`` steps through ``L`` layers forward and back:
a fixed cost per batch step (Python and torch's dispatcher, whatever the size)
plus a cost per window step for every gate weight, ``W = Σ_layers G · H · (H + in + 1)``
(``G`` = 4 gates for an LSTM, 3 for a GRU, 1 for a plain RNN; ``in`` is 1
for the first layer and ``H`` above it). Training is not all the work a run
does: every epoch also predicts ``E`` windows (the validation part, which chooses
the best epoch, and the test part, as often as the live view redraws: counted
once an epoch), each snapshot predicts every window, and the Forecast page rolls
the model out step by step over the test part, the horizon and the backtest's
origins (``R`` model calls of batch 1). A batched forward pass costs
``FORWARD_SHARE`` of a forward and backward one; a call of batch 1 has its own
constants (it reads every weight for one window, which does not pay off the way
a batch does)::

    train(M, B)  = T · L · ceil(M / B) · STEP_S  +  T · M · W · WEIGHT_S
    predict(M)   = FORWARD_SHARE · train(M, M)
    call         = CALL_S  +  T · L · CALL_STEP_S  +  T · W · CALL_WEIGHT_S
    seconds ≈ epochs · (train(M, B) + predict(E) + EPOCH_S)  +  snapshots · predict(M + E)  +  R · call

On a 200,000-point series with a test part of 199,994 points the training
term alone allowed 5000 epochs at an estimate of 8.9 s while each epoch took
6.7-17 s predicting the test windows: those windows are now counted.

The constants were fitted on the development machine (one torch thread, see
``python -m lstm_viz.bench``, which prints the estimate beside the measured time
for a few shapes). The estimate grows with the *square* of the hidden size, as
the work does: the earlier "epochs × windows × units" count let a 512-unit run
of 10 minutes through a budget meant for one.
"""
from __future__ import annotations

import math

from lstm_viz import config
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.evaluation import MAX_ORIGINS, backtest_horizon

STEP_S = 7e-5  # one batch through one layer for one time step, forward and backward
WEIGHT_S = 6e-11  # one gate weight, one window, one time step, forward and backward
EPOCH_S = 1e-3  # shuffling, the progress report
FORWARD_SHARE = 0.4  # a forward pass (no gradient) against a forward and backward one
# One call of batch 1 (a step of a recursive forecast): fixed, per layer step, per weight and step.
CALL_S, CALL_STEP_S, CALL_WEIGHT_S = 1.5e-4, 5e-6, 1e-10
GATE_BLOCKS = {"lstm": 4, "gru": 3, "rnn": 1}  # weight blocks of a cell: LSTM i f g o, GRU r z n, RNN one


def _weights(hidden_size: int, num_layers: int, cell: str, input_size: int) -> int:
    """Return ``W``, the gate weights of all layers."""
    blocks = GATE_BLOCKS.get(cell, 4)
    return sum(blocks * hidden_size * (hidden_size + (input_size if layer == 0 else hidden_size) + 1)
               for layer in range(int(num_layers)))


def run_seconds(epochs: int, n_windows: int, steps: int, hidden_size: int, num_layers: int = 1,
                batch_size: int = 32, cell: str = "lstm", input_size: int = 1, n_eval_windows: int = 0,
                n_snapshots: int = 0, n_rollout_steps: int = 0) -> float:
    """Estimate the seconds of one core a run takes (see the module docstring for the formula).

    Parameters
    ----------
    epochs, n_windows, steps : int
        Passes over the data, training windows ``M`` per pass, time steps ``T`` per window.
    hidden_size, num_layers, batch_size : int
        ``H``, ``L`` and ``B``.
    cell : {"lstm", "gru", "rnn"}
    input_size : int
        Features per step fed to the first layer.
    n_eval_windows : int
        Windows ``E`` predicted after every epoch (validation or test part).
    n_snapshots : int
        Snapshots taken, each predicting all ``M + E`` windows.
    n_rollout_steps : int
        Model calls ``R`` of the recursive forecasts made from the run's model.
    """
    weights = _weights(hidden_size, num_layers, cell, input_size)

    def train(n: int, batch: int) -> float:
        if n <= 0:
            return 0.0
        return steps * num_layers * math.ceil(n / max(1, int(batch))) * STEP_S + steps * n * weights * WEIGHT_S

    def predict(n: int) -> float:
        return FORWARD_SHARE * train(n, n)

    per_epoch = train(n_windows, batch_size) + predict(n_eval_windows) + EPOCH_S
    call = CALL_S + steps * num_layers * CALL_STEP_S + steps * weights * CALL_WEIGHT_S
    once = n_snapshots * predict(n_windows + n_eval_windows) + n_rollout_steps * call
    return float(epochs) * per_epoch + once


def compute_cost(cfg: Config, n_train_windows: int, n_eval_windows: int = 0, n_rollout_steps: int = 0) -> float:
    """Estimated seconds of one core for the run ``cfg`` over ``n_train_windows`` windows.

    ``n_eval_windows`` are predicted every epoch, ``n_rollout_steps`` model
    calls forecast recursively from the result (:func:`run_seconds`).
    """
    return run_seconds(cfg.epochs, n_train_windows, cfg.window, cfg.hidden_size, cfg.num_layers,
                       cfg.batch_size, cfg.cell, cfg.input_size, n_eval_windows,
                       min(cfg.epochs, cfg.max_snapshots), n_rollout_steps)


def evaluated_windows(split) -> int:
    """Count the windows of ``split`` a run predicts besides training on them.

    The validation windows every epoch (they choose the best epoch) and the test
    windows the live view and the snapshots predict. ``split`` holds time-first
    window arrays ``X_val`` and ``X_test`` of shape (T, M, input_size).
    """
    return int(split.X_val.shape[1] + split.X_test.shape[1])


def split_cost(cfg: Config, split) -> float:
    """Estimated seconds of one core for training ``cfg`` on ``split`` and forecasting from it.

    Counts the inputs per step of ``split`` (``D``), the training windows, the windows predicted every epoch
    (:func:`evaluated_windows`) and the Forecast page's recursive rollouts over
    the test part, the longest horizon (``config.MAX_HORIZON``) and from every
    backtest origin (:func:`lstm_viz.evaluation.backtest`).
    """
    backtest_steps = MAX_ORIGINS * backtest_horizon(int(split.test_size))
    rollout = int(split.test_size) + config.MAX_HORIZON + backtest_steps
    # D, the inputs per step, is the split's (the target and its covariates), whatever the config says.
    cfg = cfg.replace(input_size=int(split.X_fit.shape[2]))
    return compute_cost(cfg, split.X_fit.shape[1], evaluated_windows(split), rollout)


def check_cost(seconds: float) -> float:
    """Return ``seconds``, or raise ``LensError("config.budget")`` if it is over ``COMPUTE_BUDGET_S``."""
    budget = config.COMPUTE_BUDGET_S  # read at call time so a deployment can lower it
    if seconds > budget:
        raise LensError("config.budget", cost=math.ceil(seconds), budget=budget)
    return seconds


def check_budget(cfg: Config, n_train_windows: int, n_eval_windows: int = 0, n_rollout_steps: int = 0) -> float:
    """Return the estimated seconds of the run, or raise ``LensError("config.budget")`` over the budget."""
    return check_cost(compute_cost(cfg, n_train_windows, n_eval_windows, n_rollout_steps))


def check_split_budget(cfg: Config, split) -> float:
    """Return :func:`split_cost`, or raise ``LensError("config.budget")`` over the budget."""
    return check_cost(split_cost(cfg, split))
