"""Chinese date ticks ("1959年1月", not "Jan 1959") on every date axis, and nothing changed on other axes."""
from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_viz.figures import forecast_figure, gates_figure
from lstm_viz.figures.dates import date_axes, localize_dates
from lstm_viz.figures_teach import loss_curves_figure
from lstm_viz.recorder import record
from torch import nn


def monthly(n: int = 48) -> pd.DatetimeIndex:
    return pd.date_range("1959-01-01", periods=n, freq="MS")


def test_chinese_date_axes_get_year_and_month_numbers_at_every_zoom():
    fig = localize_dates(forecast_figure(monthly(), np.arange(48.0), 36), "zh")
    stops = fig.layout.xaxis.tickformatstops
    assert stops and all("%b" not in s.value and "%B" not in s.value for s in stops)  # no English month names
    by_range = {tuple(s.dtickrange): s.value for s in stops}
    assert by_range[("M1", "M12")] == "%Y年%-m月" and by_range[("M12", None)] == "%Y年"
    assert fig.layout.xaxis.hoverformat == "%Y年%-m月"  # a monthly series: no day in the hover


def test_english_keeps_plotlys_own_dates_and_number_axes_are_left_alone():
    fig = localize_dates(forecast_figure(monthly(), np.arange(48.0), 36), "en")
    assert not fig.layout.xaxis.tickformatstops
    epochs = np.arange(1, 6)
    losses = localize_dates(loss_curves_figure({"lstm": (epochs, 1 / epochs, None)}), "zh")
    assert date_axes(losses) == {} and not losses.layout.xaxis.tickformatstops


def test_the_gates_heatmaps_time_axis_is_localized_too():
    core = nn.LSTM(1, 3)
    trace = record(core, np.zeros((12, 1), np.float32))
    fig = localize_dates(gates_figure(trace.layer(-1), np.zeros(12), time=monthly(12), lang="zh"), "zh")
    axes = date_axes(fig)
    assert axes and all(fig.layout[name].tickformatstops for name in axes)
