"""Gate pieces shared by the gate figures: state order, unit order, heatmaps, bars, saturation.

A heatmap shows one state as units × time: row = unit, column = step. Units
may be re-ordered (by mean or variance of the first state shown) so that
similar units sit together; the same order is applied to every state and the
axis labels keep the original unit numbers, so unit 7 is unit 7 everywhere.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lstm_viz.errors import LensError
from lstm_viz.figures.style import (
    COLOURS, GATE_HIGH_COLOUR, GATE_LOW_COLOUR, colour_range, colour_scale, f32, style_figure,
    time_axis, time_labels, value_colours, when_word,
)
from lstm_viz.i18n import tr
from lstm_viz.recorder import SIGMOID_STATES, LayerTrace, saturation

# The teaching order: what to forget, what to write, what to show; then the values.
DEFAULT_ORDER: dict[str, tuple[str, ...]] = {
    "lstm": ("f", "i", "o", "g", "c", "h"),
    "gru": ("r", "z", "n", "h"),
    "rnn": ("h",),
}
UNIT_ORDERS: tuple[str, ...] = ("index", "mean", "variance")


def state_names(layer: LayerTrace, names=None) -> tuple[str, ...]:
    """Return the states to show, checked against the cell (default: :data:`DEFAULT_ORDER`)."""
    if names is None:
        return DEFAULT_ORDER[layer.cell]
    names = tuple(names)
    for name in names:
        if name not in layer.names:
            raise LensError("figures.state", cell=layer.cell.upper(), name=name,
                            allowed=", ".join(layer.names))
    return names


def unit_time(layer: LayerTrace, name: str, batch: int = 0) -> np.ndarray:
    """Return state ``name`` as a float32 array of shape (T, H) (sample ``batch`` of a batched trace)."""
    values = layer[name]
    return f32(values[:, batch] if values.ndim == 3 else values)


def order_units(layer: LayerTrace, names, how: str = "index", batch: int = 0) -> np.ndarray:
    """Return the display order of the units, shape (H,): position p shows unit ``order[p]``.

    ``"index"`` keeps 0 … H−1; ``"mean"`` and ``"variance"`` sort by that
    statistic of the first state in ``names``, largest first (on top).
    """
    if how not in UNIT_ORDERS:
        raise LensError("figures.unit_order", value=how)
    first = unit_time(layer, names[0], batch)
    if how == "index":
        return np.arange(first.shape[1])
    stat = first.mean(axis=0) if how == "mean" else first.var(axis=0)
    return np.argsort(-stat.astype(np.float64), kind="stable")


def unit_numbers(order: np.ndarray) -> np.ndarray:
    """Return the original unit numbers in display order, as the smallest integer type that fits."""
    return order.astype(np.uint8 if len(order) <= 256 else np.uint16)


def unit_ticks(order: np.ndarray, max_ticks: int = 8) -> tuple[list[int], list[str]]:
    """Return tick positions and labels (original unit numbers), thinned to at most ``max_ticks``."""
    every = max(1, int(np.ceil(len(order) / max_ticks)))
    positions = list(range(0, len(order), every))
    return positions, [str(int(order[p])) for p in positions]


def state_title(name: str, lang: str) -> str:
    """Return a row title: the state's name in bold, then what its values mean."""
    # Two lines, so the row title fits the heatmap's width on a phone.
    return (f"<b>{tr(f'fig.state.{name}', lang)}</b><br>"
            f"<span style='color:{COLOURS['muted_text']};font-size:11px'>{tr(f'fig.hint.{name}', lang)}</span>")


def heatmap_hover(name: str, is_datetime: bool, lang: str) -> str:
    """Return the hover template of a state heatmap: unit, step or time, exact value."""
    lines = [tr("fig.hover.unit", lang, u="%{customdata}"),
             tr(f"fig.hover.{when_word(is_datetime)}", lang, x="%{x}"),
             f"<b>{name} = %{{z:.4f}}</b>"]
    if name == "c":
        lines.append(f"<i>{tr('fig.gates.clipped', lang)}</i>")
    return "<br>".join(lines) + f"<extra>{tr(f'fig.state.{name}', lang)}</extra>"


def state_heatmap(z: np.ndarray, x, order: np.ndarray, name: str, is_datetime: bool,
                  lang: str, showscale: bool = False) -> go.Heatmap:
    """Return the heatmap of one state.

    ``z`` has shape (H, T) with rows already in display order. The colour range
    is fixed by the state's kind; ``z`` keeps the exact values, so hover shows
    a cell state beyond ±1 unclipped even though its colour saturates.
    """
    zmin, zmax = colour_range(name)
    return go.Heatmap(
        z=f32(z), x=x, y=np.arange(len(order), dtype=np.int32),
        customdata=np.broadcast_to(unit_numbers(order)[:, None], z.shape).copy(),
        zmin=zmin, zmax=zmax, zauto=False, colorscale=colour_scale(name), showscale=showscale,
        hovertemplate=heatmap_hover(name, is_datetime, lang), name=name,
    )


def bar_marker(name: str, values: np.ndarray) -> dict:
    """Colour bars by value exactly as the heatmaps colour their cells."""
    return dict(color=value_colours(name, values), line=dict(width=0))


def bar_range(layer: LayerTrace, name: str, batch: int = 0) -> list[float]:
    """Return the fixed value range of a state's bars; a cell state wider than ±1 widens it."""
    lo, hi = colour_range(name)
    if name == "c":
        peak = float(np.nanmax(np.abs(unit_time(layer, "c", batch)), initial=1.0))
        hi = max(1.0, np.ceil(peak * 2) / 2)
        lo = -hi
    pad = 0.03 * (hi - lo)  # so a bar at exactly 0 or 1 is not drawn on the frame
    return [lo - (pad if lo == 0 else 0), hi + pad]


def step_index(t: int, n_steps: int) -> int:
    """Return ``t`` as an int, or raise LensError when it is not a step of the trace."""
    if not 0 <= int(t) < n_steps:
        raise LensError("figures.step", t=t, last=n_steps - 1)
    return int(t)


def unit_bars_figure(layer: LayerTrace, t: int, names=None, time=None, unit_order: str = "index",
                     lang: str = "en", batch: int = 0) -> go.Figure:
    """Draw each state's vector at step ``t`` as bars, one small chart per state.

    Parameters
    ----------
    layer : LayerTrace
        Arrays of shape (T, H) (or (T, B, H); sample ``batch`` is shown).
    t : int
        Step to show, 0 … T−1.
    names : sequence of str, optional
        States to show, in order (default: :data:`DEFAULT_ORDER`).
    time : array of length T or pd.DatetimeIndex, optional
        Times of the steps, used in the title.
    unit_order : {"index", "mean", "variance"}
        Order of the units along x (labels keep the original numbers).
    lang : str
        ``"en"`` or ``"zh"``.

    Returns
    -------
    go.Figure
    """
    names = state_names(layer, names)
    n_steps = unit_time(layer, names[0], batch).shape[0]
    t = step_index(t, n_steps)
    xs, is_datetime = time_axis(time, n_steps)
    order = order_units(layer, names, unit_order, batch)
    cols = min(3, len(names))
    rows = int(np.ceil(len(names) / cols))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[tr(f"fig.state.{n}", lang) for n in names],
                        horizontal_spacing=0.07, vertical_spacing=0.22 if rows > 1 else 0.1)
    labels = [str(int(u)) for u in order]
    for k, name in enumerate(names):
        vec = unit_time(layer, name, batch)[t, order]
        fig.add_trace(go.Bar(
            x=labels, y=vec, marker=bar_marker(name, vec), name=name, showlegend=False,
            hovertemplate=tr("fig.hover.unit", lang, u="%{x}") + f"<br><b>{name} = %{{y:.4f}}</b>"
                          "<extra></extra>",
        ), row=k // cols + 1, col=k % cols + 1)
        fig.update_yaxes(range=bar_range(layer, name, batch), row=k // cols + 1, col=k % cols + 1)
    when = tr(f"fig.hover.{when_word(is_datetime)}", lang, x=time_labels(xs[t:t + 1], is_datetime)[0])
    style_figure(fig, tr("fig.gates.bars_title", lang, cell=layer.cell.upper(), when=when),
                 height=190 * rows + 110, legend=False)
    fig.update_xaxes(type="category", showgrid=False, tickfont=dict(size=10))
    fig.update_layout(bargap=0.15, margin=dict(t=80))
    fig.update_annotations(font=dict(size=13))
    return fig


def saturation_table(layer: LayerTrace, low: float = 0.1, high: float = 0.9, names=None) -> pd.DataFrame:
    """Return the share of steps × units each sigmoid gate spends closed, in between, and open.

    Parameters
    ----------
    layer : LayerTrace
        Any cell; only its sigmoid gates (i, f, o or r, z) are counted.
    low, high : float
        A gate value below ``low`` counts as closed, above ``high`` as open.
    names : sequence of str, optional
        Gates to include, in order (default: the sigmoid gates of :data:`DEFAULT_ORDER`).

    Returns
    -------
    pd.DataFrame
        One row per gate, columns ``state``, ``low``, ``middle``, ``high`` (shares summing to 1).
        Empty for a plain RNN.
    """
    names = [n for n in state_names(layer, names) if n in SIGMOID_STATES]
    rows = []
    for name in names:
        below, above = saturation(layer[name], low, high)
        rows.append({"state": name, "low": below, "middle": 1.0 - below - above, "high": above})
    return pd.DataFrame(rows, columns=["state", "low", "middle", "high"])


def saturation_figure(layer: LayerTrace, names=None, low: float = 0.1, high: float = 0.9,
                      lang: str = "en") -> go.Figure:
    """Draw :func:`saturation_table` as stacked horizontal bars: closed | in between | open.

    Returns
    -------
    go.Figure
        For a plain RNN, an empty chart that says it has no gates.
    """
    table = saturation_table(layer, low, high, names)
    labels = [tr(f"fig.state.{s}", lang) for s in table["state"]]
    fig = go.Figure()
    parts = (("low", tr("fig.sat.low", lang, low=low), GATE_LOW_COLOUR, "white"),
             ("middle", tr("fig.sat.mid", lang), "#e4e4ea", "#2b2b33"),
             ("high", tr("fig.sat.high", lang, high=high), GATE_HIGH_COLOUR, "#2b2b33"))
    for column, name, colour, text_colour in parts:
        share = f32(table[column].to_numpy())
        fig.add_bar(
            y=labels, x=share, name=name, orientation="h", marker=dict(color=colour),
            text=[f"{v:.0%}" if v >= 0.06 else "" for v in share], textposition="inside",
            insidetextanchor="middle", textfont=dict(color=text_colour, size=12),
            hovertemplate="%{y}<br>" + name + ": <b>%{x:.1%}</b><extra></extra>",
        )
    style_figure(fig, tr("fig.sat.title", lang), height=120 + 44 * max(1, len(labels)))
    fig.update_layout(barmode="stack", bargap=0.35, legend_traceorder="normal")
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title_text=tr("fig.sat.axis", lang))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    if table.empty:
        fig.add_annotation(text=tr("fig.sat.none", lang), x=0.5, y=0.5, xref="paper", yref="paper",
                           showarrow=False, font=dict(size=14, color=COLOURS["muted_text"]))
    return fig
