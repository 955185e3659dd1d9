"""Date ticks in the reader's language: Plotly writes "Jan 1959" whatever the page's language.

Plotly.js names months in English unless a locale bundle is loaded, which
Streamlit's chart element does not do. Chinese needs no month names at all,
only numbers and 年 / 月 / 日, so tick formats per zoom level
(``tickformatstops``, d3-time-format) give "1959年1月" at every scale.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

_DAY_MS = 86_400_000

# (dtickrange, format): Plotly picks the entry whose range holds the axis' tick spacing.
ZH_TICK_FORMATS: tuple[tuple[list, str], ...] = (
    ([None, 60_000], "%H:%M:%S"),
    ([60_000, _DAY_MS], "%-m月%-d日 %H:%M"),
    ([_DAY_MS, "M1"], "%-m月%-d日"),
    (["M1", "M12"], "%Y年%-m月"),
    (["M12", None], "%Y年"),
)
# Hover labels by the data's own step (at least this many ms): a monthly series needs no day.
ZH_HOVER: tuple[tuple[int, str], ...] = (
    (365 * _DAY_MS, "%Y年"),
    (28 * _DAY_MS, "%Y年%-m月"),
    (_DAY_MS, "%Y年%-m月%-d日"),
    (0, "%Y年%-m月%-d日 %H:%M"),
)


def _datetimes(values) -> np.ndarray | None:
    """Return ``values`` as datetime64 if they are dates, else None."""
    if values is None:
        return None
    array = np.asarray(values)
    if array.dtype.kind == "M":
        return array
    if array.dtype == object and array.size and hasattr(array.flat[0], "to_datetime64"):
        return np.asarray([v.to_datetime64() for v in array.flat], "datetime64[ns]")
    return None


def date_axes(fig: go.Figure) -> dict[str, float]:
    """Return the layout names of the x axes that show dates (``"xaxis"``, ``"xaxis2"`` …) -> the smallest
    step between their points in milliseconds (inf for a single point)."""
    axes: dict[str, float] = {}
    for trace in fig.data:
        times = _datetimes(getattr(trace, "x", None))
        if times is None:
            continue
        name = "xaxis" + (getattr(trace, "xaxis", None) or "x")[1:]
        steps = np.diff(np.unique(times.astype("datetime64[ms]").astype(np.int64)))
        axes[name] = min(axes.get(name, np.inf), float(steps.min()) if steps.size else np.inf)
    return axes


def localize_dates(fig: go.Figure, lang: str) -> go.Figure:
    """Write the date ticks and hovers of ``fig`` in ``lang`` (in place; English keeps Plotly's own) and return it."""
    if lang != "zh":
        return fig
    stops = [dict(dtickrange=span, value=fmt) for span, fmt in ZH_TICK_FORMATS]
    for name, step in date_axes(fig).items():
        hover = next(fmt for at_least, fmt in ZH_HOVER if step >= at_least)
        fig.layout[name].update(tickformatstops=stops, hoverformat=hover)
    return fig
