"""Runs side by side: several runs' loss curves on one chart, and their test forecasts over the data."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_viz.errors import LensError
from lstm_viz.i18n import tr
from lstm_viz.numbers import d3_format
from lstm_viz.figures.style import COLOURS, f32, style_figure, time_axis

# Okabe–Ito without the grey of the data: one colour per run, the same on both charts.
RUN_COLOURS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
                                "#000000")


def run_colour(k: int) -> str:
    """Return the colour of the ``k``-th run of a comparison (repeats after eight)."""
    return RUN_COLOURS[k % len(RUN_COLOURS)]


def loss_overlay_figure(curves: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]], lang: str = "en",
                        log_y: bool = True) -> go.Figure:
    """Draw several runs' loss curves on one chart: training solid, validation dashed, one colour per run.

    Parameters
    ----------
    curves : list of (name, epochs (E,), train_loss (E,), val_loss (E,))
        One entry per run; a validation curve that is all NaN (no validation part) is left out.
    lang : str
    log_y : bool
        Logarithmic loss axis, so runs whose losses differ tenfold stay readable.
    """
    fig = go.Figure()
    every = [f32(part) for _, _, train, val in curves for part in (train, val)]
    both = np.concatenate(every) if every else np.zeros(0, np.float32)
    hover = (tr("fig.hover.epoch", lang, x="%{x}")
             + f"<br>%{{y:{d3_format(both, at='smallest')}}}<extra>%{{fullData.name}}</extra>")
    for k, (name, epochs, train, val) in enumerate(curves):
        epochs = np.asarray(epochs).reshape(-1)
        train, val = f32(train).reshape(-1), f32(val).reshape(-1)
        if not len(train) == len(val) == len(epochs):
            raise LensError("figures.length", what="loss", got=len(train), expected=len(epochs))
        colour = run_colour(k)
        fig.add_scatter(x=epochs, y=train, mode="lines", name=tr("history.fig.train", lang, run=name),
                        legendgroup=str(k), line=dict(color=colour, width=2), hovertemplate=hover)
        if np.isfinite(val).any():
            fig.add_scatter(x=epochs, y=val, mode="lines", name=tr("history.fig.val", lang, run=name),
                            legendgroup=str(k), line=dict(color=colour, width=2, dash="dash"),
                            hovertemplate=hover)
    style_figure(fig, tr("history.fig.loss_title", lang), height=380)
    longest = max((len(np.asarray(epochs).reshape(-1)) for _, epochs, _, _ in curves), default=0)
    # Epochs are whole numbers: a short run would otherwise get ticks at 1.5, 2.5 …
    fig.update_xaxes(title_text=tr("fig.axis.epoch", lang), dtick=1 if longest <= 10 else None, tickformat="d")
    fig.update_yaxes(title_text=tr("fig.axis.loss", lang), type="log" if log_y and (both > 0).any() else "linear")
    return fig


def forecast_overlay_figure(time, values, n_train: int, forecasts: list[tuple[str, np.ndarray]],
                            lang: str = "en", context: int | None = None) -> go.Figure:
    """Draw the data's end and several runs' one-step forecasts of the same test part.

    Parameters
    ----------
    time : array (N,) or pd.DatetimeIndex, or None
        Time stamps of ``values`` (None: steps 0 … N−1).
    values : array (N,)
        The series, original units.
    n_train : int
        Points before the test part; each forecast covers ``values[n_train:]``.
    forecasts : list of (name, predictions (N − n_train,))
    context : int, optional
        Points before the test part to show (default: twice the test part, at least 24).
    """
    values = f32(values).reshape(-1)
    n, test_size = len(values), len(values) - int(n_train)
    if not 0 < n_train < n:
        raise LensError("figures.length", what="n_train", got=int(n_train), expected=n)
    x, _ = time_axis(time, n)
    start = max(0, int(n_train) - (context if context is not None else max(2 * test_size, 24)))
    fig = go.Figure()
    fig.add_vrect(x0=x[n_train - 1] if n_train else x[0], x1=x[-1], fillcolor=COLOURS["test_shade"],
                  line_width=0, layer="below")
    hover = f"%{{x}}<br>%{{y:{d3_format(values, at='smallest')}}}<extra>%{{fullData.name}}</extra>"
    fig.add_scatter(x=x[start:], y=values[start:], mode="lines+markers", name=tr("fig.forecast.actual", lang),
                    line=dict(color=COLOURS["actual"], width=2), marker=dict(size=4), hovertemplate=hover)
    for k, (name, pred) in enumerate(forecasts):
        pred = f32(pred).reshape(-1)
        if len(pred) != test_size:
            raise LensError("figures.length", what="test_pred", got=len(pred), expected=test_size)
        fig.add_scatter(x=x[n_train:], y=pred, mode="lines+markers", name=name, line=dict(color=run_colour(k),
                        width=2), marker=dict(size=5), hovertemplate=hover)
    style_figure(fig, tr("history.fig.forecast_title", lang), height=380)
    fig.update_yaxes(title_text=tr("fig.axis.value", lang))
    return fig
