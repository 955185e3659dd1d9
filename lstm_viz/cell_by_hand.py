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

import re

from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
from torch import nn

from lstm_viz.errors import LensError
from lstm_viz.i18n import tr
from lstm_viz.recorder import record

GATES: tuple[str, ...] = ("i", "f", "g", "o")  # PyTorch's stacking order
_SIGMOID_GATES = frozenset({"i", "f", "o"})
MATRIX_MAX_UNITS = 4  # up to this many units the page shows whole matrices; beyond, one unit's row


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
        Unit to focus on; stored for :func:`latex_lines`.
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


# -- LaTeX with the numbers in ------------------------------------------------------

_GATE_TEX = {"i": "i_t", "f": "f_t", "g": "g_t", "o": "o_t"}


def _num(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return "0." + "0" * digits if text.lstrip("-") == "0." + "0" * digits else text  # no "-0.000"


def _vec(values: np.ndarray, digits: int) -> str:
    return r"\begin{bmatrix}" + r" \\ ".join(_num(v, digits) for v in values) + r"\end{bmatrix}"


def _row_vec(values: np.ndarray, digits: int) -> str:
    return "[" + ",\\ ".join(_num(v, digits) for v in values) + "]"


# Display math never wraps: a 33-value z or a six-product sum ran off the right edge of a laptop's
# column. Long lines are written as an aligned block instead, this many numbers or products a line
# at 3 decimals (one fewer per extra decimal), each further line indented under the first.
VALUES_PER_LINE = 6
TERMS_PER_LINE = 3


def _per_line(base: int, digits: int) -> int:
    return max(1, base - max(0, digits - 3))


def _chunks(pieces: list[str], size: int) -> list[str]:
    """Join ``pieces`` with spaces, ``size`` to a line."""
    return [" ".join(pieces[k:k + size]) for k in range(0, len(pieces), size)]


def _lines(lhs: str, *stages: list[str]) -> str:
    """Write ``lhs = stage_1 = stage_2 …``, each stage a list of lines; a single line stays plain LaTeX.

    Several lines become ``\\begin{aligned}``: every stage starts a line with ``=`` under the
    first one, and a stage's further lines are indented (``\\quad``).
    """
    if sum(len(stage) for stage in stages) == 1:
        return f"{lhs} = {stages[0][0]}"
    rows = [("&= " if k == 0 else r"&\quad ") + line for stage in stages for k, line in enumerate(stage)]
    return r"\begin{aligned} " + lhs + " " + r" \\ ".join(rows) + r" \end{aligned}"


def _mat(rows: np.ndarray, digits: int) -> str:
    body = r" \\ ".join(" & ".join(_num(v, digits) for v in row) for row in rows)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


def _signed(value: float, digits: int) -> str:
    """Format a term to follow another: ``+ 0.120`` or ``- 0.120``."""
    return ("- " if value < 0 else "+ ") + _num(abs(value), digits)


def _focus(step: CellStep, unit: int | None) -> int | None:
    """The unit to show alone, or None for whole vectors (small models only)."""
    unit = step.unit if unit is None else unit
    if unit is None and step.hidden_size > MATRIX_MAX_UNITS:
        return 0
    return unit


def _sum_of_products(w: np.ndarray, z: np.ndarray, digits: int, max_terms: int, lang: str) -> list[str]:
    """Write w·z as the terms ``w1·(z1)``, ``+ w2·(z2)`` …

    Past ``max_terms``: the largest products, then the rest summed as one term.
    """
    shown = np.arange(w.size)
    rest = ""
    if w.size > max_terms:
        shown = np.sort(np.argsort(-np.abs(w * z), kind="stable")[:max_terms])
        hidden = np.setdiff1d(np.arange(w.size), shown)
        more = tr("teach.cell.more_terms", lang, n=int(hidden.size))
        rest = rf" {_signed(float(w[hidden] @ z[hidden]), digits)}_{{\text{{{more}}}}}"
    terms = [
        (_num(w[k], digits) if n == 0 else _signed(w[k], digits)) + r"\cdot" + f"({_num(z[k], digits)})"
        for n, k in enumerate(shown)
    ]
    return terms + ([rest.strip()] if rest else [])


def worked_lines(
    step: CellStep, unit: int | None = None, lang: str = "en", digits: int = 3, max_terms: int = 10
) -> list[tuple[str, str]]:
    """Return the worked step as (caption, LaTeX) pairs, numbers substituted.

    With ``unit`` None and at most ``MATRIX_MAX_UNITS`` units, whole vectors and
    matrices are shown; otherwise the single unit's row (``step.unit`` if set,
    else unit 0), written as a sum of products a student can check. A row
    longer than ``max_terms`` shows its ``max_terms`` largest products and the
    sum of the others as one number. Numbers are rounded to ``digits``
    decimals; the results are computed unrounded.
    """
    unit = _focus(step, unit)
    num = partial(_num, digits=digits)
    vec = partial(_vec, digits=digits)
    lines: list[tuple[str, str]] = []
    concat = tr("teach.cell.line.concat", lang, H=step.hidden_size, D=step.input_size)
    values = [_num(v, digits) + ",\\" for v in step.z]
    values[-1] = values[-1][:-2]
    z_rows = _chunks(values, _per_line(VALUES_PER_LINE, digits))
    z_rows[0] = "[" + z_rows[0]
    z_rows[-1] += "]"
    # A line that starts with a negative number braces it, so its minus reads as a sign, not as "… − 0.392".
    z_rows[1:] = [re.sub(r"^(-[\d.]+)", r"{\1}", row) for row in z_rows[1:]]
    z_line = _lines("z", [r"[h_{t-1},\ x_t] = " + z_rows[0]]) if len(z_rows) == 1 else _lines(
        "z", [r"[h_{t-1},\ x_t]"], z_rows)
    lines.append((concat, z_line))
    for name in GATES:
        gate = step.gates[name]
        act = r"\sigma" if gate.activation == "sigmoid" else r"\tanh"
        if unit is None:
            product = rf"{_mat(gate.W, digits)} {vec(step.z)} + {vec(gate.b)}"
            pre = _lines(rf"a_{name}", [rf"W_{name} z + b_{name}"], [product], [vec(gate.a)])
            post = rf"{_GATE_TEX[name]} = {act}(a_{name}) = {vec(gate.value)}"
        else:
            terms = _sum_of_products(gate.W[unit], step.z, digits, max_terms, lang)
            a_u = num(gate.a[unit])
            rows = _chunks([*terms, _signed(gate.b[unit], digits)], _per_line(TERMS_PER_LINE, digits))
            rows[-1] += f" = {a_u}"
            pre = _lines(rf"a_{{{name},{unit}}}", rows)
            post = rf"{name}_{{t,{unit}}} = {act}({a_u}) = {num(gate.value[unit])}"
        lines.append((tr(f"teach.cell.line.pre_{name}", lang), pre))
        lines.append((tr(f"teach.cell.line.{name}", lang), post))
    i, f, g, o = (step.gates[name].value for name in GATES)
    if unit is None:
        c_line = _lines(r"c_t", [r"f_t \odot c_{t-1} + i_t \odot g_t"],
                        [rf"{vec(f)} \odot {vec(step.c_prev)} + {vec(i)} \odot {vec(g)}"], [vec(step.c_t)])
        h_line = _lines(r"h_t", [r"o_t \odot \tanh(c_t)"], [rf"{vec(o)} \odot \tanh{vec(step.c_t)}"],
                        [vec(step.h_t)])
    else:
        u = unit
        c_line = _lines(rf"c_{{t,{u}}}", [r"f \cdot c_{t-1} + i \cdot g"],
                        [rf"{num(f[u])}\cdot({num(step.c_prev[u])}) + {num(i[u])}\cdot({num(g[u])})"],
                        [num(step.c_t[u])])
        h_line = _lines(rf"h_{{t,{u}}}", [r"o \cdot \tanh(c_t)"],
                        [rf"{num(o[u])} \cdot \tanh({num(step.c_t[u])})"], [num(step.h_t[u])])
    lines.append((tr("teach.cell.line.c", lang), c_line))
    lines.append((tr("teach.cell.line.h", lang), h_line))
    return lines


def latex_lines(step: CellStep, unit: int | None = None, digits: int = 3, lang: str = "en") -> list[str]:
    """Return the LaTeX of :func:`worked_lines` alone, one string per ``st.latex`` call."""
    return [tex for _, tex in worked_lines(step, unit, lang=lang, digits=digits)]


SYMBOLS: tuple[tuple[str, str], ...] = (
    (r"x_t", "x"),
    (r"h_{t-1}", "h_prev"),
    (r"c_{t-1}", "c_prev"),
    (r"z = [h_{t-1}, x_t]", "z"),
    (r"W_q = [W_{hq} \mid W_{iq}]", "W"),
    (r"b_q = b_{iq} + b_{hq}", "b"),
    (r"a_q = W_q z + b_q", "a"),
    (r"\sigma(a) = 1 / (1 + e^{-a})", "sigmoid"),
    (r"\tanh", "tanh"),
    (r"f_t", "f"),
    (r"i_t", "i"),
    (r"g_t", "g"),
    (r"o_t", "o"),
    (r"\odot", "odot"),
    (r"c_t", "c"),
    (r"h_t", "h"),
)


def symbol_notes(lang: str = "en") -> list[tuple[str, str]]:
    """Return (LaTeX symbol, one-sentence explanation) for every symbol of the worked step."""
    return [(tex, tr(f"teach.cell.symbol.{key}", lang)) for tex, key in SYMBOLS]


def _tex_name(name: str) -> str:
    r"""Write a column name as LaTeX text (``temp_max`` → ``\text{temp\_max}``)."""
    text = str(name)[:40].replace("\\", "/").replace("~", "-").replace("^", "")
    return r"\text{" + re.sub(r"([_#$%&{}])", r"\\\1", text) + "}"


def input_lines(step: CellStep, input_names, unit: int | None = None, lang: str = "en",
                digits: int = 3) -> list[tuple[str, str]]:
    r"""Return the named inputs of a first-layer step and their weights ``W_x``, as (caption, LaTeX) pairs.

    ``x_t`` with one named entry per input (scaled, as the model reads them), then
    ``W_x`` with ``D`` columns named by the inputs and one row per gate (the focus
    unit's rows; every unit's for a small model): the last ``D`` columns of each
    :math:`W_q = [W_{hq} \mid W_{iq}]`.

    Parameters
    ----------
    step : CellStep
        A step of layer 0 (the layers above read the ``h`` of the layer below, not named inputs).
    input_names : sequence of str
        ``D`` names, in the order of ``x_t``'s entries.
    """
    names = [_tex_name(n) for n in input_names]
    if len(names) != step.input_size:
        raise LensError("figures.length", what="input_names", got=len(names), expected=step.input_size)
    H = step.hidden_size
    x_line = (r"x_t = \begin{bmatrix}" + r" \\ ".join(
        f"{name} & {_num(v, digits)}" for name, v in zip(names, step.x_t)) + r"\end{bmatrix}")
    unit = _focus(step, unit)
    units = range(H) if unit is None else [unit]
    rows = [(rf"{name}_{{{u}}}" if len(units) > 1 else name, step.gates[name].W[u, H:])
            for name in GATES for u in units]
    head = " & ".join(names)
    body = r" \\ ".join(f"{label} & " + " & ".join(_num(v, digits) for v in w) for label, w in rows)
    w_line = (r"W_x = \begin{array}{r|" + "r" * len(names) + "} & " + head + r" \\ \hline " + body
              + r"\end{array}")
    return [(tr("inputs.cell.x", lang, D=len(names)), x_line),
            (tr("inputs.cell.wx", lang, D=len(names)), w_line)]
