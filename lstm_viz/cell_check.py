"""One LSTM step worked out by hand, beside the recorder's numbers and ``nn.LSTM``'s own output.

The One cell page shows students that the three agree: :func:`check_step`
returns a :class:`StepCheck`; :func:`agreement_table`,
:func:`format_values` and :func:`unit_choices` are what the page lays out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from lstm_viz.cell_step import GATES, CellStep, explain_step
from lstm_viz.recorder import record

STATES: tuple[str, ...] = (*GATES, "c", "h")  # what the agreement table lists: i, f, g, o, c, h


@dataclass(frozen=True)
class StepCheck:
    """A worked step with the same numbers from the recorder and from ``nn.LSTM`` itself.

    Attributes
    ----------
    step : CellStep
        The step rebuilt by hand in float64 (:func:`lstm_viz.cell_step.explain_step`).
    recorded : dict[str, float32 array (H,)]
        ``"i", "f", "g", "o", "c", "h"`` at the same step and layer, from
        :func:`lstm_viz.recorder.record` replaying the whole sequence.
    torch_h, torch_c : float64 arrays (H,)
        ``h_t`` and ``c_t`` of that layer as ``nn.LSTM``'s fused kernel computes them.
    """

    step: CellStep
    recorded: dict[str, np.ndarray]
    torch_h: np.ndarray
    torch_c: np.ndarray

    @property
    def recorder_error(self) -> float:
        """Largest |by hand − recorder| over every gate and state."""
        return max(float(np.max(np.abs(self.step[name] - self.recorded[name]))) for name in STATES)

    @property
    def torch_error(self) -> float:
        """Largest |by hand − nn.LSTM| over h_t and c_t."""
        return max(float(np.max(np.abs(self.step.h_t - self.torch_h))),
                   float(np.max(np.abs(self.step.c_t - self.torch_c))))


def _torch_states(core: nn.LSTM, x_seq, t: int, layer: int, h0, c0) -> tuple[np.ndarray, np.ndarray]:
    """Run ``nn.LSTM`` itself (layers 0 … ``layer``, steps 0 … ``t``) and return that layer's last (h, c)."""
    keep = {name: p for name, p in core.state_dict().items() if int(name.rsplit("_l", 1)[1]) <= layer}
    with torch.random.fork_rng(devices=[]):  # building a module draws random weights we overwrite
        sub = nn.LSTM(core.input_size, core.hidden_size, num_layers=layer + 1, bias=core.bias)
    sub.load_state_dict(keep)
    x = torch.as_tensor(np.asarray(x_seq, np.float32)[: t + 1])
    state = None
    if h0 is not None or c0 is not None:
        zeros = torch.zeros(core.num_layers, core.hidden_size)
        h = torch.as_tensor(np.asarray(h0, np.float32)) if h0 is not None else zeros
        c = torch.as_tensor(np.asarray(c0, np.float32)) if c0 is not None else zeros
        state = (h.reshape(-1, core.hidden_size)[: layer + 1], c.reshape(-1, core.hidden_size)[: layer + 1])
    with torch.no_grad():
        _, (h_n, c_n) = sub(x, state)
    return h_n[-1].double().numpy(), c_n[-1].double().numpy()


def check_step(core, x_seq: np.ndarray, t: int, layer: int = 0, unit: int | None = None,
               h0=None, c0=None) -> StepCheck:
    """Work out step ``t`` of ``layer`` by hand and fetch the same numbers from the recorder and ``nn.LSTM``.

    Parameters
    ----------
    core : nn.LSTM or Forecaster with an LSTM core (one direction)
    x_seq : array (T, input_size)
        One input sequence, time-first, in model units.
    t, layer, unit : int
        Step, layer (both from 0) and the unit to focus on (None: every unit).
    h0, c0 : arrays (num_layers, H), optional
        Initial states; zeros when omitted.

    Raises
    ------
    LensError
        A core that is not an LSTM, or a step / layer / unit out of range.
    """
    step = explain_step(core, x_seq, t, layer=layer, unit=unit, h0=h0, c0=c0)
    lstm = getattr(core, "core", core)
    trace = record(lstm, x_seq, h0, c0).layer(layer)
    recorded = {name: np.asarray(trace[name][step.t]) for name in STATES}
    torch_h, torch_c = _torch_states(lstm, x_seq, step.t, layer, h0, c0)
    return StepCheck(step, recorded, torch_h, torch_c)


def format_values(values: np.ndarray, unit: int | None, digits: int) -> str:
    """Format one unit's value, or every unit's as a LaTeX column vector, with ``digits`` decimals."""
    values = np.asarray(values, np.float64)
    if unit is not None:
        return f"{values[unit]:.{digits}f}"
    return r"\begin{bmatrix}" + r" \\ ".join(f"{v:.{digits}f}" for v in values) + r"\end{bmatrix}"


def agreement_table(check: StepCheck, unit: int | None = None) -> pd.DataFrame:
    """Return one row per gate / state and unit: the value by hand, from the recorder, and their difference.

    Columns ``state``, ``unit``, ``by_hand``, ``recorder``, ``difference``;
    every unit when ``unit`` is None, else that unit only.
    """
    units = range(check.step.hidden_size) if unit is None else [unit]
    rows = [
        {"state": name, "unit": u, "by_hand": float(check.step[name][u]),
         "recorder": float(check.recorded[name][u]),
         "difference": float(check.step[name][u] - check.recorded[name][u])}
        for name in STATES for u in units
    ]
    return pd.DataFrame(rows, columns=["state", "unit", "by_hand", "recorder", "difference"])


def unit_choices(hidden_size: int, matrix_max: int = 4) -> list[int | None]:
    """Return the unit picker's options: None (every unit) first when the layer is small enough to show whole."""
    units: list[int | None] = list(range(hidden_size))
    return [None, *units] if hidden_size <= matrix_max else units
