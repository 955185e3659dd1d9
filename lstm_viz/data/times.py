"""Recognise the ways a column can write times, and parse them.

Numbers that are times (years, unix stamps, ``20200131``) and text in the
formats students' files use (ISO 8601, ``01.02.2020``, ``1/2/2020``,
``2020-Q1``, ``1949年1月``, ``Jan-49`` ...). Impossible dates become NaT.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd

TIME_SHARE = 0.9  # a column is a time column when at least this share of its filled cells parse as times

_YEAR_NAME = re.compile(r"year|yr|jahr|ann[ée]e|año|anno|年", re.IGNORECASE)
_STAMP_NAME = re.compile(r"time|stamp|epoch|unix|(?:^|[\W_])ts(?:$|[\W_])|时间", re.IGNORECASE)
_DATE_NAME = re.compile(r"date|time|day|month|period|datum|日期|时间|月份", re.IGNORECASE)
_UNIX_UNITS = (("s", 1e8, 1e10), ("ms", 1e11, 1e13), ("us", 1e14, 1e16), ("ns", 1e17, 1e19))


def numeric_time_format(column: str, numbers: np.ndarray) -> tuple[str, Callable] | None:
    """Recognise years, unix time stamps and YYYYMMDD integers in a numeric column."""
    finite = numbers[np.isfinite(numbers)]
    if finite.size == 0:
        return None
    integral = bool(np.all(finite == np.round(finite)))
    if integral and 1000 <= finite.min() and finite.max() <= 2200:
        steps = np.diff(finite)
        consecutive = finite.size >= 3 and (np.all(steps == 1) or np.all(steps == -1))
        if _YEAR_NAME.search(column) or consecutive:
            return "year", lambda v: _assemble(year=v)
    if _STAMP_NAME.search(column) and finite.min() >= 0:
        middle = float(np.median(finite))
        for unit, low, high in _UNIX_UNITS:
            if low <= middle < high:
                return f"unix {unit}", lambda v, unit=unit: pd.to_datetime(v, unit=unit, errors="coerce")
    if integral and _DATE_NAME.search(column):
        for code, low, high in (("%Y%m%d", 1000_01_01, 2200_12_31), ("%Y%m", 1000_01, 2200_12)):
            if low <= finite.min() and finite.max() <= high:
                def parse(v: np.ndarray, code: str = code) -> pd.Series:
                    ints = pd.Series(v).astype("Int64").astype(str)
                    return pd.to_datetime(ints, format=code, errors="coerce")

                if parse(finite[:500]).notna().mean() >= TIME_SHARE:
                    return code, parse
    return None


def _assemble(year: Any, month: Any = 1, day: Any = 1, hour: Any = 0, minute: Any = 0, second: Any = 0) -> pd.Series:
    """Build datetimes from component columns (numbers or digit strings); impossible dates become NaT."""
    parts = pd.DataFrame(
        {"year": year, "month": month, "day": day, "hour": hour, "minute": minute, "second": second}
    )
    return pd.to_datetime(parts.apply(lambda col: pd.to_numeric(col, errors="coerce")), errors="coerce")


@dataclass(frozen=True)
class _TextTimeFormat:
    """Times written one way: a regex (named groups ``year``, ``month``, ``day`` ...) and its parser."""

    label: str
    pattern: str
    parse: Callable[["_TextTimeFormat", pd.Series, str], tuple[pd.Series, str, tuple | None]]


def _parse_iso(fmt: _TextTimeFormat, cells: pd.Series, column: str) -> tuple[pd.Series, str, None]:
    times = pd.to_datetime(cells.str.replace("/", "-", regex=False), format="ISO8601", errors="coerce", utc=True)
    return times.dt.tz_localize(None), fmt.label, None  # offsets converted to UTC, then dropped


def _parse_groups(fmt: _TextTimeFormat, cells: pd.Series, column: str) -> tuple[pd.Series, str, None]:
    parts = _extract_numbers(cells, fmt.pattern)
    if "quarter" in parts:
        parts["month"] = parts.pop("quarter") * 3 - 2
    return _assemble(**parts.fillna({"day": 1, "hour": 0, "minute": 0, "second": 0})), fmt.label, None


def _parse_slashed(fmt: _TextTimeFormat, cells: pd.Series, column: str) -> tuple[pd.Series, str, tuple | None]:
    """Read ``a/b/yyyy``: day first if some ``a`` exceeds 12, else month first (and say it was a guess)."""
    parts = _extract_numbers(cells, fmt.pattern)
    a, b = parts.pop("a"), parts.pop("b")
    day_first = bool((a > 12).any())
    parts["month"], parts["day"] = (b, a) if day_first else (a, b)
    times = _assemble(**parts.fillna({"hour": 0, "minute": 0, "second": 0}))
    note = None
    if not day_first and not (b > 12).any() and times.notna().any():
        k = int(np.flatnonzero(times.notna().to_numpy())[0])
        parsed = times.iloc[k].strftime("%Y-%m-%d")
        note = ("data.note.ambiguous_dates", {"column": column, "example": str(cells.iloc[k]), "parsed": parsed})
    return times, "%d/%m/%Y" if day_first else "%m/%d/%Y", note


def _extract_numbers(cells: pd.Series, pattern: str) -> pd.DataFrame:
    """Return the named groups of ``pattern`` in each cell as float columns (NaN where it does not match)."""
    parts = cells.str.extract(f"^(?:{pattern})$")
    return parts.apply(lambda col: pd.to_numeric(col, errors="coerce"))


_CLOCK = r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
TEXT_TIME_FORMATS: tuple[_TextTimeFormat, ...] = (
    _TextTimeFormat(
        "ISO 8601",
        r"\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?",
        _parse_iso,
    ),
    _TextTimeFormat(
        "%Y年%m月%d日",
        r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月(?:\s*(?P<day>\d{1,2})\s*日)?",
        _parse_groups,
    ),
    _TextTimeFormat("%Y-%m", r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})", _parse_groups),
    _TextTimeFormat("%d.%m.%Y", r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})" + _CLOCK, _parse_groups),
    _TextTimeFormat("%m/%d/%Y", r"(?P<a>\d{1,2})[/-](?P<b>\d{1,2})[/-](?P<year>\d{4})" + _CLOCK, _parse_slashed),
    _TextTimeFormat("%Y-Q%q", r"(?P<year>\d{4})\s*[-_ ]?\s*[Qq](?P<quarter>[1-4])", _parse_groups),
    _TextTimeFormat("%Y年第%q季度", r"(?P<year>\d{4})\s*年\s*第?\s*(?P<quarter>[1-4])\s*季度?", _parse_groups),
)
# Month names as Excel writes them (English only, as pandas parses them).
NAMED_MONTH_FORMATS = (
    "%b-%Y", "%b %Y", "%B %Y", "%Y-%b", "%b-%y", "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %B %Y",
    "%b %d, %Y", "%B %d, %Y",
)


def parse_times(cells: pd.Series, code: str) -> pd.Series:
    times = pd.to_datetime(cells, format=code, errors="coerce")
    if "%y" in code:  # two-digit years: "Jan-49" is 1949, not 2049
        future = times > pd.Timestamp.now()
        times = times.where(~future, times - pd.DateOffset(years=100))
    return times
