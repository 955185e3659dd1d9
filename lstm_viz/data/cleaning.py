"""The cleaning steps :func:`~lstm_viz.data.prepare_series` runs, in order.

Check the chosen columns' roles; keep the rows of one series (long-format
files); read the target's values (text cells and ``inf`` as missing); put the
values on a sorted, unique time axis, filling a few missing steps; drop
missing values at the ends and interpolate those inside. Each step refuses
what it cannot use with a :class:`~lstm_viz.errors.LensError` and appends
what it changed to ``notes`` as ``(i18n key, params)``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_viz.data.columns import NUMERIC_SHARE
from lstm_viz.data.freq import GAP_FILL_SHARE, infer_freq
from lstm_viz.data.read import Table
from lstm_viz.errors import LensError


def check_roles(table: Table, target: str, time_column: str | None) -> None:
    """Refuse a target that is not numeric, or a time column that holds no times."""
    info = table.columns[target]
    numeric = ", ".join(table.numeric_columns)
    if info.kind == "time":
        raise LensError("data.target_is_time", column=target, columns=numeric)
    if info.kind == "empty":
        raise LensError("data.no_values", column=target)
    if info.kind != "numeric":
        example = info.example or ""
        raise LensError("data.not_numeric", column=target, share=info.numeric_share, example=example, columns=numeric)
    if time_column is not None and table.columns[time_column].kind != "time":
        example = next((str(v) for v in table.frame[time_column] if str(v)), "")
        raise LensError("data.not_time", column=time_column, example=example, columns=", ".join(table.time_columns))


def pick_rows(
    table: Table, target: str, series_column: str | None, series_name: str | None, notes: list
) -> tuple[np.ndarray, str]:
    """Return the row positions of the chosen series (all rows without a series column) and its display name."""
    rows = np.arange(len(table.frame))
    if series_column is None:
        return rows, target
    labels = _labels(table.frame[series_column])
    choices = list(pd.unique(labels[labels != ""]))
    if series_name is None and choices:
        series_name = choices[0]
    if series_name is None or str(series_name) not in choices:
        raise LensError("data.unknown_series", series=series_name, column=series_column, choices=_listing(choices))
    series_name = str(series_name)
    notes.append(("data.note.series", {"series": series_name, "column": series_column, "n_series": len(choices)}))
    return rows[(labels == series_name).to_numpy()], f"{target} ({series_name})"


def target_values(table: Table, target: str, rows: np.ndarray, notes: list) -> tuple[np.ndarray, int, int]:
    """Return the target's values in ``rows`` (text cells and inf as NaN), the text cells and the infs."""
    info = table.columns[target]
    values = table.frame[target].to_numpy(np.float64)[rows]
    n_non_numeric = int(info.non_numeric[rows].sum()) if info.non_numeric is not None else 0
    n_numbers = int(np.count_nonzero(~np.isnan(values)))
    if n_non_numeric > (1 - NUMERIC_SHARE) * (n_numbers + n_non_numeric):  # mostly text in this series
        share = n_numbers / (n_numbers + n_non_numeric)
        columns = ", ".join(table.numeric_columns)
        raise LensError("data.not_numeric", column=target, share=share, example=info.example or "", columns=columns)
    if n_non_numeric:
        notes.append(("data.note.non_numeric", {"n": n_non_numeric, "column": target, "example": info.example}))
    infinite = np.isinf(values)
    n_inf = int(infinite.sum())
    if n_inf:
        notes.append(("data.note.inf", {"n": n_inf, "column": target}))
    return np.where(infinite, np.nan, values), n_non_numeric, n_inf


@dataclass(frozen=True)
class Timed:
    """Values on their (sorted, unique, possibly gap-filled) time stamps; ``inserted`` marks filled gaps."""

    time: pd.DatetimeIndex | None
    values: np.ndarray
    inserted: np.ndarray
    n_bad_time: int = 0
    resorted: bool = False
    n_duplicates: int = 0
    freq: str | None = None
    n_gaps: int = 0
    gaps_filled: bool = False


def on_time_grid(
    table: Table, time_column: str, series_column: str | None, rows: np.ndarray, values: np.ndarray, notes: list
) -> Timed:
    """Drop rows without a time, sort by time, average repeated stamps, and fill a few missing steps."""
    stamps = pd.DatetimeIndex(table.frame[time_column].to_numpy()[rows])
    readable = ~stamps.isna()
    n_bad_time = int((~readable).sum())
    if n_bad_time:
        example = table.columns[time_column].example or ""
        notes.append(("data.note.bad_time", {"n": n_bad_time, "column": time_column, "example": example}))
    stamps, values = stamps[readable], values[readable]
    resorted = not stamps.is_monotonic_increasing
    if resorted:
        order = np.argsort(stamps.asi8, kind="stable")
        stamps, values = stamps[order], values[order]
        notes.append(("data.note.resorted", {"column": time_column}))

    by_time = pd.Series(values, index=stamps).groupby(level=0, sort=True).mean()
    n_duplicates = len(stamps) - len(by_time)
    if n_duplicates:
        column = explaining_series_column(table, time_column) if series_column is None else None
        if column is not None and n_duplicates * 2 >= len(stamps):
            choices = list(pd.unique(_labels(table.frame[column])))
            raise LensError("data.pick_series", column=column, choices=_listing(choices))
        notes.append(("data.note.duplicates", {"n": n_duplicates}))

    freq, n_gaps = infer_freq(by_time.index)
    if freq is None and len(by_time) > 2:
        notes.append(("data.note.irregular", {}))
    gaps_filled = 0 < n_gaps <= GAP_FILL_SHARE * len(by_time)
    inserted = np.zeros(len(by_time), dtype=bool)
    if gaps_filled:
        grid = pd.date_range(by_time.index[0], periods=len(by_time) + n_gaps, freq=freq)
        inserted = ~grid.isin(by_time.index)
        by_time = by_time.reindex(grid)
        notes.append(("data.note.gaps_filled", {"n": n_gaps}))
    elif n_gaps:
        notes.append(("data.note.gaps_kept", {"n": n_gaps}))
    on_grid = freq is not None and (n_gaps == 0 or gaps_filled)
    time = pd.DatetimeIndex(by_time.index, freq=freq if on_grid else None)
    return Timed(
        time, by_time.to_numpy(np.float64), inserted, n_bad_time, resorted, n_duplicates, freq, n_gaps, gaps_filled
    )


def fill_missing(timed: Timed, name: str, notes: list) -> tuple[np.ndarray, pd.DatetimeIndex | None, int, int]:
    """Drop missing values at the ends and interpolate those inside (linearly, step by step).

    Returns the values (N,), their times (or None), the missing values filled
    (gap points not counted) and the points dropped at the ends.
    """
    values = timed.values
    known = np.flatnonzero(~np.isnan(values))
    first, last = int(known[0]), int(known[-1])
    n_dropped_ends = values.shape[0] - (last - first + 1)
    if n_dropped_ends:
        notes.append(("data.note.dropped_ends", {"n": n_dropped_ends}))
    values, inserted = values[first : last + 1].copy(), timed.inserted[first : last + 1]
    time = timed.time[first : last + 1] if timed.time is not None else None
    holes = np.isnan(values)
    if 2 * holes.sum() > values.shape[0]:
        raise LensError("data.mostly_missing", column=name, n=values.shape[0], n_filled=int(holes.sum()))
    if holes.any():
        steps = np.arange(values.shape[0])
        values[holes] = np.interp(steps[holes], steps[~holes], values[~holes])
    n_missing_filled = int((holes & ~inserted).sum())
    if n_missing_filled:
        notes.append(("data.note.missing_filled", {"n": n_missing_filled}))
    return values, time, n_missing_filled, n_dropped_ends


def explaining_series_column(table: Table, time_column: str) -> str | None:
    """Return the series column under which the time stamps stop repeating (a long-format file), if any."""
    frame = table.frame
    repeats = int(frame.duplicated([time_column]).sum())
    for column in table.series_columns if repeats else ():
        if frame.duplicated([time_column, column]).sum() * 10 <= repeats:
            return column
    return None


def _labels(column: pd.Series) -> pd.Series:
    """Series names as strings; whole numbers without ``.0`` (a numeric store id 7 reads "7")."""
    if pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(np.float64)
        return pd.Series([f"{v:g}" if np.isfinite(v) else "" for v in values], dtype=str)
    return column.astype(str).str.strip()


def _listing(choices: list[str], limit: int = 12) -> str:
    shown = ", ".join(str(c) for c in choices[:limit])
    return shown + (", …" if len(choices) > limit else "")
