"""The series with its train / test split, and the loss curves of a training run."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_viz.errors import LensError
from lstm_viz.figures.style import COLOURS, cell_edges, f32, style_figure, time_axis, when_word
from lstm_viz.i18n import tr
from lstm_viz.numbers import d3_format


def check_n_train(n_train: int, n: int) -> int:
    """Return ``n_train`` as an int, or raise LensError unless 1 ≤ n_train ≤ n."""
    if not 1 <= int(n_train) <= n:
        raise LensError("figures.n_train", n=n, n_train=n_train)
    return int(n_train)


def shade_split(fig: go.Figure, edges, n_train: int, lang: str, val_size: int = 0) -> None:
    """Shade the training, validation and test parts in three colours and label them.

    Shades run between cell edges so no point is cut in half; the validation part is the
    last ``val_size`` of the first ``n_train`` points (0: none).
    """
    label = dict(font=dict(size=12, color=COLOURS["muted_text"]))
    n_fit = n_train - int(val_size) if 0 < int(val_size) < n_train else n_train
    fig.add_vrect(x0=edges[0], x1=edges[n_fit], fillcolor=COLOURS["train_shade"], line_width=0,
                  layer="below", annotation=dict(text=tr("fig.split.train", lang), **label),
                  annotation_position="top left")
    if n_fit < n_train:
        fig.add_vrect(x0=edges[n_fit], x1=edges[n_train], fillcolor=COLOURS["val_shade"],
                      line_width=0, layer="below",
                      # One line lower: a validation part is often narrower than its own label,
                      # which would run into the test part's.
                      annotation=dict(text=tr("fig.split.val", lang), yshift=-16, **label),
                      annotation_position="top left")
    if n_train < len(edges) - 1:
        fig.add_vrect(x0=edges[n_train], x1=edges[-1], fillcolor=COLOURS["test_shade"],
                      line_width=0, layer="below",
                      annotation=dict(text=tr("fig.split.test", lang), **label),
                      annotation_position="top left")


def series_figure(
    x, values, n_train: int, title: str | None = None, lang: str = "en", val_size: int = 0
) -> go.Figure:
    """Draw the series with its training, validation and test parts shaded and labelled.

    Parameters
    ----------
    x : array of length N, pd.DatetimeIndex, or None
        Time of each point; None means integer steps.
    values : array of shape (N,)
        The series.
    n_train : int
        Points in the training part (the first ``n_train``); the rest is test.
    title : str, optional
        Figure title; defaults to a translated one.
    lang : str
        ``"en"`` or ``"zh"``.
    val_size : int
        The last ``val_size`` of the first ``n_train`` points are the validation part (0: none).

    Returns
    -------
    go.Figure
    """
    values = f32(values).reshape(-1)
    xs, is_datetime = time_axis(x, len(values))
    n_train = check_n_train(n_train, len(values))
    fig = go.Figure(go.Scatter(
        x=xs, y=values, mode="lines", name=tr("fig.series.name", lang),
        line=dict(color=COLOURS["actual"], width=1.6),
        hovertemplate=f"%{{y:{d3_format(values)}}}<extra></extra>",
    ))
    shade_split(fig, cell_edges(xs, is_datetime), n_train, lang, val_size)
    style_figure(fig, title or tr("fig.series.title", lang), height=340, legend=False)
    fig.update_layout(hovermode="x unified", margin=dict(t=64))
    fig.update_xaxes(title_text=tr(f"fig.axis.{when_word(is_datetime)}", lang))
    fig.update_yaxes(title_text=tr("fig.axis.value", lang))
    return fig


def loss_hover(train_loss, val_loss=None, lang: str = "en") -> str:
    """Return the loss curves' hover template (a live figure swaps it in with the new losses).

    A loss falls over powers of ten and is read at its end: decimals for its smallest value.
    """
    train_loss = f32(train_loss).reshape(-1)
    both = train_loss if val_loss is None else np.concatenate([train_loss, f32(val_loss).reshape(-1)])
    return (tr("fig.hover.epoch", lang, x="%{x}")
            + f"<br>%{{y:{d3_format(both, at='smallest')}}}<extra>%{{fullData.name}}</extra>")


def loss_figure(epochs, train_loss, val_loss=None, lang: str = "en", log_y: bool = True) -> go.Figure:
    """Draw the training (and validation) loss per epoch.

    Empty arrays give an empty chart with a waiting note, so a live page can
    draw it before the first epoch ends.

    Parameters
    ----------
    epochs : array of shape (E,)
        Epoch numbers.
    train_loss : array of shape (E,)
        Mean training loss per epoch.
    val_loss : array of shape (E,), optional
        Validation loss per epoch (NaN where not measured).
    lang : str
        ``"en"`` or ``"zh"``.
    log_y : bool
        Logarithmic loss axis (default), where early and late epochs both stay readable.

    Returns
    -------
    go.Figure
    """
    epochs = np.asarray(epochs).reshape(-1)
    train_loss = f32(train_loss).reshape(-1)
    if len(train_loss) != len(epochs):
        raise LensError("figures.length", what="train_loss", got=len(train_loss), expected=len(epochs))
    hover = loss_hover(train_loss, val_loss, lang)
    fig = go.Figure(go.Scatter(
        x=epochs, y=train_loss, mode="lines", name=tr("fig.loss.train", lang),
        line=dict(color=COLOURS["train_loss"], width=2), hovertemplate=hover,
    ))
    if val_loss is not None:
        val_loss = f32(val_loss).reshape(-1)
        if len(val_loss) != len(epochs):
            raise LensError("figures.length", what="val_loss", got=len(val_loss), expected=len(epochs))
        fig.add_scatter(x=epochs, y=val_loss, mode="lines", name=tr("fig.loss.val", lang),
                        line=dict(color=COLOURS["val_loss"], width=2), hovertemplate=hover)
        if np.isfinite(val_loss).any():
            best = int(np.nanargmin(np.where(np.isfinite(val_loss), val_loss, np.nan)))
            fig.add_scatter(
                x=epochs[best:best + 1], y=val_loss[best:best + 1], mode="markers",
                name=tr("fig.loss.best", lang, epoch=epochs[best]),
                marker=dict(symbol="star", size=12, color=COLOURS["val_loss"],
                            line=dict(color="white", width=1)),
                hovertemplate=hover,
            )
    style_figure(fig, tr("fig.loss.title", lang), height=320)
    fig.update_xaxes(title_text=tr("fig.axis.epoch", lang))
    fig.update_yaxes(title_text=tr("fig.axis.loss", lang), type="log" if log_y else "linear")
    if len(epochs) == 0:
        fig.add_annotation(text=tr("fig.loss.empty", lang), x=0.5, y=0.5, xref="paper",
                           yref="paper", showarrow=False,
                           font=dict(size=14, color=COLOURS["muted_text"]))
        fig.update_xaxes(range=[0, 1], showticklabels=False)
        fig.update_yaxes(showticklabels=False)
    return fig
