"""Turn one column of a :class:`~lstm_viz.data.read.Table` into a clean :class:`Series` and its :class:`DataReport`.

:func:`prepare_series` runs the steps of :mod:`~lstm_viz.data.cleaning` and
refuses what is too short or constant to forecast; :func:`load_series` reads
a file and prepares a series in one call.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pandas as pd

from lstm_viz.data.cleaning import (
    Timed,
    check_roles,
    explaining_series_column,
    fill_missing,
    on_time_grid,
    pick_rows,
    target_values,
)
from lstm_viz.data.freq import season_for
from lstm_viz.data.read import Table, brief, read_table
from lstm_viz.errors import LensError

MAX_ABS_VALUE: float = 1e100  # beyond this, differences of values overflow float64
# How far a value may lie from the median, in interquartile ranges. The model reads the series scaled
# to about -1 ... 1 in float32, and squares its errors: a value 1e99 among values near 100 became
# inf once scaled, and every run failed in its first epoch. 1e9 keeps squared errors far below float32's max.
MAX_SPREAD_RATIO: float = 1e9
MIN_POINTS: int = 10  # fewer points cannot be split into training windows and a test part


@dataclass(frozen=True)
class DataReport:
    """What :func:`prepare_series` did to the chosen column, for the student to read.

    Attributes
    ----------
    n_rows_read : int
        Rows of the file used (those of the chosen series in a long-format file).
    n_points : int
        Points in the final series.
    n_missing_filled : int
        Missing values inside the series filled by linear interpolation (gaps not included).
    n_dropped_ends : int
        Points left out at the start or end because their value was missing.
    n_non_numeric : int
        Text cells in the target column, treated as missing.
    n_duplicates : int
        Rows whose time stamp repeated an earlier one (averaged away).
    n_gaps : int
        Time steps missing from the regular grid of ``freq``.
    resorted : bool
        True when the rows were sorted by time.
    freq : str or None
        Pandas offset alias of the time step (``"MS"``, ``"D"``, ``"h"`` ...), None if irregular or no time.
    notes : tuple of (key, params)
        i18n keys and their parameters, e.g. ``("data.note.resorted", {"column": "date"})``.
    n_inf : int
        Infinite values in the target column, treated as missing.
    n_bad_time : int
        Rows left out because their time could not be read.
    gaps_filled : bool
        True when the ``n_gaps`` missing steps were interpolated (so the series is on a regular grid).
    """

    n_rows_read: int
    n_points: int
    n_missing_filled: int
    n_dropped_ends: int
    n_non_numeric: int
    n_duplicates: int
    n_gaps: int
    resorted: bool
    freq: str | None
    notes: tuple[tuple[str, dict], ...] = ()
    n_inf: int = 0
    n_bad_time: int = 0
    gaps_filled: bool = False


@dataclass(frozen=True, eq=False)
class Series:
    """A clean univariate series, ready for ``windows.split_series``.

    Attributes
    ----------
    name : str
        Column name (and series name for long-format files).
    values : float64 array (N,)
        Finite values, no NaN.
    time : pd.DatetimeIndex (N,) or None
        Sorted, unique time stamps; None without a time column.
    freq : str or None
        Pandas offset alias of the time step.
    season : int or None
        Steps per season, from ``freq`` (see :func:`season_for`).
    report : DataReport
    """

    name: str
    values: np.ndarray
    time: pd.DatetimeIndex | None
    freq: str | None
    season: int | None
    report: DataReport

    def axis(self) -> np.ndarray | pd.DatetimeIndex:
        """Return the x axis for plots: ``time`` if any, else ``np.arange(N)``."""
        return self.time if self.time is not None else np.arange(self.values.shape[0])


def prepare_series(
    table: Table,
    target: str,
    time_column: str | None = None,
    series_column: str | None = None,
    series_name: str | None = None,
) -> Series:
    """Turn one numeric column into a clean, time-ordered series.

    Steps, each counted in the report: keep the rows of ``series_name``
    (long-format files); treat text cells and ``inf`` as missing; drop rows
    without a readable time; sort by time; average repeated time stamps;
    infer the time step and fill missing steps (gaps) when there are few;
    drop missing values at the ends and interpolate those inside.

    Parameters
    ----------
    table : Table
        From :func:`read_table`.
    target : str
        Numeric column to forecast (one of ``table.numeric_columns``).
    time_column : str, optional
        One of ``table.time_columns``; None numbers the points in file order.
    series_column, series_name : str, optional
        For long-format files: the column naming the series, and which one to
        keep (default: the first that appears).

    Returns
    -------
    Series
        ``values`` (N,) float64 with N >= ``MIN_POINTS``.

    Raises
    ------
    LensError
        ``data.unknown_column``, ``data.target_is_time``, ``data.not_numeric``,
        ``data.not_time``, ``data.unknown_series``, ``data.pick_series``,
        ``data.no_values``, ``data.mostly_missing``, ``data.too_few``, ``data.constant``.
    """
    for column in (target, time_column, series_column):
        if column is not None and column not in table.frame.columns:
            raise LensError(
                "data.unknown_column", column=column, name=table.name, columns=", ".join(table.frame.columns)
            )
    try:
        return _prepare(table, target, time_column, series_column, series_name)
    except LensError:
        raise
    except Exception as exc:
        raise LensError("data.unexpected", column=target, detail=brief(exc)) from exc


def _check_spread(values: np.ndarray, name: str) -> None:
    """Refuse a series with values so far from the rest that scaling them overflows float32.

    The spread is the interquartile range, or, for a series that is mostly one
    value, the smallest step between two of its distinct values: a few
    outliers do not widen it, as they widen the standard deviation.
    """
    center = float(np.median(values))
    low, high = np.percentile(values, [25, 75])
    spread = float(high - low)
    if spread == 0:
        steps = np.diff(np.unique(values))
        spread = float(steps[steps > 0].min())
    farthest = values[np.argmax(np.abs(values - center))]
    if abs(farthest - center) > MAX_SPREAD_RATIO * spread:
        raise LensError("safety.outlier", column=name, value=f"{farthest:.3g}", center=f"{center:.3g}",
                        spread=f"{spread:.3g}")


def _prepare(
    table: Table, target: str, time_column: str | None, series_column: str | None, series_name: str | None
) -> Series:
    check_roles(table, target, time_column)
    notes: list[tuple[str, dict]] = list(table.notes)
    rows, name = pick_rows(table, target, series_column, series_name, notes)
    values, n_non_numeric, n_inf = target_values(table, target, rows, notes)
    finite = np.abs(values[np.isfinite(values)])
    if finite.size and finite.max() > MAX_ABS_VALUE:  # differences would overflow to inf
        raise LensError("data.extreme", column=name, value=f"{finite.max():.3g}")
    if time_column is None:
        notes.append(("data.note.no_time", {}))
        timed = Timed(None, values, np.zeros(values.shape[0], dtype=bool))
    else:
        timed = on_time_grid(table, time_column, series_column, rows, values, notes)
    if not np.isfinite(timed.values).any():
        raise LensError("data.no_values", column=name)
    values, time, n_missing_filled, n_dropped_ends = fill_missing(timed, name, notes)

    n = values.shape[0]
    if n < MIN_POINTS and len(table.frame) <= 2 and table.frame.shape[1] >= MIN_POINTS:
        raise LensError("data.one_row", n_columns=int(table.frame.shape[1]))
    if n < MIN_POINTS:
        raise LensError("data.too_few", column=name, n=n, min_points=MIN_POINTS)

    if np.ptp(values) == 0:
        raise LensError("data.constant", column=name, value=f"{values[0]:g}")
    _check_spread(values, name)
    # A season counts time steps of the regular grid: with gaps left in, k rows back is not k steps back.
    season = season_for(timed.freq) if timed.n_gaps == 0 or timed.gaps_filled else None
    if season is None and season_for(timed.freq) is not None:
        notes.append(("data.note.season_off_grid", {"n": timed.n_gaps, "season": season_for(timed.freq)}))
    report = DataReport(
        n_rows_read=rows.shape[0],
        n_points=n,
        n_missing_filled=n_missing_filled,
        n_dropped_ends=n_dropped_ends,
        n_non_numeric=n_non_numeric,
        n_duplicates=timed.n_duplicates,
        n_gaps=timed.n_gaps,
        resorted=timed.resorted,
        freq=timed.freq,
        notes=tuple(notes),
        n_inf=n_inf,
        n_bad_time=timed.n_bad_time,
        gaps_filled=timed.gaps_filled,
    )
    return Series(name, values, time, timed.freq, season, report)


def load_series(
    source: bytes | str | os.PathLike | BinaryIO,
    target: str | None = None,
    time_column: str | None = None,
    series_column: str | None = None,
    series_name: str | None = None,
    name: str | None = None,
) -> Series:
    """Read a file and prepare one series in one call, with sensible defaults.

    ``target`` defaults to the first numeric column, ``time_column`` to the
    first time column. In a long-format file whose time stamps repeat, the
    first series column and its first series are used unless given
    (``series_name`` alone picks from the first series column).

    Parameters
    ----------
    source : bytes, str, os.PathLike or binary file-like
        As for :func:`~lstm_viz.data.read_table`.
    target, time_column, series_column, series_name : str, optional
        As for :func:`prepare_series`; defaults as above.
    name : str, optional
        Name used in messages; defaults to the file name, or ``"data"``.

    Returns
    -------
    Series
        ``values`` (N,) float64 with N >= ``MIN_POINTS``.

    Raises
    ------
    LensError
        Any refusal of :func:`~lstm_viz.data.read_table` or :func:`prepare_series`.
    """
    table = read_table(source, name=name)
    target = target or table.numeric_columns[0]
    if time_column is None and table.time_columns:
        time_column = table.time_columns[0]
    if series_column is None and series_name is not None and table.series_columns:
        series_column = table.series_columns[0]
    elif series_column is None and time_column is not None:
        series_column = explaining_series_column(table, time_column)
    return prepare_series(table, target, time_column, series_column, series_name)
