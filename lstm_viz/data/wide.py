"""Year × month (or year × quarter) tables: recognise them and read them as one series.

Statistics bureaus, NOAA and yearbooks publish monthly data one year per row::

    YEAR,JAN,FEB,…,DEC          年份,一月,二月,…,十二月          Year,Q1,Q2,Q3,Q4
    1949,112,118,…,118          2001,…                          2001,…

Read as written, such a file is a dozen yearly series, one per month. :func:`detect_wide`
finds the year column and the month (or quarter) columns from their headers;
:func:`unpivot` lays the cells out as one series in time order (row by row, January to
December), each value dated at its month's (quarter's) start, so the reader's frequency
detection sees a monthly (quarterly) series. The original table is kept by the caller, so
the choice stays reversible.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Literal

import numpy as np
import pandas as pd

from lstm_viz.data.columns import ColumnInfo
from lstm_viz.data.read import Table

Period = Literal["month", "quarter"]

_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december")
_ZH_DIGITS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
_YEAR_WORDS = re.compile(r"(?i)^(year|yr|years|年|年份|年度)$")


def _month_names() -> dict[str, int]:
    """Every spelling of a month header this module accepts, lower-case, mapped to 1..12."""
    names: dict[str, int] = {}
    for k, month in enumerate(_EN_MONTHS, start=1):
        names[month] = names[month[:3]] = k
        names[f"{k}月"] = names[f"{k:02d}月"] = names[f"{_ZH_DIGITS[k - 1]}月"] = k
        names[f"{k}"] = names[f"{k:02d}"] = k  # bare numbers count only when all twelve are there, in order
    names["sept"] = 9
    names["正月"] = 1  # the lunar-calendar name some tables still use for the first month
    names["腊月"] = 12
    return names


def _quarter_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for k in range(1, 5):
        for spelling in (f"q{k}", f"qtr{k}", f"qtr {k}", f"quarter {k}", f"quarter{k}", f"{k}q",
                         f"第{_ZH_DIGITS[k - 1]}季度", f"{_ZH_DIGITS[k - 1]}季度", f"{k}季度", f"第{k}季度"):
            names[spelling] = k
    return names


_MONTHS = _month_names()
_QUARTERS = _quarter_names()
_STEPS = {"month": 12, "quarter": 4}


@dataclass(frozen=True)
class WideLayout:
    """Where a year × period table keeps its years and its periods.

    Attributes
    ----------
    year_column : str
        The column naming the year of each row.
    period : {"month", "quarter"}
    columns : tuple of str
        The period columns, in calendar order (January first, or Q1 first).
    """

    year_column: str
    period: Period
    columns: tuple[str, ...]


def _normalise(header: str) -> str:
    return " ".join(str(header).strip().lower().rstrip(".").split())


def _period_columns(names: list[str], spellings: dict[str, int], n: int) -> tuple[str, ...] | None:
    """Return the ``n`` columns naming periods 1..n (in calendar order), or None if some is missing."""
    found: dict[int, str] = {}
    for name in names:
        k = spellings.get(_normalise(name))
        if k is not None and k not in found:
            found[k] = name
    if sorted(found) != list(range(1, n + 1)):
        return None
    columns = tuple(found[k] for k in range(1, n + 1))
    bare = [c for c in columns if _normalise(c).isdigit()]
    if bare and [names.index(c) for c in columns] != sorted(names.index(c) for c in columns):
        return None  # "1", "2", … only mean months when they run in order across the header
    return columns


def _year_column(table: Table, exclude: tuple[str, ...]) -> str | None:
    """Return the column that holds whole years, one per row: a yearly time column, or integers named "year"."""
    frame = table.frame
    for column in table.time_columns:
        stamps = pd.DatetimeIndex(frame[column].dropna())
        if len(stamps) and bool(((stamps.month == 1) & (stamps.day == 1) & (stamps == stamps.normalize())).all()):
            return column
    for column in table.numeric_columns:
        if column in exclude or not _YEAR_WORDS.match(_normalise(column)):
            continue
        values = frame[column].dropna().to_numpy()
        if values.size and bool(np.all((values == np.round(values)) & (values >= 1000) & (values <= 2999))):
            return column
    return None


def detect_wide(table: Table) -> WideLayout | None:
    """Recognise a year × month or year × quarter table.

    Parameters
    ----------
    table : Table
        From :func:`~lstm_viz.data.read_table`.

    Returns
    -------
    WideLayout or None
        None unless the headers name all twelve months (or all four quarters),
        those columns are numeric, and a column holds the years.
    """
    if not table.has_header:
        return None
    names = list(table.frame.columns)
    for period, spellings in (("month", _MONTHS), ("quarter", _QUARTERS)):
        columns = _period_columns(names, spellings, _STEPS[period])
        if columns is None or not all(c in table.numeric_columns for c in columns):
            continue
        year = _year_column(table, columns)
        if year is not None:
            return WideLayout(year_column=year, period=period, columns=columns)
    return None


def _years(table: Table, column: str) -> np.ndarray:
    values = table.frame[column]
    if column in table.time_columns:
        return pd.DatetimeIndex(values).year.to_numpy(dtype=float)
    return values.to_numpy(dtype=float)


def unpivot(table: Table, layout: WideLayout, value_name: str | None = None) -> Table:
    """Lay a year × period table out as one series: one row per month (quarter), in time order.

    Rows without a year are left out. Text columns beside the years (a station,
    a region) are repeated on every row, so a table holding several series stays
    a long-format table whose series the student picks as usual.

    Parameters
    ----------
    table : Table
        The table as read.
    layout : WideLayout
        From :func:`detect_wide`.
    value_name : str, optional
        Name of the value column; defaults to the file name without its extension.

    Returns
    -------
    Table
        Columns ``date`` (the period's first day), the repeated text columns, and the values.
    """
    n_steps = _STEPS[layout.period]
    months_per_step = 12 // n_steps
    years = _years(table, layout.year_column)
    keep = np.isfinite(years)
    years = years[keep].astype(int)
    values = table.frame.loc[keep, list(layout.columns)].to_numpy(dtype=float)  # (rows, n_steps)
    # Row r, period k → the first day of month 1 + k * months_per_step of year r.
    month = np.tile(1 + months_per_step * np.arange(n_steps), years.shape[0])
    year = np.repeat(years, n_steps)
    stamps = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    texts = [c for c in table.series_columns if c != layout.year_column]
    time_name = _free_name("date", table)
    value_name = _free_name(value_name or PurePath(table.name).stem or "value", table, taken={time_name})
    frame = pd.DataFrame({time_name: stamps.to_numpy()})
    for column in texts:
        frame[column] = np.repeat(table.frame.loc[keep, column].to_numpy(), n_steps)
    frame[value_name] = values.reshape(-1)
    infos = {time_name: ColumnInfo("time", time_format="ISO 8601", numeric_share=1.0),
             **{c: table.columns.get(c, ColumnInfo("text")) for c in texts},
             value_name: ColumnInfo("numeric", numeric_share=1.0)}
    note = (f"readers.note.unpivoted.{layout.period}", {"n_rows": int(keep.sum()), "year": layout.year_column})
    return Table(
        frame=frame,
        time_columns=[time_name],
        numeric_columns=[value_name],
        series_columns=texts,
        encoding=table.encoding,
        separator=table.separator,
        decimal=table.decimal,
        has_header=True,
        name=table.name,
        columns=infos,
        notes=(*table.notes, note),
        thousands=table.thousands,
    )


def _free_name(name: str, table: Table, taken: set[str] = frozenset()) -> str:
    used = set(table.series_columns) | set(taken)
    candidate, k = name, 2
    while candidate in used:
        candidate, k = f"{name} ({k})", k + 1
    return candidate
