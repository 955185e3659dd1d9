"""The error at each forecast origin of a rolling-origin backtest: the model against the baselines."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lstm_viz.figures.forecast import baseline_label
from lstm_viz.figures.style import BASELINE_COLOURS, COLOURS, f32, style_figure, time_axis, when_word
from lstm_viz.i18n import tr


def backtest_figure(x, rmse: dict[str, np.ndarray], model_name: str = "LSTM", lang: str = "en") -> go.Figure:
    """Draw the RMSE of each forecast at each origin, the model in colour, baselines dotted.

    Parameters
    ----------
    x : array of length K, pd.DatetimeIndex, or None
        Time of each origin (the first value forecast from it); None means origin numbers 1 … K.
    rmse : dict[str, array (K,)]
        RMSE per origin of ``model_name`` and each baseline, original units.
    lang : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    go.Figure
    """
    k = len(next(iter(rmse.values()))) if rmse else 0
    xs, is_datetime = time_axis(x, k)
    hover = "%{y:.4g}<extra>%{fullData.name}</extra>"
    fig = go.Figure()
    baselines = [name for name in rmse if name != model_name]
    for n, name in enumerate(baselines):
        fig.add_scatter(x=xs, y=f32(rmse[name]), mode="lines+markers", name=baseline_label(name, lang),
                        line=dict(color=BASELINE_COLOURS[n % len(BASELINE_COLOURS)], width=1.6, dash="dot"),
                        marker=dict(size=6), hovertemplate=hover)
    if model_name in rmse:
        fig.add_scatter(x=xs, y=f32(rmse[model_name]), mode="lines+markers", name=model_name,
                        line=dict(color=COLOURS["recursive"], width=2.4), marker=dict(size=8),
                        hovertemplate=hover)
    style_figure(fig, tr("eval.fig.backtest.title", lang), height=320)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(title_text=tr("eval.fig.backtest.x", lang, when=tr(f"fig.axis.{when_word(is_datetime)}", lang)))
    fig.update_yaxes(title_text=tr("eval.fig.backtest.y", lang), rangemode="tozero")
    return fig
