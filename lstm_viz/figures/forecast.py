"""Forecasts against the actual series: fitted, one step ahead, recursive, beyond the data, baselines."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lstm_viz.errors import LensError
from lstm_viz.figures.series import check_n_train, shade_split
from lstm_viz.figures.style import (
    BASELINE_COLOURS, COLOURS, cell_edges, f32, style_figure, time_axis, when_word,
)
from lstm_viz.i18n import tr
from lstm_viz.metrics import display_name
from lstm_viz.numbers import d3_format


def baseline_label(name: str, lang: str = "en") -> str:
    """Return the legend name of a baseline: ``baseline: <its name in the scores table>``.

    One word per baseline in chart and table: the name comes from :func:`lstm_viz.metrics.display_name`.
    """
    return tr("fig.baseline.other", lang, name=display_name(name, lang))


def continue_axis(xs, is_datetime: bool, n_more: int):
    """Return ``n_more`` times after the last of ``xs``, at the series' own spacing."""
    if is_datetime:
        freq = pd.DatetimeIndex(xs, freq="infer").freq if len(xs) >= 3 else None
        if freq is not None:  # calendar-aware: monthly data stays on month ends
            return pd.date_range(xs[-1], periods=n_more + 1, freq=freq)[1:]
        step = xs[-1] - xs[-2] if len(xs) >= 2 else pd.Timedelta(days=1)
        return pd.DatetimeIndex([xs[-1] + step * (k + 1) for k in range(n_more)])
    step = xs[-1] - xs[-2] if len(xs) >= 2 else 1
    return xs[-1] + step * np.arange(1, n_more + 1)


# A long series makes its test part a sliver (24 test hours of 8,760 are 0.3 % of the width): when
# the test part and the forecast beyond the data would fill less than this share, the chart opens
# zoomed on them, with a range slider below that shows (and reaches) the whole series. (Airline,
# 12 test months of 144, is 8 % and opens whole.)
FOCUS_SHARE = 0.05


def focus_start(n: int, n_train: int, n_future: int = 0, window: int = 0) -> int:
    """Return the index of the first point the forecast chart shows at first.

    Parameters
    ----------
    n : int
        Points in the series.
    n_train : int
        Points in the training part (the test part is the rest).
    n_future : int
        Points forecast beyond the data.
    window : int
        The model's input window.

    Returns
    -------
    int
        0 (the whole series) unless the test part and the future would fill
        less than :data:`FOCUS_SHARE` of the width; then the start of about
        three times their length of history (at least two windows) before the test part.
    """
    focus = (n - n_train) + n_future
    if focus >= FOCUS_SHARE * (n + n_future):
        return 0
    return max(0, n_train - max(3 * focus, 2 * window))


def _aligned(what: str, values, expected: int) -> np.ndarray:
    values = f32(values).reshape(-1)
    if len(values) != expected:
        raise LensError("figures.length", what=what, got=len(values), expected=expected)
    return values


def forecast_figure(
    x,
    values,
    n_train: int,
    fitted=None,
    test_pred=None,
    test_recursive=None,
    future_x=None,
    future=None,
    baselines: dict[str, np.ndarray] | None = None,
    show_baselines: bool = True,
    window: int = 0,
    lang: str = "en",
    title: str | None = None,
    val_size: int = 0,
) -> go.Figure:
    """Draw the actual series with every kind of prediction the app makes.

    Parameters
    ----------
    x : array of length N, pd.DatetimeIndex, or None
        Time of each point; None means integer steps.
    values : array of shape (N,)
        The actual series.
    n_train : int
        Points in the training part; the test part is ``x[n_train:]``.
    fitted : array of shape (n_train − window,), optional
        One-step predictions on the training part, aligned to ``x[window:n_train]``
        (the first ``window`` points have no full window before them).
    test_pred : array of shape (N − n_train,), optional
        One-step-ahead predictions on the test part (each from true history).
    test_recursive : array of shape (N − n_train,), optional
        Recursive predictions on the test part (each fed the model's own outputs); dashed.
    future_x, future : arrays of shape (F,), optional
        Times and values of a rollout beyond the data.
    baselines : dict of name -> array of shape (N − n_train,), optional
        Simple forecasts over the test part (for example ``"naive"``); dotted, muted.
    show_baselines : bool
        When False the baselines start hidden but stay in the legend, one click away.
    window : int
        Input window length of the model, to align ``fitted``.
    lang : str
        ``"en"`` or ``"zh"``.
    title : str, optional
        Replaces the default title (a narrow column wants a shorter one).
    val_size : int
        The last ``val_size`` of the first ``n_train`` points are the validation part, shaded apart.

    Returns
    -------
    go.Figure
    """
    values = f32(values).reshape(-1)
    n = len(values)
    xs, is_datetime = time_axis(x, n)
    n_train = check_n_train(n_train, n)
    n_test = n - n_train
    hover = f"%{{y:{d3_format(values)}}}<extra>%{{fullData.name}}</extra>"
    fig = go.Figure()
    edges = cell_edges(xs, is_datetime)
    shade_split(fig, edges, n_train, lang, val_size)
    fig.add_scatter(x=xs, y=values, mode="lines", name=tr("fig.forecast.actual", lang),
                    line=dict(color=COLOURS["actual"], width=1.6), hovertemplate=hover)
    if fitted is not None:
        fig.add_scatter(x=xs[window:n_train], y=_aligned("fitted", fitted, n_train - window),
                        mode="lines", name=tr("fig.forecast.fitted", lang),
                        line=dict(color=COLOURS["lstm"], width=1.6), opacity=0.9,
                        hovertemplate=hover)
    for k, (name, series) in enumerate((baselines or {}).items()):
        fig.add_scatter(
            x=xs[n_train:], y=_aligned(name, series, n_test), mode="lines",
            name=baseline_label(name, lang), legendrank=2000 + k,  # listed after the model's lines
            line=dict(color=BASELINE_COLOURS[k % len(BASELINE_COLOURS)], width=1.6, dash="dot"),
            visible=True if show_baselines else "legendonly", hovertemplate=hover,
        )
    if test_pred is not None:
        fig.add_scatter(x=xs[n_train:], y=_aligned("test_pred", test_pred, n_test), mode="lines",
                        name=tr("fig.forecast.one_step", lang),
                        line=dict(color=COLOURS["test"], width=2.2), hovertemplate=hover)
    if test_recursive is not None:
        fig.add_scatter(x=xs[n_train:], y=_aligned("test_recursive", test_recursive, n_test),
                        mode="lines", name=tr("fig.forecast.recursive", lang),
                        line=dict(color=COLOURS["recursive"], width=2.2, dash="dash"),
                        hovertemplate=hover)
    fx = None
    if future is not None:
        future = f32(future).reshape(-1)
        if future_x is None:
            fx = continue_axis(xs, is_datetime, len(future))
        else:
            fx, _ = time_axis(future_x, len(future), what="future_x")
        fig.add_scatter(x=fx, y=future, mode="lines+markers", name=tr("fig.forecast.future", lang),
                        line=dict(color=COLOURS["future"], width=2.2, dash="dashdot"),
                        marker=dict(size=4), hovertemplate=hover)
    style_figure(fig, tr("fig.forecast.title", lang) if title is None else title, height=420)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(title_text=tr(f"fig.axis.{when_word(is_datetime)}", lang))
    fig.update_yaxes(title_text=tr("fig.axis.value", lang))
    start = focus_start(n, n_train, 0 if fx is None else len(fx), window)
    if start > 0:
        end = edges[-1] if fx is None else fx[-1] + (edges[-1] - xs[-1])  # half a step past the last point
        fig.update_xaxes(range=[edges[start], end], rangeslider=dict(visible=True, thickness=0.1))
    return fig
