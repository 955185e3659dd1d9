"""The shared look of every figure: palette, colour scales, layout, and time axes.

Lines use the Okabe–Ito palette (safe for the common kinds of colour
blindness). Gates (values after a sigmoid, in 0 … 1) use the sequential
Viridis scale; tanh values and states (−1 … 1) use reversed RdBu, centred at
0 so blue means negative and red positive. Colour ranges are fixed, never
fitted to the data, so the same colour means the same number on every figure
and every epoch.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lstm_viz.errors import LensError
from lstm_viz.recorder import SIGMOID_STATES

COLOURS: dict[str, str] = {
    "actual": "#3a3a3a",  # near-black grey: the data
    "lstm": "#0072B2",  # Okabe–Ito blue: what the model fits
    "test": "#E69F00",  # Okabe–Ito orange: one-step-ahead on unseen data
    "recursive": "#D55E00",  # vermillion: the model feeding on itself
    "future": "#CC79A7",  # reddish purple: beyond the data
    "train_loss": "#0072B2",
    "val_loss": "#009E73",  # Okabe–Ito green, like the validation part's shade
    "cursor": "#111111",
    "test_shade": "rgba(230, 159, 0, 0.09)",
    "train_shade": "rgba(0, 114, 178, 0.05)",
    "val_shade": "rgba(0, 158, 115, 0.13)",
    "cursor_band": "rgba(17, 17, 17, 0.10)",
    "grid": "#ECECF1",
    "muted_text": "#6b6b76",
}
# Muted, distinguishable, and quieter than every model line.
BASELINE_COLOURS: tuple[str, ...] = ("#8f8f99", "#7aa995", "#b8a073", "#9d93c4", "#c28f8f")

GATE_SCALE = "Viridis"
STATE_SCALE = "RdBu_r"
# Viridis ends, reused for "closed" / "open" in the saturation chart.
GATE_LOW_COLOUR, GATE_HIGH_COLOUR = "#440154", "#fde725"

FONT_FAMILY = (
    "Inter, 'Segoe UI', 'Helvetica Neue', Arial, "
    "'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"
)
ROW_GAP_PX = 44  # between stacked subplots: room for a row title
TITLE_BAND_PX = 40  # the top of a figure that its title takes


def colour_range(name: str) -> tuple[float, float]:
    """Return the fixed colour range of a state: (0, 1) for gates, (−1, 1) otherwise."""
    return (0.0, 1.0) if name in SIGMOID_STATES else (-1.0, 1.0)


def colour_scale(name: str) -> str:
    """Return the colour scale of a state: sequential for gates, diverging for the rest."""
    return GATE_SCALE if name in SIGMOID_STATES else STATE_SCALE


@lru_cache(maxsize=None)
def _lut(scale: str) -> np.ndarray:
    """Return 256 hex colours sampled evenly along a Plotly colour scale."""
    rgb = sample_colorscale(scale, np.linspace(0.0, 1.0, 256).tolist(), colortype="tuple")
    return np.array([f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}" for r, g, b in rgb])


def value_colours(name: str, values) -> list[str]:
    """Return the colour of each value of state ``name``, as the heatmaps draw it (clipped to its range).

    Bars carry explicit colours rather than numbers plus a colour scale:
    Plotly's fast animation path (``redraw=False``) does not re-apply a
    colour scale, and would paint numeric colours black.
    """
    lo, hi = colour_range(name)
    share = np.clip((np.asarray(values, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)
    return _lut(colour_scale(name))[np.rint(np.nan_to_num(share, nan=0.5) * 255).astype(int)].tolist()


def style_figure(fig: go.Figure, title: str, height: int, *, legend: bool = True) -> go.Figure:
    """Apply the house layout (white template, fonts, margins, legend on top) and return ``fig``."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        font=dict(family=FONT_FAMILY, size=13, color="#2b2b33"),
        title=dict(text=title, x=0.0, xanchor="left", xref="paper", y=0.985, yanchor="top",
                   font=dict(size=17)),
        margin=dict(l=64, r=28, t=96 if legend else 64, b=56),
        showlegend=legend,
        # The legend hangs from just under the title (container units: the figure's height is known)
        # and pushes the plot down as it wraps onto more rows in a narrow window, never up into the title.
        legend=dict(orientation="h", xref="paper", x=0.0, xanchor="left", yref="container",
                    y=1 - TITLE_BAND_PX / height, yanchor="top",
                    bgcolor="rgba(255,255,255,0)", font=dict(size=12)),
        hoverlabel=dict(font=dict(family=FONT_FAMILY, size=12), bgcolor="white"),
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    # Numbers for people (lstm_viz.numbers): 0.0005 not "500μ", 12,000 not "12k"; a log axis labels
    # 0.02 and 0.05 in full, where plotly writes a lone "2" and "5" that read as a loss of 2 or 5.
    plain = dict(exponentformat="none", separatethousands=True, minorloglabels="complete")
    fig.update_xaxes(showgrid=True, gridcolor=COLOURS["grid"], zeroline=False,
                     linecolor="#c9c9d2", ticks="outside", tickcolor="#c9c9d2", **plain)
    fig.update_yaxes(showgrid=True, gridcolor=COLOURS["grid"], zeroline=False,
                     linecolor="#c9c9d2", **plain)
    return fig


def f32(values) -> np.ndarray:
    """Return ``values`` as a contiguous float32 array (Plotly ships it as base64 binary)."""
    return np.ascontiguousarray(np.asarray(values, dtype=np.float32))


def time_axis(time, n: int, what: str = "time") -> tuple[np.ndarray | pd.DatetimeIndex, bool]:
    """Return the x values of ``n`` steps and whether they are datetimes.

    ``time`` may be None (integer steps 0 … n−1), a ``pd.DatetimeIndex`` /
    datetime64 array, or any array of numbers of length ``n``.
    """
    if time is None:
        return np.arange(n, dtype=np.int32), False
    if isinstance(time, pd.DatetimeIndex) or np.issubdtype(np.asarray(time).dtype, np.datetime64):
        x = pd.DatetimeIndex(time)
        if x.tz is not None:  # Plotly draws wall-clock time; drop the zone so cell edges agree
            x = x.tz_localize(None)
        is_datetime = True
    else:
        x = np.asarray(time)
        is_datetime = False
    if len(x) != n:
        raise LensError("figures.length", what=what, got=len(x), expected=n)
    return x, is_datetime


def cell_edges(x, is_datetime: bool) -> np.ndarray | pd.DatetimeIndex:
    """Return the n+1 edges of the cells centred on the n points of ``x`` (midpoints between them).

    Datetimes come back as a ``pd.DatetimeIndex``, whose items (``pd.Timestamp``)
    Plotly writes as ISO dates; raw datetime64 would be written as integers.
    """
    if is_datetime:
        ns = pd.DatetimeIndex(x).as_unit("ns").asi8.astype(np.float64)  # pandas 3 may hold µs
        half = 12 * 3600e9  # a lone timestamp gets a one-day-wide cell
    else:
        ns = np.asarray(x, dtype=np.float64)
        half = 0.5
    if len(ns) == 1:
        edges = np.array([ns[0] - half, ns[0] + half])
    else:
        mid = (ns[1:] + ns[:-1]) / 2
        edges = np.concatenate([[2 * ns[0] - mid[0]], mid, [2 * ns[-1] - mid[-1]]])
    if is_datetime:
        return pd.DatetimeIndex(pd.to_datetime(edges.round().astype(np.int64), unit="ns"))
    return edges


def time_labels(x, is_datetime: bool) -> list[str]:
    """Return short text labels of the points of ``x`` (dates without a clock when all are midnight)."""
    if not is_datetime:
        return [str(v) for v in np.asarray(x).tolist()]
    idx = pd.DatetimeIndex(x)
    at_midnight = bool(np.all(idx == idx.normalize()))
    return list(idx.strftime("%Y-%m-%d" if at_midnight else "%Y-%m-%d %H:%M"))


def when_word(is_datetime: bool) -> str:
    """Return the i18n stem for the time axis: ``"time"`` for datetimes, else ``"step"``."""
    return "time" if is_datetime else "step"
