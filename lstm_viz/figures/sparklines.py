"""A small multiple of every numeric column of a table: one sparkline each, named, to pick the target from."""
from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_viz.figures.style import COLOURS, FONT_FAMILY, f32

MAX_SPARKLINES = 24  # a wider table shows its first 24 numeric columns; the target picker lists all
MAX_SPARK_POINTS = 400  # a sparkline is ~200 px wide: more points only cost bytes
SPARK_ROW_PX = 74


def _thin(n: int) -> np.ndarray:
    """Return the row positions drawn: every row, or evenly spaced ones (first and last kept)."""
    if n <= MAX_SPARK_POINTS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_SPARK_POINTS).round().astype(int))


def sparklines_figure(
    frame: pd.DataFrame,
    columns: list[str],
    time_column: str | None = None,
    highlight: str | None = None,
    n_cols: int = 4,
) -> go.Figure:
    """Draw each numeric column as a small line, in a grid, named above it.

    Parameters
    ----------
    frame : pd.DataFrame
        ``Table.frame`` (rows in file order).
    columns : list of str
        Numeric columns to draw (at most :data:`MAX_SPARKLINES` are).
    time_column : str, optional
        Column for the x axis; rows are sorted by it. None: row numbers.
    highlight : str, optional
        The current target, drawn in the model colour and its name in bold.
    n_cols : int
        Sparklines per row.

    Returns
    -------
    go.Figure
        One subplot per column, axes hidden; missing values leave gaps.
    """
    columns = list(columns)[:MAX_SPARKLINES]
    n_cols = max(1, min(n_cols, len(columns)))
    n_rows = max(1, math.ceil(len(columns) / n_cols))
    data = frame
    if time_column is not None and time_column in frame.columns:
        data = frame.sort_values(time_column, kind="stable")
    rows = _thin(len(data))
    x = data[time_column].to_numpy()[rows] if time_column in data.columns else rows.astype(np.int32)
    titles = [f"<b>{html.escape(c)}</b>" if c == highlight else html.escape(c) for c in columns]
    fig = make_subplots(rows=n_rows, cols=n_cols, subplot_titles=titles,
                        vertical_spacing=min(0.5 / n_rows, 0.12), horizontal_spacing=0.04)
    for k, column in enumerate(columns):
        values = f32(data[column].to_numpy(dtype=float)[rows])
        colour = COLOURS["lstm"] if column == highlight else COLOURS["actual"]
        fig.add_trace(go.Scatter(x=x, y=values, mode="lines", name=column, showlegend=False,
                                 line=dict(color=colour, width=2.0 if column == highlight else 1.2),
                                 hovertemplate="%{y:.4g}<extra>" + html.escape(column) + "</extra>"),
                      row=k // n_cols + 1, col=k % n_cols + 1)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_annotations(font=dict(size=12))
    fig.update_layout(template="plotly_white", height=40 + SPARK_ROW_PX * n_rows,
                      margin=dict(l=8, r=8, t=28, b=8), font=dict(family=FONT_FAMILY, size=12),
                      paper_bgcolor="white", plot_bgcolor="white")
    return fig
