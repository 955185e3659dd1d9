"""The unit explorer's figures: chosen units' h and c under the series, and a forecast with a unit switched off."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_viz.figures.style import COLOURS, ROW_GAP_PX, cell_edges, f32, style_figure, time_axis, when_word
from lstm_viz.i18n import tr
from lstm_viz.numbers import d3_format
from lstm_viz.units import Match

# Okabe–Ito, without the black of the data: one colour per chosen unit, the same in h and c.
UNIT_COLOURS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
QUERY_FILL = "rgba(230, 159, 0, 0.30)"  # orange: the range the student chose
MATCH_FILL = "rgba(0, 158, 115, 0.22)"  # green: where the units behave alike
ROW_PX = 190


def unit_colour(k: int) -> str:
    """Return the line colour of the ``k``-th chosen unit."""
    return UNIT_COLOURS[k % len(UNIT_COLOURS)]


def unit_lines_figure(
    x,
    target,
    h: np.ndarray,
    units: Sequence[int],
    c: np.ndarray | None = None,
    query: tuple[int, int] | None = None,
    matches: Sequence[Match] = (),
    test_start: int | None = None,
    lang: str = "en",
) -> go.Figure:
    """Draw the series, then the chosen units' h (and c) on the same time axis, with the searched ranges shaded.

    Parameters
    ----------
    x : array (T,), pd.DatetimeIndex, or None
        Time of each step (None: step numbers).
    target : array (T,)
        The series being forecast, original units.
    h, c : arrays (T, H)
        The layer's hidden and cell states (``c`` only for an LSTM).
    units : sequence of int
        The units to draw, in this order.
    query : (start, end), optional
        The range searched from (end exclusive), shaded orange on every row.
    matches : sequence of Match
        Ranges found alike (:func:`lstm_viz.units.find_similar`), shaded green on every row.
    test_start : int, optional
        Index of the first test step: a dashed line.
    lang : str

    Returns
    -------
    go.Figure
        One row for the series, one for h, one for c; one shape per shaded range and row.
    """
    target = f32(target).reshape(-1)
    xs, is_datetime = time_axis(x, len(target))
    rows = [("series", target)] + [("h", np.asarray(h))] + ([("c", np.asarray(c))] if c is not None else [])
    n_rows = len(rows)
    height = 80 + n_rows * ROW_PX + (n_rows - 1) * ROW_GAP_PX
    fig = make_subplots(rows=n_rows, cols=1, shared_xaxes=True, vertical_spacing=ROW_GAP_PX / height,
                        subplot_titles=[tr(f"fig.units.{name}", lang) for name, _ in rows])
    fig.add_scatter(x=xs, y=target, mode="lines", name=tr("fig.units.series", lang), row=1, col=1,
                    line=dict(color=COLOURS["actual"], width=1.6), showlegend=False,
                    hovertemplate=f"%{{y:{d3_format(target)}}}<extra></extra>")
    for row, (name, values) in enumerate(rows[1:], start=2):
        for k, unit in enumerate(units):
            line = f32(values[:, unit])
            fig.add_scatter(x=xs, y=line, mode="lines", name=tr("fig.units.line", lang, u=unit), row=row, col=1,
                            legendgroup=str(unit), showlegend=row == 2,
                            line=dict(color=unit_colour(k), width=1.8),
                            hovertemplate=f"{name} = %{{y:.3f}}<extra>%{{fullData.name}}</extra>")
    edges = cell_edges(xs, is_datetime)
    shaded = [(m.start, m.end, MATCH_FILL) for m in matches]
    if query is not None:
        shaded.append((query[0], query[1], QUERY_FILL))
    for start, end, fill in shaded:
        fig.add_vrect(x0=edges[start], x1=edges[end], fillcolor=fill, line_width=0, layer="below", row="all", col=1)
    if test_start is not None and 0 < test_start < len(target):
        fig.add_vline(x=edges[test_start], line=dict(color=COLOURS["muted_text"], width=1, dash="dash"),
                      row="all", col=1)
    names = ", ".join(tr("fig.units.line", lang, u=unit) for unit in units)
    style_figure(fig, tr("fig.units.title", lang, units=names), height=height)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(title_text=tr(f"fig.axis.{when_word(is_datetime)}", lang), row=n_rows, col=1)
    return fig


def ablation_figure(x, actual, with_unit, without_unit, unit: int, lang: str = "en") -> go.Figure:
    """Draw the test part's actual values and the forecasts with and without one unit.

    Parameters
    ----------
    x : array (N,), pd.DatetimeIndex, or None
        Time of each test step.
    actual, with_unit, without_unit : arrays (N,)
        Original units.
    unit : int
        The unit switched off (for the legend).
    lang : str

    Returns
    -------
    go.Figure
    """
    actual = f32(actual).reshape(-1)
    xs, is_datetime = time_axis(x, len(actual))
    hover = f"%{{y:{d3_format(actual)}}}<extra>%{{fullData.name}}</extra>"
    fig = go.Figure()
    for name, values, colour, dash in (
        (tr("fig.units.ablation.actual", lang), actual, COLOURS["actual"], "solid"),
        (tr("fig.units.ablation.with", lang, unit=unit), with_unit, COLOURS["lstm"], "solid"),
        (tr("fig.units.ablation.without", lang, unit=unit), without_unit, COLOURS["recursive"], "dash"),
    ):
        fig.add_scatter(x=xs, y=f32(values).reshape(-1), mode="lines+markers", name=name,
                        line=dict(color=colour, width=2, dash=dash), marker=dict(size=4), hovertemplate=hover)
    style_figure(fig, tr("fig.units.ablation.title", lang, unit=unit), height=360)
    fig.update_layout(hovermode="x unified")
    fig.update_xaxes(title_text=tr(f"fig.axis.{when_word(is_datetime)}", lang))
    fig.update_yaxes(title_text=tr("fig.axis.value", lang))
    return fig
