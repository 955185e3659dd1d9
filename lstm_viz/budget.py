"""What a training run costs the server, in seconds of one core, and the refusal of a run that costs too much.

A run trains ``epochs`` times over ``M`` windows of ``T`` steps in batches of
``B``. Each batch walks the ``T`` steps through ``L`` layers forward and back:
a fixed cost per batch step (Python and torch's dispatcher, whatever the size)
plus a cost per window step for every gate weight, ``G · H · (H + in + 1)`` per
layer (``G`` = 4 gates for an LSTM, 3 for a GRU, 1 for a plain RNN; ``in`` is 1
for the first layer and ``H`` above it)::

    seconds ≈ epochs · (T · L · ceil(M / B) · STEP_S  +  T · M · Σ_layers G·H·(H + in + 1) · WEIGHT_S  +  EPOCH_S)

The constants were fitted on the development machine (one torch thread, see
``python -m lstm_viz.bench``, which prints the estimate beside the measured time
for a few shapes). The estimate grows with the *square* of the hidden size, as
the work does: the earlier "epochs × windows × units" count let a 512-unit run
of 10 minutes through a budget meant for one.
"""
from __future__ import annotations

import math

from lstm_viz import config as config_module
from lstm_viz.config import Config
from lstm_viz.errors import LensError

STEP_S = 7e-5  # one batch through one layer for one time step, forward and backward
WEIGHT_S = 6e-11  # one gate weight, one window, one time step, forward and backward
EPOCH_S = 1e-3  # shuffling, the validation pass, the progress report
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def run_seconds(epochs: int, n_windows: int, steps: int, hidden_size: int, num_layers: int = 1,
                batch_size: int = 32, cell: str = "lstm", input_size: int = 1) -> float:
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
    """
    gates = GATES.get(cell, 4)
    weights = sum(gates * hidden_size * (hidden_size + (input_size if layer == 0 else hidden_size) + 1)
                  for layer in range(int(num_layers)))
    batches = math.ceil(n_windows / max(1, int(batch_size)))
    per_epoch = (steps * num_layers * batches * STEP_S + steps * n_windows * weights * WEIGHT_S + EPOCH_S)
    return float(epochs) * per_epoch


def compute_cost(cfg: Config, n_train_windows: int) -> float:
    """Estimated seconds of one core for the run ``cfg`` over ``n_train_windows`` windows."""
    return run_seconds(cfg.epochs, n_train_windows, cfg.window, cfg.hidden_size, cfg.num_layers,
                       cfg.batch_size, cfg.cell, cfg.input_size)


def check_cost(seconds: float) -> float:
    """Return ``seconds``, or raise ``LensError("config.budget")`` if it is over ``COMPUTE_BUDGET_S``."""
    budget = config_module.COMPUTE_BUDGET_S  # read at call time so a deployment can lower it
    if seconds > budget:
        raise LensError("config.budget", cost=math.ceil(seconds), budget=budget)
    return seconds


def check_budget(cfg: Config, n_train_windows: int) -> float:
    """Return the estimated seconds of the run, or raise ``LensError("config.budget")`` over the budget."""
    return check_cost(compute_cost(cfg, n_train_windows))
