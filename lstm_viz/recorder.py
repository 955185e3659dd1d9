r"""Record the gates of a trained recurrent layer, recomputed from its own weights.

``nn.LSTM`` returns only ``h`` and ``c``; the gates stay inside its fused
kernel. We read the module's weights (PyTorch stacks them in the order
*i, f, g, o* for the LSTM and *r, z, n* for the GRU) and replay the equations
step by step in float32. A test checks the replayed ``h`` and ``c`` against
``nn.LSTM``'s own output, so what the app shows is what the model computes.

LSTM, per layer and time step ``t`` (``x_t`` is the layer's input)::

    i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      input gate
    f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)   candidate
    o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      output gate
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                     cell state
    h_t = o_t ⊙ tanh(c_t)                               hidden state

GRU::

    r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)      reset gate
    z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)      update gate
    n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
    h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

Plain RNN: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` (or ReLU).

Shapes are time-first like ``nn.LSTM``: an input of (T, input_size) gives
arrays of (T, H); an input of (T, B, input_size) gives (T, B, H).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstm_viz.errors import LensError

# What each cell exposes, in the order the app shows them.
STATE_NAMES: dict[str, tuple[str, ...]] = {
    "lstm": ("i", "f", "g", "o", "c", "h"),
    "gru": ("r", "z", "n", "h"),
    "rnn": ("h",),
}
# Names for people; the recorder itself only uses the letters.
LONG_NAMES: dict[str, str] = {
    "i": "input gate",
    "f": "forget gate",
    "g": "candidate",
    "o": "output gate",
    "c": "cell state",
    "h": "hidden state",
    "r": "reset gate",
    "z": "update gate",
    "n": "new memory",
}
# Values after sigmoid live in [0, 1]; tanh values and states in [-1, 1] (c is unbounded, shown clipped).
SIGMOID_STATES: frozenset[str] = frozenset({"i", "f", "o", "r", "z"})


@dataclass(frozen=True)
class LayerTrace:
    """Every state of one layer in one direction.

    Attributes
    ----------
    cell : str
        ``"lstm"``, ``"gru"`` or ``"rnn"``.
    layer : int
        Layer index, 0 at the bottom.
    direction : int
        0 forward, 1 reverse (bidirectional cores). Reverse arrays are indexed
        by input time, like ``nn.LSTM``'s output.
    values : dict[str, np.ndarray]
        State name -> float32 array of shape (T, H) or (T, B, H).
    """

    cell: str
    layer: int
    direction: int
    values: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    @property
    def names(self) -> tuple[str, ...]:
        return STATE_NAMES[self.cell]


@dataclass(frozen=True)
class Trace:
    """The states of every layer (and direction) of a recurrent core over one input.

    ``layers`` is ordered layer-major, direction-minor, as ``nn.LSTM`` orders
    its ``h_n``.
    """

    cell: str
    layers: tuple[LayerTrace, ...]
    num_layers: int
    num_directions: int

    def layer(self, layer: int = -1, direction: int = 0) -> LayerTrace:
        """Return the trace of ``layer`` (default: the top) in ``direction``."""
        layer = layer % self.num_layers
        return self.layers[layer * self.num_directions + direction]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 0.5 * (1 + tanh(x / 2)) equals 1 / (1 + e^-x) but never overflows.
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _by_gate(stacked: np.ndarray, n: int) -> np.ndarray:
    """Split the ``n`` gate blocks PyTorch stacks along the last axis: (..., B, n·H) -> (..., n, B, H), a view.

    Unpacking the result along its gate axis names the blocks (``a_i, a_f, a_g, a_o = a``).
    """
    return stacked.reshape(stacked.shape[:-1] + (n, -1)).swapaxes(-3, -2)


def _weights(core: nn.RNNBase, layer: int, direction: int) -> tuple[np.ndarray, ...]:
    """Return W_ih (G·H, in), W_hh (G·H, H), b_ih (G·H,), b_hh (G·H,) as float32 numpy."""
    sfx = f"_l{layer}" + ("_reverse" if direction else "")
    w_ih = getattr(core, "weight_ih" + sfx).detach().float().cpu().numpy()
    w_hh = getattr(core, "weight_hh" + sfx).detach().float().cpu().numpy()
    if core.bias:
        b_ih = getattr(core, "bias_ih" + sfx).detach().float().cpu().numpy()
        b_hh = getattr(core, "bias_hh" + sfx).detach().float().cpu().numpy()
    else:
        b_ih = np.zeros(w_ih.shape[0], np.float32)
        b_hh = np.zeros(w_hh.shape[0], np.float32)
    return w_ih, w_hh, b_ih, b_hh


def _run_lstm(x, h, c, w_ih, w_hh, b_ih, b_hh) -> dict[str, np.ndarray]:
    """Replay one LSTM layer-direction. x: (T, B, in); h, c: (B, H)."""
    n_steps = x.shape[0]
    # The input projection does not depend on h: do it for all steps in one matmul.
    pre_x = np.ascontiguousarray(_by_gate(x @ w_ih.T + b_ih, 4))  # (T, 4, B, H)
    pre = np.empty_like(pre_x)  # pre-activations W x + b + W h + b, per step
    cs = np.empty((n_steps,) + h.shape, np.float32)
    hs = np.empty_like(cs)
    w_hh_t = np.ascontiguousarray(w_hh.T)
    for t in range(n_steps):
        # a_q = W_iq x_t + b_iq + W_hq h_{t-1} + b_hq,  q = i, f, g, o
        a = pre_x[t] + _by_gate(h @ w_hh_t + b_hh, 4)
        pre[t] = a
        a_i, a_f, a_g, a_o = a
        # i_t = σ(a_i),  f_t = σ(a_f),  o_t = σ(a_o)  (one sigmoid over the four blocks costs less than three)
        i, f, _, o = _sigmoid(a)
        # g_t = tanh(a_g)
        g = np.tanh(a_g)
        # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        c = f * c + i * g
        # h_t = o_t ⊙ tanh(c_t)
        h = o * np.tanh(c)
        cs[t], hs[t] = c, h
    # Gates from the stored pre-activations: the same float ops as inside the loop.
    a_i, a_f, a_g, a_o = pre.swapaxes(0, 1)
    return {"i": _sigmoid(a_i), "f": _sigmoid(a_f), "g": np.tanh(a_g), "o": _sigmoid(a_o), "c": cs, "h": hs}


def _run_gru(x, h, w_ih, w_hh, b_ih, b_hh) -> dict[str, np.ndarray]:
    """Replay one GRU layer-direction. x: (T, B, in); h: (B, H)."""
    n_steps = x.shape[0]
    pre_x = np.ascontiguousarray(_by_gate(x @ w_ih.T + b_ih, 3))  # (T, 3, B, H)
    w_hh_t = np.ascontiguousarray(w_hh.T)
    out = {k: np.empty((n_steps,) + h.shape, np.float32) for k in ("r", "z", "n", "h")}
    for t in range(n_steps):
        # W_iq x_t + b_iq and W_hq h_{t-1} + b_hq,  q = r, z, n
        ax_r, ax_z, ax_n = pre_x[t]
        ah_r, ah_z, ah_n = _by_gate(h @ w_hh_t + b_hh, 3)
        # r_t = σ(W_ir x + b_ir + W_hr h + b_hr)
        r = _sigmoid(ax_r + ah_r)
        # z_t = σ(W_iz x + b_iz + W_hz h + b_hz)
        z = _sigmoid(ax_z + ah_z)
        # n_t = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
        n = np.tanh(ax_n + r * ah_n)
        # h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}
        h = (1.0 - z) * n + z * h
        out["r"][t], out["z"][t], out["n"][t], out["h"][t] = r, z, n, h
    return out


def _run_rnn(x, h, w_ih, w_hh, b_ih, b_hh, nonlinearity: str) -> dict[str, np.ndarray]:
    """Replay one plain-RNN layer-direction. x: (T, B, in); h: (B, H)."""
    act = np.tanh if nonlinearity == "tanh" else (lambda a: np.maximum(a, 0.0))
    pre_x = x @ w_ih.T + b_ih
    w_hh_t = np.ascontiguousarray(w_hh.T)
    hs = np.empty((x.shape[0],) + h.shape, np.float32)
    for t in range(x.shape[0]):
        h = act(pre_x[t] + h @ w_hh_t + b_hh)
        hs[t] = h
    return {"h": hs}


def _cell_of(core: nn.Module) -> str:
    if isinstance(core, nn.LSTM):
        return "lstm"
    if isinstance(core, nn.GRU):
        return "gru"
    if isinstance(core, nn.RNN):
        return "rnn"
    raise TypeError(f"cannot record a {type(core).__name__}; expected nn.LSTM, nn.GRU or nn.RNN")


def record(
    core: nn.Module,
    x: np.ndarray | torch.Tensor,
    h0: np.ndarray | torch.Tensor | None = None,
    c0: np.ndarray | torch.Tensor | None = None,
) -> Trace:
    """Replay a recurrent core over ``x`` and return every gate and state.

    Parameters
    ----------
    core : nn.LSTM, nn.GRU or nn.RNN
        The module whose weights are replayed (time-first, no ``proj_size``).
        A :class:`~lstm_viz.models.Forecaster` may be passed; its ``core`` is used.
    x : array of shape (T, input_size) or (T, B, input_size)
        The input sequence, time-first.
    h0, c0 : array of shape (num_layers * num_directions, [B,] H), optional
        Initial states, as ``nn.LSTM`` takes them; zeros when omitted.

    Returns
    -------
    Trace
        Per layer and direction, float32 arrays of shape (T, H) or (T, B, H).
        Dropout between layers is not applied (the model as evaluated).
    """
    core = getattr(core, "core", core)
    cell = _cell_of(core)
    if getattr(core, "proj_size", 0):
        raise LensError("recorder.proj_size")
    if getattr(core, "batch_first", False):
        raise LensError("recorder.batch_first")
    xs = torch.as_tensor(x).detach().float().cpu().numpy() if not isinstance(x, np.ndarray) else x
    xs = np.asarray(xs, np.float32)
    unbatched = xs.ndim == 2
    if unbatched:
        xs = xs[:, None, :]
    if xs.ndim != 3 or xs.shape[2] != core.input_size:
        raise LensError("recorder.shape", shape=tuple(np.shape(x)), input_size=core.input_size)
    n_batch, hidden = xs.shape[1], core.hidden_size
    num_dirs = 2 if core.bidirectional else 1

    def _initial(state) -> np.ndarray:
        if state is None:
            return np.zeros((core.num_layers * num_dirs, n_batch, hidden), np.float32)
        arr = np.asarray(torch.as_tensor(state).detach().float().cpu().numpy(), np.float32)
        return arr[:, None, :] if arr.ndim == 2 else arr

    h_init, c_init = _initial(h0), _initial(c0)
    layers: list[LayerTrace] = []
    layer_in = xs
    for layer in range(core.num_layers):
        outputs = []
        for direction in range(num_dirs):
            k = layer * num_dirs + direction
            w = _weights(core, layer, direction)
            seq = layer_in[::-1] if direction else layer_in
            if cell == "lstm":
                vals = _run_lstm(seq, h_init[k], c_init[k], *w)
            elif cell == "gru":
                vals = _run_gru(seq, h_init[k], *w)
            else:
                vals = _run_rnn(seq, h_init[k], *w, nonlinearity=core.nonlinearity)
            if direction:  # back to input-time order, as nn.LSTM reports it
                vals = {name: np.ascontiguousarray(v[::-1]) for name, v in vals.items()}
            vals = {name: v.astype(np.float32, copy=False) for name, v in vals.items()}
            layers.append(LayerTrace(cell, layer, direction, vals))
            outputs.append(vals["h"])
        layer_in = np.concatenate(outputs, axis=-1) if num_dirs == 2 else outputs[0]
    if unbatched:
        layers = [
            LayerTrace(lt.cell, lt.layer, lt.direction, {n: v[:, 0] for n, v in lt.values.items()})
            for lt in layers
        ]
    return Trace(cell, tuple(layers), core.num_layers, num_dirs)


def saturation(values: np.ndarray, low: float = 0.1, high: float = 0.9) -> tuple[float, float]:
    """Return the share of entries below ``low`` and above ``high`` (for gates in [0, 1])."""
    values = np.asarray(values)
    if values.size == 0:
        return 0.0, 0.0
    return float(np.mean(values < low)), float(np.mean(values > high))
