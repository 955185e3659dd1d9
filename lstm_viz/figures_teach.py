"""Plotly figures for the teaching pages: gradient flow, the spike task, cells and horizons side by side.

Every builder takes plain arrays (or dicts of them keyed by cell or method),
a ``lang`` for its words, and returns a ``go.Figure`` in the house style of
:mod:`lstm_viz.figures.style`. Arrays go to Plotly as float32.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_viz.figures.style import COLOURS, f32, style_figure
from lstm_viz.i18n import tr

# Okabe–Ito again: the LSTM keeps the blue it has on every other page.
CELL_COLOURS: dict[str, str] = {"rnn": "#D55E00", "gru": "#009E73", "lstm": COLOURS["lstm"]}
METHOD_COLOURS: dict[str, str] = {
    "direct": "#009E73", "decoder": "#CC79A7", "recursive": COLOURS["recursive"],
}
_FALLBACK = ("#56B4E9", "#F0E442", "#000000", "#E69F00")
# GRU and LSTM often draw the same line (both at 100 % on the spike task). Drawn in this order,
# the GRU is a wide, pale band with open squares and the LSTM a thin line with diamonds on top of
# it, so where they agree both stay visible (no offset: the values are shown where they are).
CELL_LINES: dict[str, dict] = {
    "rnn": dict(width=2, symbol="circle", size=1.0, edge=0, opacity=1.0),
    "gru": dict(width=6, symbol="square-open", size=1.9, edge=2, opacity=0.55),
    "lstm": dict(width=2, symbol="diamond", size=1.0, edge=0, opacity=1.0),
}


def series_label(key: str, lang: str = "en") -> str:
    """Return the display name of a cell (``"lstm"`` -> "LSTM") or method (``"direct"`` -> translated)."""
    if key in CELL_COLOURS:
        return key.upper()
    if key in METHOD_COLOURS:
        return tr(f"teach.method.{key}", lang)
    return key


def _colour(key: str, k: int) -> str:
    return CELL_COLOURS.get(key) or METHOD_COLOURS.get(key) or _FALLBACK[k % len(_FALLBACK)]


def _line(key: str, k: int, x, y, hover: str, lang: str, markers: int = 6) -> go.Scatter:
    """One model's line, coloured, styled (see :data:`CELL_LINES`) and named by its key, with ``hover``."""
    style = CELL_LINES.get(key, CELL_LINES["rnn"])
    return go.Scatter(
        x=x, y=f32(y), mode="lines+markers", name=series_label(key, lang), opacity=style["opacity"],
        line=dict(color=_colour(key, k), width=style["width"]),
        marker=dict(size=markers * style["size"], symbol=style["symbol"], line=dict(width=style["edge"])),
        hovertemplate=hover + "<extra>%{fullData.name}</extra>",
    )


def _chance_line(fig: go.Figure, lang: str) -> None:
    fig.add_hline(y=0.5, line=dict(color=COLOURS["muted_text"], dash="dash"),
                  annotation_text=tr("teach.fig.task.chance", lang), annotation_position="bottom right")


def gradient_norm_figure(
    profiles: dict[str, np.ndarray], lang: str = "en", relative: bool = False, title: str | None = None
) -> go.Figure:
    """Draw the gradient norm against the lag, one line per model, on a log scale.

    Parameters
    ----------
    profiles : dict[str, array (T,)]
        Name (``"rnn"``, ``"lstm"`` … or any label) -> ``grad_norm_by_lag`` output;
        entry ``k`` belongs to the input ``k`` steps before the last.
    relative : bool
        Divide each line by its value at lag 0, so lines of different scale
        compare by how fast they fall.
    """
    fig = go.Figure()
    for k, (name, norms) in enumerate(profiles.items()):
        y = np.asarray(norms, np.float64)
        if relative and y.size and y[0] > 0:
            y = y / y[0]
        y = np.where(y > 0, y, np.nan)  # a log axis cannot show 0
        lags = np.arange(y.size, dtype=np.int32)
        fig.add_trace(_line(name, k, lags, y, tr("teach.fig.grad.hover", lang), lang, markers=4))
    style_figure(fig, title or tr("teach.fig.grad.title", lang), height=380)
    fig.update_xaxes(title_text=tr("teach.fig.axis.lag", lang))
    axis_key = "teach.fig.axis.grad_rel" if relative else "teach.fig.axis.grad"
    fig.update_yaxes(type="log", exponentformat="power", title_text=tr(axis_key, lang))
    return fig


def spike_figure(x: np.ndarray, position: int, y: float, lang: str = "en") -> go.Figure:
    """Draw one "recall the spike" sequence, its spike marked and the step where the answer is due.

    Parameters
    ----------
    x : array (T,) or (T, 1)
        One sequence of the task.
    position : int
        Step of the spike.
    y : float
        1.0 if the spike is up, else 0.0.
    """
    x = f32(x).reshape(-1)
    steps = np.arange(x.size, dtype=np.int32)
    fig = go.Figure(go.Scatter(
        x=steps, y=x, mode="lines", line=dict(color=COLOURS["actual"], width=1.4),
        name=tr("teach.fig.spike.input", lang), hovertemplate="%{y:.3f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[int(position)], y=[float(x[position])], mode="markers",
        marker=dict(size=11, color=CELL_COLOURS["rnn"]), name=tr("teach.fig.spike.spike", lang),
    ))
    answer = tr("teach.fig.spike.up" if y > 0.5 else "teach.fig.spike.down", lang)
    note = tr("teach.fig.spike.answer", lang, answer=answer, lag=int(x.size - 1 - position))
    fig.add_vline(x=int(x.size - 1), line=dict(color=COLOURS["cursor"], dash="dot"),
                  annotation_text=note, annotation_position="top left")
    style_figure(fig, tr("teach.fig.spike.title", lang), height=300)
    fig.update_xaxes(title_text=tr("teach.fig.axis.step", lang))
    fig.update_yaxes(title_text=tr("teach.fig.axis.input", lang), range=[-1.3, 1.3])
    return fig


def task_accuracy_figure(lags, accuracy: dict[str, np.ndarray], lang: str = "en") -> go.Figure:
    """Draw held-out accuracy on the spike task against the lag, one line per cell, chance marked."""
    lags = np.asarray(lags, np.int32)
    fig = go.Figure()
    for k, (cell, acc) in enumerate(accuracy.items()):
        fig.add_trace(_line(cell, k, lags, acc, tr("teach.fig.task.hover", lang), lang, markers=7))
    _chance_line(fig, lang)
    style_figure(fig, tr("teach.fig.task.title", lang), height=360)
    fig.update_xaxes(title_text=tr("teach.fig.axis.lag", lang))
    fig.update_yaxes(title_text=tr("teach.fig.axis.accuracy", lang), range=[0.0, 1.05], tickformat=".0%")
    return fig


def task_curves_figure(results, lang: str = "en") -> go.Figure:
    """Draw held-out accuracy during training on the spike task, one line per :class:`TaskResult`."""
    fig = go.Figure()
    hover = tr("teach.fig.curves.hover", lang)
    for k, res in enumerate(results):
        fig.add_trace(_line(res.cell, k, np.asarray(res.steps, np.int32), res.accuracy_curve, hover, lang))
    _chance_line(fig, lang)
    lag = results[0].lag if results else 0
    style_figure(fig, tr("teach.fig.curves.title", lang, lag=lag), height=340)
    fig.update_xaxes(title_text=tr("teach.fig.axis.adam_steps", lang))
    fig.update_yaxes(title_text=tr("teach.fig.axis.accuracy", lang), range=[0.0, 1.05], tickformat=".0%")
    return fig


def loss_curves_figure(
    curves: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray | None]], lang: str = "en", log_y: bool = True
) -> go.Figure:
    """Draw each model's training and validation loss in its own panel, side by side, same y axis.

    Parameters
    ----------
    curves : dict[str, (epochs (E,), train_loss (E,), val_loss (E,) or None)]
        Name -> loss curves, e.g. ``{r.cell: (r.epochs, r.train_loss, r.val_loss) for r in results}``.
    """
    names = list(curves)
    fig = make_subplots(rows=1, cols=max(1, len(names)), shared_yaxes=True, horizontal_spacing=0.04)
    for col, name in enumerate(names, start=1):
        epochs, train, val = curves[name]
        epochs = np.asarray(epochs, np.int32)
        colour = _colour(name, col - 1)
        for part, values, style in (("train", train, dict(width=2)), ("val", val, dict(width=1.5, dash="dot"))):
            if values is None:
                continue
            fig.add_trace(go.Scatter(
                x=epochs, y=f32(values), mode="lines", name=tr(f"teach.fig.loss.{part}", lang),
                line=dict(color=colour, **style), legendgroup=part, showlegend=col == 1,
                hovertemplate="%{y:.5f}<extra></extra>",
            ), row=1, col=col)
        fig.update_xaxes(title_text=tr("teach.fig.axis.epoch", lang), row=1, col=col)
        # The panel's name inside its top-right corner (where a falling loss curve has left room):
        # a subplot title above the panel would sit in the band the legend takes.
        axis = "" if col == 1 else str(col)
        fig.add_annotation(text=f"<b>{series_label(name, lang)}</b>", xref=f"x{axis} domain", yref=f"y{axis} domain",
                           x=0.98, y=0.97, xanchor="right", yanchor="top", showarrow=False, font=dict(size=14),
                           bgcolor="rgba(255,255,255,0.8)")
    style_figure(fig, tr("teach.fig.loss.title", lang), height=360)
    fig.update_yaxes(type="log" if log_y else "linear")
    fig.update_yaxes(title_text=tr("teach.fig.axis.loss", lang), row=1, col=1)
    return fig


def forecasts_figure(x, y_true, forecasts: dict[str, np.ndarray], lang: str = "en",
                     title: str | None = None) -> go.Figure:
    """Draw the test part and several models' forecasts of it on one chart.

    Parameters
    ----------
    x : array (n,)
        Time of each test point (steps or datetimes).
    y_true : array (n,)
        Actual values.
    forecasts : dict[str, array (n,)]
        Name -> forecast of the same points.
    """
    fig = go.Figure(go.Scatter(
        x=x, y=f32(y_true), mode="lines", name=tr("teach.fig.actual", lang),
        line=dict(color=COLOURS["actual"], width=1.8), hovertemplate="%{y:.4f}<extra></extra>",
    ))
    for k, (name, pred) in enumerate(forecasts.items()):
        fig.add_trace(_line(name, k, x, pred, "%{y:.4f}", lang, markers=4))
    style_figure(fig, title or tr("teach.fig.forecasts.title", lang), height=360)
    fig.update_layout(hovermode="x unified")
    fig.update_yaxes(title_text=tr("teach.fig.axis.value", lang))
    return fig


def horizon_error_figure(leads, rmse: dict[str, np.ndarray], lang: str = "en") -> go.Figure:
    """Draw the RMSE at each lead 1 … M, one line per method (direct, decoder, recursive …)."""
    leads = np.asarray(leads, np.int32)
    fig = go.Figure()
    for k, (name, err) in enumerate(rmse.items()):
        fig.add_trace(_line(name, k, leads, err, tr("teach.fig.horizon.hover", lang), lang))
    style_figure(fig, tr("teach.fig.horizon.title", lang), height=360)
    fig.update_xaxes(title_text=tr("teach.fig.axis.lead", lang), dtick=1 if leads.size <= 24 else None)
    fig.update_yaxes(title_text=tr("teach.fig.axis.rmse", lang), rangemode="tozero")
    return fig
