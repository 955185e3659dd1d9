"""Time steps: infer a series' frequency and its gaps, name it, give its season, continue it.

Frequencies are pandas offset aliases (``"MS"``, ``"QS-JAN"``, ``"D"``,
``"B"``, ``"h"`` ...).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lstm_viz.errors import LensError

if TYPE_CHECKING:
    from lstm_viz.data.series import Series

GAP_FILL_SHARE = 0.25  # fill gaps by interpolation only while they add at most a quarter more points

_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
# Steps in microseconds: nanoseconds overflow before 1677, and students upload centuries of data.
_US = {"D": 86_400 * 10**6, "h": 3_600 * 10**6, "min": 60 * 10**6, "s": 10**6}


def infer_freq(index: pd.DatetimeIndex) -> tuple[str | None, int]:
    """Infer the regular step of sorted unique ``index`` and count the steps missing from it.

    Calendar steps (months, quarters, years) are recognised from month-start
    or month-end stamps; fixed steps (days, weeks, hours ...) from the most
    common difference, which must divide every other difference.

    Returns
    -------
    freq : str or None
        Pandas offset alias, None when the steps are irregular or there are fewer than 3 stamps.
    n_gaps : int
        Stamps missing from ``pd.date_range(index[0], index[-1], freq=freq)``.
    """
    n = len(index)
    if n < 3:
        return None, 0
    midnight = bool((index == index.normalize()).all())
    freq: str | None = None
    expected = n
    if midnight and (bool((index.day == 1).all()) or bool(index.is_month_end.all())):
        months = np.asarray(index.year * 12 + index.month - 1, dtype=np.int64)
        steps = np.diff(months)
        step = int(np.gcd.reduce(steps))
        if step and Counter(steps.tolist()).most_common(1)[0][0] == step:
            start = bool((index.day == 1).all())
            first = int(index[0].month)
            if step == 12:
                freq = f"YS-{_MONTH_NAMES[first - 1]}" if start else f"YE-{_MONTH_NAMES[first - 1]}"
            elif step == 3:
                anchor = (first - 1) % 3 if start else (first - 10) % 3 + 9
                freq = f"QS-{_MONTH_NAMES[anchor]}" if start else f"QE-{_MONTH_NAMES[anchor]}"
            else:
                freq = ("MS" if start else "ME") if step == 1 else f"{step}{'MS' if start else 'ME'}"
            expected = (months[-1] - months[0]) // step + 1
    else:
        us = index.as_unit("us").asi8
        steps = np.diff(us)
        step = int(np.gcd.reduce(steps))
        if step > 0 and Counter(steps.tolist()).most_common(1)[0][0] == step:
            weekdays = index.day_of_week
            if step == _US["D"] and midnight and bool((weekdays < 5).all()) and bool((steps == 3 * step).any()):
                freq = "B"
                expected = int(np.busday_count(index[0].date(), index[-1].date())) + 1
            else:
                freq = _fixed_alias(step, int(weekdays[0]))
                expected = (us[-1] - us[0]) // step + 1
    if freq is None:
        return None, 0
    n_gaps = int(expected - n)
    if n_gaps > GAP_FILL_SHARE * n:  # don't build a huge grid just to check it
        return freq, n_gaps
    grid = pd.date_range(index[0], periods=n + n_gaps, freq=freq)
    if grid[-1] != index[-1] or not index.isin(grid).all():
        return None, 0
    return freq, n_gaps


def _fixed_alias(step_us: int, first_weekday: int) -> str | None:
    if step_us == 7 * _US["D"]:
        return f"W-{_WEEKDAYS[first_weekday]}"
    for unit in ("D", "h", "min", "s"):
        if step_us % _US[unit] == 0:
            k = step_us // _US[unit]
            return unit if k == 1 else f"{k}{unit}"
    return None


_SEASONS = {"MS": 12, "ME": 12, "M": 12, "QS": 4, "QE": 4, "Q": 4, "W": 52, "D": 7, "B": 5, "h": 24, "H": 24}
_FREQ_KEYS = {
    "YS": "year", "YE": "year", "Y": "year", "A": "year", "QS": "quarter", "QE": "quarter", "Q": "quarter",
    "MS": "month", "ME": "month", "M": "month", "W": "week", "D": "day", "B": "business_day",
    "h": "hour", "H": "hour", "min": "minute", "T": "minute", "s": "second", "S": "second",
}
_ALIAS = re.compile(r"(\d*)([A-Za-z]+)(?:-[A-Za-z]+)?")


def season_for(freq: str | None) -> int | None:
    """Return the steps per season of a pandas offset alias.

    Monthly 12, quarterly 4, weekly 52, daily 7, working days (``"B"``) 5,
    hourly 24; anything else (yearly, multiples such as ``"2h"``, None) None.

    Parameters
    ----------
    freq : str or None
        Pandas offset alias, such as ``Series.freq``.

    Returns
    -------
    int or None
    """
    return _SEASONS.get(single_step(freq))


def freq_label_key(freq: str | None) -> str | None:
    """Return the i18n key naming a time step (``"MS"`` → ``"data.freq.month"``), None if unknown.

    Parameters
    ----------
    freq : str or None
        Pandas offset alias, such as ``Series.freq``.

    Returns
    -------
    str or None
        A key of the ``data.freq.*`` messages.
    """
    unit = single_step(freq)
    return f"data.freq.{_FREQ_KEYS[unit]}" if unit in _FREQ_KEYS else None


def single_step(freq: str | None) -> str | None:
    """Return the unit of an alias that steps by one of it ("MS", "1D" → "MS", "D"); None for "2h", None …"""
    match = _ALIAS.fullmatch(freq or "")
    return match.group(2) if match is not None and match.group(1) in ("", "1") else None


def future_index(series: Series, horizon: int) -> pd.DatetimeIndex | np.ndarray:
    """Return the x positions of ``horizon`` steps after the end of ``series``.

    Parameters
    ----------
    series : Series
        From :func:`~lstm_viz.data.prepare_series`.
    horizon : int
        Steps to continue, at least 0.

    Returns
    -------
    pd.DatetimeIndex (horizon,)
        When the series has times: continued with ``series.freq``, or with the
        median step when the steps are irregular.
    int array (horizon,)
        ``N, N+1, ...`` when the series has no time.

    Raises
    ------
    LensError
        ``data.horizon`` when ``horizon`` is negative.
    """
    if horizon < 0:
        raise LensError("data.horizon", horizon=horizon)
    n = series.values.shape[0]
    if series.time is None:
        return np.arange(n, n + horizon)
    last = series.time[-1]
    if series.freq is not None:
        return pd.date_range(last, periods=horizon + 1, freq=series.freq)[1:]
    us = series.time.as_unit("us").asi8
    step = pd.Timedelta(int(np.median(np.diff(us))), unit="us") if n > 1 else pd.Timedelta(days=1)
    return pd.DatetimeIndex([last + step * k for k in range(1, horizon + 1)])
