"""The forecast chart of a long series opens on the test part and the forecast; the whole series stays one drag away."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_viz.figures.forecast import FOCUS_SHARE, focus_start, forecast_figure


def hourly(n: int = 8760) -> tuple[pd.DatetimeIndex, np.ndarray]:
    time = pd.date_range("2023-01-01", periods=n, freq="h")
    t = np.arange(n)
    return time, 50 + 10 * np.sin(2 * np.pi * t / 24) + 20 * np.sin(2 * np.pi * t / 8760)


def test_a_year_of_hours_opens_on_the_last_day_its_forecast_and_a_few_days_before():
    time, values = hourly()
    n, test, future = len(values), 24, 24
    n_train = n - test
    future_x = pd.date_range(time[-1], periods=future + 1, freq="h")[1:]
    fig = forecast_figure(time, values, n_train, test_pred=values[n_train:], future_x=future_x,
                          future=np.zeros(future), window=24)
    low, high = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert fig.layout.xaxis.rangeslider.visible  # the whole series is drawn below, and reachable
    assert low < time[n_train] and high >= future_x[-1]  # the test part and the forecast are in view …
    shown = (high - low) / pd.Timedelta(hours=1)
    assert (test + future) / shown >= 0.2  # … and fill a good part of it (not 0.5 % of the width)
    assert low > time[0]  # zoomed in: not the whole year


@pytest.mark.parametrize("future", [None, np.zeros(12)])  # the Train page draws no future, Forecast does
def test_a_short_series_still_opens_whole(future):
    values = np.sin(np.arange(144) / 3)
    fig = forecast_figure(pd.date_range("1949-01", periods=144, freq="MS"), values, 132, test_pred=values[132:],
                          future=future, window=12)
    assert fig.layout.xaxis.range is None and not fig.layout.xaxis.rangeslider.visible


def test_focus_start_zooms_only_below_the_share_and_keeps_history():
    assert focus_start(144, 132, 12, 12) == 0
    n, n_train = 8760, 8736
    start = focus_start(n, n_train, 24, 24)
    assert 0 < start < n_train and n_train - start == 3 * 48  # three times the focus of history
    assert focus_start(1000, 1000 - 40, 0, 300) == 1000 - 40 - 600  # at least two windows of history
    share_edge = round(FOCUS_SHARE * 1000)
    assert focus_start(1000, 1000 - share_edge, 0, 10) == 0
    assert focus_start(1000, 1000 - share_edge + 1, 0, 10) > 0
