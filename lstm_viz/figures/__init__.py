"""Plotly figure builders for LSTM Lens (no Streamlit here).

Every builder takes ``lang`` (``"en"`` or ``"zh"``) and returns a
``plotly.graph_objects.Figure``; arrays go to Plotly as float32, which
Plotly serialises as base64 typed arrays.

- :func:`series_figure`, :func:`loss_figure` — the data and the training curve
- :func:`forecast_figure` — fitted, one step ahead, recursive, beyond the data, baselines
- :func:`backtest_figure` — the error at each origin of a rolling-origin backtest
- :func:`gates_figure` — gates and states as units × time, a cursor walking the steps
- :func:`gates_training_figure` — the same heatmaps animated over training snapshots
- :func:`unit_bars_figure`, :func:`saturation_figure`, :func:`saturation_table`
- :func:`sparklines_figure` — every numeric column of a table as a small line, to pick the target from
- :func:`figure_to_html` — a standalone page that plays offline
"""
from __future__ import annotations

import plotly.graph_objects as go

from lstm_viz.figures.animation import MAX_TIME_FRAMES, frame_steps, gates_figure, gates_training_figure
from lstm_viz.figures.backtest import backtest_figure
from lstm_viz.figures.forecast import baseline_label, forecast_figure
from lstm_viz.figures.gates import (
    DEFAULT_ORDER, UNIT_ORDERS, order_units, saturation_figure, saturation_table, unit_bars_figure,
)
from lstm_viz.figures.series import loss_figure, series_figure
from lstm_viz.figures.sparklines import sparklines_figure
from lstm_viz.figures.style import COLOURS, colour_range, colour_scale


def figure_to_html(fig: go.Figure) -> str:
    """Return ``fig`` as a standalone HTML page with plotly.js inlined (plays offline, e.g. on slides)."""
    return fig.to_html(include_plotlyjs=True, full_html=True, auto_play=False)


__all__ = [
    "COLOURS", "DEFAULT_ORDER", "MAX_TIME_FRAMES", "UNIT_ORDERS",
    "backtest_figure", "baseline_label", "colour_range", "colour_scale", "figure_to_html", "forecast_figure",
    "frame_steps", "gates_figure", "gates_training_figure", "loss_figure", "order_units",
    "saturation_figure", "saturation_table", "series_figure", "sparklines_figure", "unit_bars_figure",
]
