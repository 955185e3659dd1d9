"""Sort one column of strings into time, numeric, text or empty, and convert it.

:func:`classify_column` is what :func:`~lstm_viz.data.read_table` runs on every
column; the cells are numbers when they read as numbers under the sniffed
decimal mark and thousands separator (currency signs and ``%`` allowed),
times when :mod:`lstm_viz.data.times` recognises their format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from lstm_viz.data.layout import UNITS, Layout
from lstm_viz.data.times import (
    NAMED_MONTH_FORMATS,
    TEXT_TIME_FORMATS,
    TIME_SHARE,
    numeric_time_format,
    parse_times,
)

NUMERIC_SHARE = 0.8  # a column is numeric when at least this share of its filled cells are numbers

# Cells meaning "no value" (compared lower-case, after stripping spaces).
MISSING_TOKENS = frozenset(
    {"", "na", "n/a", "nan", "null", "none", "nil", "-", "--", "?", ".", "#n/a", "missing", "缺失", "空", "无"}
)

ColumnKind = Literal["time", "numeric", "text", "empty"]


@dataclass(frozen=True, eq=False)
class ColumnInfo:
    """What :func:`read_table` found in one column.

    Attributes
    ----------
    kind : {"time", "numeric", "text", "empty"}
    time_format : str or None
        How the times are written, e.g. ``"%d.%m.%Y"``, ``"ISO 8601"``, ``"year"``, ``"unix s"``.
    numeric_share : float
        Share of the filled cells that are numbers (1.0 for a clean numeric column).
    example : str or None
        A cell that could not be read (not a number, or not a time), for messages.
    non_numeric : bool array (n_rows,) or None
        Cells of a numeric column that held text; they are NaN in ``Table.frame``.
    """

    kind: ColumnKind
    time_format: str | None = None
    numeric_share: float = 0.0
    example: str | None = None
    non_numeric: np.ndarray | None = field(default=None, repr=False)


def classify_column(column: str, cells: pd.Series, layout: Layout) -> tuple[pd.Series, ColumnInfo, tuple | None]:
    """Convert one column of stripped strings; return it, its ColumnInfo and an optional table note."""
    missing = cells.str.lower().isin(MISSING_TOKENS).to_numpy()
    n_filled = int((~missing).sum())
    if n_filled == 0:
        return cells, ColumnInfo("empty"), None
    numbers = parse_numbers(cells, layout)
    bad = ~missing & np.isnan(numbers)
    share = 1.0 - bad.sum() / n_filled
    if share >= NUMERIC_SHARE:
        found = numeric_time_format(column, numbers)
        if found is not None:
            label, parse = found
            return pd.Series(parse(numbers)), ColumnInfo("time", label, share), None
        example = str(cells[bad].iloc[0]) if bad.any() else None
        return pd.Series(numbers), ColumnInfo("numeric", None, share, example, bad), None

    sample = cells[~missing].head(500)
    for fmt in TEXT_TIME_FORMATS:
        if sample.str.fullmatch(fmt.pattern).mean() >= TIME_SHARE:
            times, label, note = fmt.parse(fmt, cells.where(~missing), column)
            break
    else:
        code = next((c for c in NAMED_MONTH_FORMATS if parse_times(sample, c).notna().mean() >= TIME_SHARE), None)
        times, label, note = (parse_times(cells.where(~missing), code), code, None) if code else (None, None, None)
    if times is not None:
        unread = ~missing & times.isna().to_numpy()
        if unread.sum() <= (1 - TIME_SHARE) * n_filled:
            example = str(cells[unread].iloc[0]) if unread.any() else None
            return times, ColumnInfo("time", label, share, example), note
    return cells, ColumnInfo("text", None, share, str(sample.iloc[0])), None


def parse_numbers(cells: pd.Series, layout: Layout) -> np.ndarray:
    """Parse stripped string cells as float64 (NaN where not a number); ``inf`` stays inf."""
    text = cells
    if layout.thousands:
        text = text.str.replace(layout.thousands, "", regex=False)
    if layout.decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    values = _to_float(text)
    # "$12.50" or "12%": strip the sign and retry, only where it helps (a regex is slow on 200k text cells).
    retry = np.isnan(values) & (text != "").to_numpy()
    if retry.any() and not np.isnan(_to_float(_strip_units(text[retry].head(50)))).all():
        values[retry] = _to_float(_strip_units(text[retry]))
    return values


def _to_float(text: pd.Series) -> np.ndarray:
    return np.array(pd.to_numeric(text.to_numpy(dtype=object), errors="coerce"), dtype=np.float64)


def _strip_units(text: pd.Series) -> pd.Series:
    return text.str.replace(UNITS, "", regex=True)


def is_counter(values: np.ndarray) -> bool:
    """Say whether a numeric column just counts rows: its values (the missing ones left out) all step by the
    same non-zero amount (0, 1, 2 … or any fixed step). It follows on from itself perfectly, but it is no
    series to forecast, so it is never a default target. (A constant column is no counter: it is refused
    as constant, with its own message.)"""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    with np.errstate(over="ignore", invalid="ignore"):  # huge values overflow; they are no counter
        steps = np.diff(values)
        return values.size >= 3 and steps[0] != 0 and bool(np.all(steps == steps[0]))


def is_series_names(cells: pd.Series) -> bool:
    """Say whether a text column names the series of a long-format file: few values, each repeated."""
    counts = cells[cells != ""].value_counts()
    return 2 <= counts.size <= 100 and counts.size * 2 <= len(cells) and int(counts.min()) >= 2
