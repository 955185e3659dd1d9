"""Write numbers for people: fixed decimals per magnitude, thousands separators, never ``7.239e-05`` or ``500μ``.

One rule everywhere, in the pages (``format_number``) and in the charts
(``d3_format`` for Plotly's ``tickformat`` / ``hoverformat`` /
``hovertemplate``): show three significant digits, but never decimals on
numbers of 100 or more, and group thousands with commas.

    0.00007239 → 0.0000724     0.05942 → 0.0594     3.14159 → 3.14
    12.345 → 12.3              344 → 344            12345.6 → 12,346

Plotly's defaults write SI prefixes (``500μ`` for 0.0005, ``2k``); every axis
of every figure turns them off in :func:`lstm_viz.figures.style.style_figure`.
"""
from __future__ import annotations

import math

import numpy as np

SIGNIFICANT = 3
MAX_DECIMALS = 8  # 0.00000001: below this a number is shown as 0
MISSING = "–"


def decimals(x: float) -> int:
    """Return how many decimals show ``x`` with three significant digits (none from 100 up).

    Parameters
    ----------
    x : float
        Any finite number; 0 gets 0 decimals.

    Returns
    -------
    int
        In ``0 … MAX_DECIMALS``.
    """
    x = abs(float(x))
    if x == 0 or not math.isfinite(x):
        return 0
    # Round first, so 0.09996 (→ 0.100) counts as the magnitude it will be shown at.
    magnitude = math.floor(math.log10(float(f"{x:.{SIGNIFICANT - 1}e}")))
    return int(min(MAX_DECIMALS, max(0, SIGNIFICANT - 1 - magnitude)))


def format_number(x: float, places: int | None = None) -> str:
    """Return ``x`` as text for people: fixed decimals by magnitude, thousands separators, no exponent.

    Parameters
    ----------
    x : float
        The number; NaN and ±inf give ``"–"``.
    places : int, optional
        Decimals to use instead of :func:`decimals` (to line up a column of numbers).

    Returns
    -------
    str
        For example ``"0.0594"``, ``"12.3"``, ``"1,235"``; an integer (a count) ``"30"``, not ``"30.0"``;
        a value that rounds to zero is ``"0"``.
    """
    if places is None and isinstance(x, (int, np.integer)) and not isinstance(x, bool):
        places = 0  # a count (epochs, points) has no decimals: "30", not "30.0"
    try:
        x = float(x)
    except (TypeError, ValueError):
        return MISSING
    if not math.isfinite(x):
        return MISSING
    places = decimals(x) if places is None else int(places)
    text = f"{x:,.{places}f}"
    if float(text.replace(",", "")) == 0:
        return "0"  # not "0.00000000", and not "-0"
    return text


def shared_decimals(values, at: str = "median") -> int:
    """Return one number of decimals for a set of values, by :func:`decimals` of a typical one.

    Parameters
    ----------
    values : array-like
        The numbers (NaN and inf are ignored).
    at : {"median", "smallest"}
        Which magnitude decides: the median of the non-zero magnitudes (a series), or the smallest
        (a loss curve, which falls over several powers of ten and is read at its end).

    Returns
    -------
    int
    """
    arr = np.abs(np.asarray(values, dtype=np.float64).reshape(-1))
    arr = arr[np.isfinite(arr) & (arr > 0)]
    if arr.size == 0:
        return 0
    if at == "smallest":
        typical = float(arr.min())
    elif at == "median":
        typical = float(np.median(arr))
    else:
        raise ValueError(f"at must be 'median' or 'smallest', not {at!r}")
    return decimals(typical)


def d3_format(values, at: str = "median") -> str:
    """Return the d3 format (Plotly ``tickformat`` / ``hoverformat`` / ``%{y:…}``) for a set of values.

    Fixed decimals from :func:`shared_decimals`, thousands separators, never an SI prefix.

    Parameters
    ----------
    values : array-like
        The numbers the axis or the hover labels will show.
    at : {"median", "smallest"}
        See :func:`shared_decimals`.

    Returns
    -------
    str
        For example ``",.0f"`` for passenger counts, ``",.4f"`` for a loss near 0.01.
    """
    return f",.{shared_decimals(values, at)}f"
