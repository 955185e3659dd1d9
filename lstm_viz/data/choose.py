"""First choices for a file nobody has set up: which column to forecast, its season, how much to hold out.

Rows are not time: 28 rows are four weeks of a daily series and seven years of
a quarterly one. So the season and the test part are chosen from the series'
frequency *in time* (:func:`season_in_time`, :func:`split_in_time`), and a
weekly season is taken only when the data shows one. :func:`default_target`
picks a column worth forecasting; :func:`is_short` says when a series leaves
too little room to learn from.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_viz.data.columns import is_counter
from lstm_viz.data.freq import single_step, season_for

# Test part, window and horizon per time step, in steps: about four weeks of days, two days of
# hours, a year of months or quarters. Steps not listed fall back to a share of the rows.
_TEST_SPAN = {"D": 28, "B": 20, "W": 13, "MS": 12, "ME": 12, "QS": 4, "QE": 4, "h": 48, "min": 60, "s": 60}
_WINDOW_SPAN = {"D": 14, "B": 10, "W": 8, "MS": 12, "ME": 12, "QS": 4, "QE": 4, "h": 24, "min": 30, "s": 30}
_HORIZON_SPAN = {"D": 14, "B": 10, "W": 8, "MS": 12, "ME": 12, "QS": 4, "QE": 4, "h": 24, "min": 30, "s": 30}
# A short season that must show in the data, and the long one to fall back on where the span allows.
_SHOWN_SEASON = {"D": 7, "B": 5, "h": 24}
_LONG_SEASON = {"D": 365, "B": 260, "h": 168, "W": 52}
MAX_WINDOW = 64  # a first window longer than this makes a slow first run for little gain
SHORT_WINDOWS = 3  # a series shorter than this many windows plus its test part is "very short"
SHORT_MIN_WINDOW = 4  # ... counting a window of at least 4: a window of 2 chosen for a tiny series hides nothing


def autocorrelation(values: np.ndarray, max_lag: int) -> np.ndarray:
    """Return the sample autocorrelation of ``values`` at lags ``0..max_lag``.

    Parameters
    ----------
    values : float array (N,)
        Finite values.
    max_lag : int

    Returns
    -------
    float array (max_lag + 1,)
        ``acf[0] == 1``; zeros for a constant series or lags past ``N - 1``.
    """
    x = np.asarray(values, dtype=float)
    x = x - x.mean()
    denominator = float(x @ x)
    acf = np.zeros(max_lag + 1)
    if denominator == 0.0:
        return acf
    for lag in range(min(max_lag, x.shape[0] - 1) + 1):
        acf[lag] = float(x[: x.shape[0] - lag] @ x[lag:]) / denominator
    return acf


def shows_season(values: np.ndarray, lag: int) -> bool:
    """Say whether ``values`` clearly repeat a pattern every ``lag`` steps (days of the week, hours of the day).

    Classical decomposition: take away a centred moving median over ``lag``
    steps (the level, the trend and any slower swing, such as the year), rank
    what is left (a median and ranks: one wild value cannot make or break a season), and ask
    how much of it the position in the cycle explains (η², between-position
    over total sum of squares). A season must be both real (F statistic above
    5: chance gives about 1) and big enough to matter (η² above 0.1). Daily
    temperatures fail this; daily shop sales, busy at weekends, pass.
    """
    x = np.asarray(values, dtype=float)
    if x.shape[0] < 3 * lag:  # three repeats, at least, before calling it a season
        return False
    trend = pd.Series(x).rolling(lag, center=True).median().to_numpy()
    keep = np.isfinite(trend)
    rest = pd.Series(x[keep] - trend[keep]).rank().to_numpy()
    position = np.flatnonzero(keep) % lag
    total = float(((rest - rest.mean()) ** 2).sum())
    if total == 0.0:
        return False
    means = np.bincount(position, weights=rest, minlength=lag) / np.maximum(np.bincount(position, minlength=lag), 1)
    between = float(((means[position] - rest.mean()) ** 2).sum())
    eta2 = between / total
    m = rest.shape[0]
    f_stat = (eta2 / (lag - 1)) / max((1.0 - eta2) / (m - lag), 1e-12)
    return bool(f_stat > 5.0 and eta2 > 0.1)


def season_in_time(values: np.ndarray, freq: str | None) -> int | None:
    """Return the steps per season, from the frequency in time and what the data shows.

    A daily series gets a weekly season (7) only if :func:`shows_season` finds
    it, otherwise a yearly one (365) where it spans two years, otherwise none;
    likewise working days (5, else 260) and hours (24, else a week of 168).
    Monthly, quarterly and weekly series keep their calendar season (12, 4, 52)
    when they span two of them.

    Parameters
    ----------
    values : float array (N,)
    freq : str or None
        Pandas offset alias (``Series.freq``).

    Returns
    -------
    int or None
    """
    unit = single_step(freq)
    n = int(np.asarray(values).shape[0])
    if unit in _SHOWN_SEASON and shows_season(values, _SHOWN_SEASON[unit]):
        return _SHOWN_SEASON[unit]
    if unit in _LONG_SEASON:
        return _LONG_SEASON[unit] if n >= 2 * _LONG_SEASON[unit] else None
    season = season_for(freq)
    return season if season is not None and n >= 2 * season else None


def split_in_time(n_points: int, freq: str | None, season: int | None) -> tuple[int, int, int] | None:
    """Suggest (window, test_size, horizon) from the time step: four weeks of days, a year of months …

    The window is the season when it is short enough (at most :data:`MAX_WINDOW`)
    and the series holds five of them, else a span that suits the step (two
    weeks of days, a day of hours). The test part is held to a quarter of the series.

    Parameters
    ----------
    n_points : int
    freq : str or None
        Pandas offset alias; None (or an unlisted step, such as years) gives None.
    season : int or None

    Returns
    -------
    (int, int, int) or None
        None when the step says nothing; the caller then splits by rows.
    """
    unit = single_step(freq)
    if unit not in _TEST_SPAN:
        return None
    if season and 2 <= season <= MAX_WINDOW and n_points >= 5 * season:
        window = season
    else:
        window = _WINDOW_SPAN[unit]
    test_size = max(1, min(_TEST_SPAN[unit], n_points // 4))
    horizon = max(1, min(_HORIZON_SPAN[unit], test_size))
    window = max(2, min(window, MAX_WINDOW))  # the caller shrinks it if the series cannot hold it
    return window, test_size, horizon


def short_need(window: int, test_size: int) -> int:
    """Return how many points a series needs not to be very short: three windows (of at least 4) plus the test part."""
    return SHORT_WINDOWS * max(int(window), SHORT_MIN_WINDOW) + int(test_size)


def is_short(n_points: int, window: int, test_size: int) -> bool:
    """Say whether a series is very short: fewer points than :func:`short_need`."""
    return n_points < short_need(window, test_size)


def default_target(frame: pd.DataFrame, candidates: list[str]) -> str:
    """Pick the column to forecast first.

    The rule: a column worth forecasting follows on from itself, so score each
    column by its lag-1 autocorrelation times its share of non-zero values (a
    rain column is mostly dry days, a count column mostly zeros: little for a
    first lesson to learn), and take the first column in file order that
    scores within 0.05 of the best. Seattle weather's ``precipitation`` comes
    first in the file but scores about 0.2; ``temp_max`` scores about 0.9 and
    is picked. A row counter (0, 1, 2 … or any fixed step) follows on from
    itself perfectly but is no series: it scores below every real column, as do
    columns with fewer than 10 values.

    Parameters
    ----------
    frame : pd.DataFrame
        ``Table.frame``, rows in file order.
    candidates : list of str
        Numeric columns, in the order to prefer on a tie (``Table.numeric_columns``).

    Returns
    -------
    str
        One of ``candidates`` (which must not be empty).
    """
    scores = []
    for column in candidates:
        values = frame[column].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if values.shape[0] < 10 or is_counter(values):
            scores.append(-np.inf)
            continue
        # Scaled first: values near the float limit would overflow the products (the score is scale-free).
        with np.errstate(all="ignore"):
            score = autocorrelation(values / np.max(np.abs(values)), 1)[1] * float(np.mean(values != 0.0))
        scores.append(score if np.isfinite(score) else -np.inf)
    best = max(scores)
    return next(c for c, s in zip(candidates, scores) if s >= best - 0.05)
