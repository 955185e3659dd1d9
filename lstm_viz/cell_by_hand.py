"""One LSTM step worked out by hand, written for a page: LaTeX with the numbers in, and its words.

The numbers come from :func:`lstm_viz.cell_step.explain_step`; this module
only writes them out, line by line, with a caption in the student's language:

- :func:`worked_rows` — (caption, LaTeX, state) per line, each line keyed by the
  gate or state it ends in, so a page can put the recorder's value beside it;
- :func:`worked_lines` / :func:`latex_lines` — the same as (caption, LaTeX) pairs / LaTeX alone;
- :func:`symbol_notes` — one sentence per symbol.
"""
from __future__ import annotations

import re
from functools import partial
from typing import NamedTuple

import numpy as np

from lstm_viz.cell_step import GATES, CellStep
from lstm_viz.errors import LensError
from lstm_viz.i18n import tr

MATRIX_MAX_UNITS = 4  # up to this many units the page shows whole matrices; beyond, one unit's row


# -- LaTeX with the numbers in ------------------------------------------------------

_GATE_TEX = {"i": "i_t", "f": "f_t", "g": "g_t", "o": "o_t"}


def _num(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    return "0." + "0" * digits if text.lstrip("-") == "0." + "0" * digits else text  # no "-0.000"


def _vec(values: np.ndarray, digits: int) -> str:
    return r"\begin{bmatrix}" + r" \\ ".join(_num(v, digits) for v in values) + r"\end{bmatrix}"


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


class WorkedRow(NamedTuple):
    """One line of the worked step.

    Attributes
    ----------
    caption : str
        What the line does, in the student's language.
    tex : str
        The line as LaTeX, numbers substituted.
    state : str or None
        The gate or state the line ends in (``"i"`` … ``"h"``), so a page can put the
        recorder's value beside it; None for the concatenation and the pre-activations.
    """

    caption: str
    tex: str
    state: str | None


def worked_rows(
    step: CellStep, unit: int | None = None, lang: str = "en", digits: int = 3, max_terms: int = 6
) -> list[WorkedRow]:
    """Return the worked step as :class:`WorkedRow` lines, numbers substituted.

    With ``unit`` None and at most ``MATRIX_MAX_UNITS`` units, whole vectors and
    matrices are shown; otherwise the single unit's row (``step.unit`` if set,
    else unit 0), written as a sum of products a student can check. A row
    longer than ``max_terms`` shows its ``max_terms`` largest products and the
    sum of the others as one number (the default, 6, fits a laptop screen).
    Numbers are rounded to ``digits`` decimals; the results are computed unrounded.
    """
    unit = _focus(step, unit)
    num = partial(_num, digits=digits)
    vec = partial(_vec, digits=digits)
    lines: list[WorkedRow] = []
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
    lines.append(WorkedRow(concat, z_line, None))
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
        lines.append(WorkedRow(tr(f"teach.cell.line.pre_{name}", lang), pre, None))
        lines.append(WorkedRow(tr(f"teach.cell.line.{name}", lang), post, name))
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
    lines.append(WorkedRow(tr("teach.cell.line.c", lang), c_line, "c"))
    lines.append(WorkedRow(tr("teach.cell.line.h", lang), h_line, "h"))
    return lines


def worked_lines(
    step: CellStep, unit: int | None = None, lang: str = "en", digits: int = 3, max_terms: int = 10
) -> list[tuple[str, str]]:
    """Return :func:`worked_rows` as (caption, LaTeX) pairs (up to ``max_terms`` products a unit's row)."""
    return [(row.caption, row.tex) for row in worked_rows(step, unit, lang, digits, max_terms)]


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
