r"""One LSTM step worked out by hand, with a real model's own numbers.

The textbook form concatenates the previous hidden state and the input and
gives each gate one weight matrix over that concatenation:

.. math::

    z   &= [h_{t-1}, x_t]                          && \text{concatenation, } H + D \text{ values} \\
    a_q &= W_q z + b_q, \quad q \in \{i, f, g, o\} && \text{pre-activations} \\
    i = \sigma(a_i),\; f &= \sigma(a_f),\; g = \tanh(a_g),\; o = \sigma(a_o) \\
    c_t &= f \odot c_{t-1} + i \odot g \\
    h_t &= o \odot \tanh(c_t)

``nn.LSTM`` stores the same numbers split differently: ``weight_ih`` (4H, D)
multiplies ``x_t`` and ``weight_hh`` (4H, H) multiplies ``h_{t-1}``, stacked
in the order *i, f, g, o*, with two biases. So :math:`W_q = [W_{hq} \mid W_{iq}]`
(the ``h`` columns first, to match :math:`z`) and :math:`b_q = b_{iq} + b_{hq}`.

:func:`explain_step` rebuilds one step in float64 from the module's weights
and the recorded states of :func:`lstm_viz.recorder.record`; a test checks the
result against the recorder and against ``nn.LSTM`` itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstm_viz.errors import LensError
from lstm_viz.recorder import record

GATES: tuple[str, ...] = ("i", "f", "g", "o")  # PyTorch's stacking order
_SIGMOID_GATES = frozenset({"i", "f", "o"})


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))


@dataclass(frozen=True)
class GateStep:
    """One gate at one step, for all ``H`` units.

    Attributes
    ----------
    name : {"i", "f", "g", "o"}
    W : float64 array (H, H + D)
        ``[W_h | W_x]``: the gate's rows of ``weight_hh`` then ``weight_ih``.
    b : float64 array (H,)
        ``b_ih + b_hh`` for the gate.
    a : float64 array (H,)
        Pre-activation ``W z + b``.
    value : float64 array (H,)
        ``σ(a)`` (i, f, o) or ``tanh(a)`` (g).
    """

    name: str
    W: np.ndarray
    b: np.ndarray
    a: np.ndarray
    value: np.ndarray

    @property
    def activation(self) -> str:
        """``"sigmoid"`` or ``"tanh"``."""
        return "sigmoid" if self.name in _SIGMOID_GATES else "tanh"


@dataclass(frozen=True)
class CellStep:
    """Every number of one LSTM step of one layer (and direction).

    Attributes
    ----------
    t, layer, direction : int
        Which step (input-time index), layer and direction (1 = reverse) this is.
    unit : int or None
        The unit a page should focus on (None: all of them).
    x_t : (D,)         the layer's input at step ``t``
    h_prev, c_prev : (H,)   the states before the step (for the reverse direction: those of step ``t + 1``)
    z : (H + D,)       the concatenation ``[h_prev, x_t]``
    gates : dict[str, GateStep]   ``"i", "f", "g", "o"``
    c_t, h_t : (H,)    the states after the step

    All arrays are float64.
    """

    t: int
    layer: int
    direction: int
    unit: int | None
    x_t: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    z: np.ndarray
    gates: dict[str, GateStep]
    c_t: np.ndarray
    h_t: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        """Return a gate's value (``"i"`` …) or a state (``"c"``, ``"h"``)."""
        if name == "c":
            return self.c_t
        if name == "h":
            return self.h_t
        return self.gates[name].value

    @property
    def hidden_size(self) -> int:
        return int(self.h_t.shape[0])

    @property
    def input_size(self) -> int:
        return int(self.x_t.shape[0])


def explain_step(
    core: nn.Module,
    x_seq: np.ndarray | torch.Tensor,
    t: int,
    layer: int = 0,
    unit: int | None = None,
    direction: int = 0,
    h0: np.ndarray | torch.Tensor | None = None,
    c0: np.ndarray | torch.Tensor | None = None,
) -> CellStep:
    """Work out step ``t`` of one LSTM layer from the module's own weights.

    Parameters
    ----------
    core : nn.LSTM or Forecaster with an LSTM core
    x_seq : array of shape (T, input_size)
        One input sequence, time-first (unbatched).
    t : int
        Step to explain, ``0 … T-1`` (negative counts from the end).
    layer : int
        Layer to explain; above 0 its input is the layer below's ``h``.
    unit : int, optional
        Unit to focus on; stored for :func:`lstm_viz.cell_by_hand.latex_lines`.
    direction : int
        0 forward; 1 the reverse direction of a bidirectional core.
    h0, c0 : array (num_layers * num_directions, H), optional
        Initial states, as ``nn.LSTM`` takes them; zeros when omitted.

    Returns
    -------
    CellStep
    """
    core = getattr(core, "core", core)
    if not isinstance(core, nn.LSTM):
        raise LensError("teach.cell.not_lstm", kind=type(core).__name__)
    trace = record(core, x_seq, h0, c0)
    n_steps = trace.layer(0)["h"].shape[0]
    if trace.layer(0)["h"].ndim != 2:
        raise LensError("teach.cell.batched")
    if not -n_steps <= t < n_steps:
        raise LensError("teach.cell.step", t=int(t), n_steps=int(n_steps))
    t = t % n_steps
    if not 0 <= layer < core.num_layers or direction not in range(trace.num_directions):
        raise LensError("teach.cell.layer", layer=int(layer), num_layers=core.num_layers)
    hidden = core.hidden_size
    if unit is not None and not 0 <= unit < hidden:
        raise LensError("teach.cell.unit", unit=int(unit), hidden_size=hidden)

    # The layer's input: the sequence itself, or both directions of the layer below.
    if layer == 0:
        layer_in = np.asarray(torch.as_tensor(x_seq).detach().float().cpu().numpy(), np.float64)
    else:
        below = [trace.layer(layer - 1, d)["h"] for d in range(trace.num_directions)]
        layer_in = np.concatenate(below, axis=-1).astype(np.float64)
    here = trace.layer(layer, direction)
    k = layer * trace.num_directions + direction

    # "Previous" is t - 1 going forward and t + 1 going backward; at the edge, the initial state.
    prev = t - 1 if direction == 0 else t + 1
    if 0 <= prev < n_steps:
        h_prev = here["h"][prev].astype(np.float64)
        c_prev = here["c"][prev].astype(np.float64)
    else:
        h_prev = _initial(h0, k, hidden)
        c_prev = _initial(c0, k, hidden)

    sfx = f"_l{layer}" + ("_reverse" if direction else "")
    w_ih = getattr(core, "weight_ih" + sfx).detach().double().cpu().numpy()
    w_hh = getattr(core, "weight_hh" + sfx).detach().double().cpu().numpy()
    if core.bias:
        b_sum = getattr(core, "bias_ih" + sfx) + getattr(core, "bias_hh" + sfx)
        b_all = b_sum.detach().double().cpu().numpy()
    else:
        b_all = np.zeros(4 * hidden)

    x_t = layer_in[t]
    # z = [h_{t-1}, x_t]
    z = np.concatenate([h_prev, x_t])
    gates: dict[str, GateStep] = {}
    for q, name in enumerate(GATES):
        rows = slice(q * hidden, (q + 1) * hidden)
        W = np.concatenate([w_hh[rows], w_ih[rows]], axis=1)
        b = b_all[rows]
        # a_q = W_q z + b_q
        a = W @ z + b
        value = _sigmoid(a) if name in _SIGMOID_GATES else np.tanh(a)
        gates[name] = GateStep(name, W, b, a, value)
    i, f, g, o = (gates[name].value for name in GATES)
    # c_t = f ⊙ c_{t-1} + i ⊙ g
    c_t = f * c_prev + i * g
    # h_t = o ⊙ tanh(c_t)
    h_t = o * np.tanh(c_t)
    return CellStep(t, layer, direction, unit, x_t, h_prev, c_prev, z, gates, c_t, h_t)


def _initial(state, k: int, hidden: int) -> np.ndarray:
    if state is None:
        return np.zeros(hidden)
    arr = np.asarray(torch.as_tensor(state).detach().double().cpu().numpy(), np.float64)
    return arr.reshape(-1, hidden)[k]


# -- the classic tiny example -----------------------------------------------------

TINY_H_PREV = (0.1, 0.2, 0.3)
TINY_X = (0.6, 0.7, 0.8)
TINY_C_PREV = (0.5, -0.2, 0.3)  # our choice: non-zero, so the forget gate visibly matters
TINY_SEED = 0


@dataclass(frozen=True)
class WorkedExample:
    """A 3-unit LSTM and the one step it takes from a given state.

    Attributes
    ----------
    core : nn.LSTM(input_size=3, hidden_size=3)
    x_seq : float32 array (1, 3)     the single input ``x(t)``
    h0, c0 : float32 arrays (1, 3)   ``h(t-1)`` and ``c(t-1)``, shaped as ``nn.LSTM`` takes them
    step : CellStep                  the step worked out
    """

    core: nn.LSTM
    x_seq: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    step: CellStep


def tiny_worked_example(seed: int = TINY_SEED) -> WorkedExample:
    """Build the classic worked example: 3 units, ``h(t−1) = [0.1, 0.2, 0.3]``, ``x(t) = [0.6, 0.7, 0.8]``.

    The weights are PyTorch's default initialisation (uniform in ±1/√3) drawn
    with ``torch.manual_seed(seed)``, so anyone can rebuild them;
    ``c(t−1) = [0.5, −0.2, 0.3]``. Torch's global random state is left as it was.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        core = nn.LSTM(input_size=3, hidden_size=3)
    x_seq = np.array([TINY_X], np.float32)
    h0 = np.array([TINY_H_PREV], np.float32)
    c0 = np.array([TINY_C_PREV], np.float32)
    step = explain_step(core, x_seq, t=0, h0=h0, c0=c0)
    return WorkedExample(core, x_seq, h0, c0, step)
