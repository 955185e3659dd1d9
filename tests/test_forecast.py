"""Forecasts: shapes, original units, recursive feedback, baselines by hand."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.forecast import (
    MODEL_NAME,
    baselines,
    fitted_values,
    forecast_all,
    one_step_test,
    predict_scaled,
    recursive_test,
    rollout,
    rollout_scaled,
)
from lstm_viz.models import build_model
from lstm_viz.training import Trainer
from lstm_viz.windows import split_series

SEASON = 12


@pytest.fixture(scope="module")
def split():
    t = np.arange(84)
    values = 1000.0 + 3.0 * t + 80.0 * np.sin(2 * np.pi * t / SEASON)
    return split_series(values, window=SEASON, test_size=SEASON)


@pytest.fixture(scope="module")
def model(split):
    trainer = Trainer(split, Config(hidden_size=8, epochs=30, batch_size=16, lr=0.02))
    list(trainer)
    return trainer.model


def test_shapes_and_original_units(model, split):
    result = forecast_all(model, split, horizon=7, season=SEASON)
    assert result.fitted.shape == (split.n_train - split.window,)
    assert result.test_one_step.shape == result.test_recursive.shape == (SEASON,)
    assert result.future.shape == (7,)
    for name in ("last_value", "seasonal_naive", "train_mean"):
        assert result.baselines[name].shape == result.baselines_one_step[name].shape == (SEASON,)
    # The series lives around 1000-1300: so must every forecast (not around 0, the scaled level).
    for arr in (result.fitted, result.test_one_step, result.test_recursive, result.future):
        assert arr.dtype == np.float64 and np.all((arr > 700) & (arr < 1700))
    assert list(result.predictions()) == [MODEL_NAME, "last_value", "seasonal_naive", "train_mean"]
    np.testing.assert_array_equal(result.predictions(recursive=False)[MODEL_NAME], result.test_one_step)


def test_one_step_predictions_match_per_window_model_calls(model, split):
    with torch.no_grad():
        k = 3
        single = model(torch.from_numpy(split.X_test[:, k : k + 1]))[0, 0].item()
    assert one_step_test(model, split)[k] == pytest.approx(split.scaler.inverse(single), rel=1e-5)
    fitted = fitted_values(model, split)
    assert fitted[0] == pytest.approx(
        split.scaler.inverse(predict_scaled(model, split.X_train[:, :1]))[0], rel=1e-6
    )


def test_prediction_restores_train_mode_and_uses_eval():
    cfg = Config(hidden_size=8, num_layers=2, dropout=0.5)
    model = build_model(cfg)
    x = np.random.default_rng(0).normal(size=(SEASON, 5, 1)).astype(np.float32)
    model.train()
    first, second = predict_scaled(model, x), predict_scaled(model, x)
    np.testing.assert_array_equal(first, second)  # no dropout noise: eval mode
    assert model.training


def test_rollout_feeds_predictions_back(model, split):
    horizon = 5
    got = rollout_scaled(model, split.scaled[-SEASON:], horizon)
    window = list(split.scaled[-SEASON:].astype(np.float32))
    manual = []
    with torch.no_grad():
        for _ in range(horizon):
            x = torch.tensor(window[-SEASON:], dtype=torch.float32).view(SEASON, 1, 1)
            y = model(x)[0, 0].item()
            manual.append(y)
            window.append(y)
    np.testing.assert_allclose(got, manual, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(rollout(model, split, horizon), split.scaler.inverse(np.array(manual)), rtol=1e-6)


def test_recursive_test_starts_at_end_of_training(model, split):
    rec = recursive_test(model, split)
    one = one_step_test(model, split)
    # The first step reads only actual training values: identical to the one-step forecast.
    assert rec[0] == pytest.approx(one[0], rel=1e-6)
    expected = rollout(model, split, split.test_size, start=split.n_train)
    np.testing.assert_array_equal(rec, expected)


def test_rollout_uses_a_stub_model_exactly():
    class SumOfWindow(nn.Module):  # y = mean of the window: easy to follow by hand
        def forward(self, x):
            return x.mean(dim=0)

    got = rollout_scaled(SumOfWindow(), np.array([1.0, 2.0, 3.0]), 3)
    # 2 = mean(1,2,3); then mean(2,3,2) = 7/3; then mean(3, 2, 7/3) = 22/9
    np.testing.assert_allclose(got, [2.0, 7 / 3, 22 / 9], rtol=1e-6)
    with pytest.raises(LensError) as err:
        rollout_scaled(SumOfWindow(), np.array([1.0, 2.0]), 0)
    assert err.value.key == "forecast.horizon"


def test_baselines_on_a_tiny_series():
    values = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30.0])
    split = split_series(values, window=2, test_size=3)  # train 1..9, test 10, 20, 30
    multi = baselines(split, season=4)
    np.testing.assert_array_equal(multi["last_value"], [9, 9, 9])
    np.testing.assert_array_equal(multi["seasonal_naive"], [6, 7, 8])  # the last season: 6 7 8 9
    np.testing.assert_allclose(multi["train_mean"], [5, 5, 5])
    one = baselines(split, season=4, one_step=True)
    np.testing.assert_array_equal(one["last_value"], [9, 10, 20])
    np.testing.assert_array_equal(one["seasonal_naive"], [6, 7, 8])
    # A season of 2 repeats itself over a longer test part.
    np.testing.assert_array_equal(baselines(split, season=2)["seasonal_naive"], [8, 9, 8])
    np.testing.assert_array_equal(baselines(split, season=2, one_step=True)["seasonal_naive"], [8, 9, 10])
    # No season, a season of 1, or one longer than the training part: no seasonal row at all
    # (it would be the last value under another name).
    for season in (None, 1, 10):
        for one_step in (False, True):
            assert list(baselines(split, season=season, one_step=one_step)) == ["last_value", "train_mean"]


def test_gap_filled_monthly_series_reads_the_same_month_a_year_earlier():
    from lstm_viz.data import prepare_series, read_table

    months = pd.date_range("2004-01-01", "2009-12-01", freq="MS")
    values = 100.0 + months.month * 10.0 + (months.year - 2004) * 1000.0  # month and year readable
    keep = ~months.isin(pd.to_datetime(["2005-03-01", "2006-07-01", "2007-04-01", "2008-09-01"]))
    text = "month,value\n" + "".join(f"{m:%Y-%m},{v}\n" for m, v in zip(months[keep], values[keep]))
    series = prepare_series(read_table(text.encode(), "gappy.csv"), "value", time_column="month")
    assert series.season == 12 and len(series.values) == len(months)  # the gaps were filled first
    split = split_series(series.values, window=12, test_size=12)
    axis = pd.DatetimeIndex(series.time)
    t_jan = int(np.flatnonzero(axis == pd.Timestamp("2009-01-01"))[0]) - split.n_train
    for one_step in (False, True):
        seasonal = baselines(split, season=series.season, one_step=one_step)["seasonal_naive"]
        assert seasonal[t_jan] == 100.0 + 10.0 + 4 * 1000.0  # 2008-01, not a row 12 back


def test_too_many_gaps_left_unfilled_means_no_season_and_a_note():
    from lstm_viz.data import prepare_series, read_table

    months = pd.date_range("2000-01-01", periods=96, freq="MS")
    keep = np.r_[0:30, 60:96]  # 30 of 96 months missing: too many to fill in
    text = "month,value\n" + "".join(f"{m:%Y-%m},{k}\n" for k, m in enumerate(months[keep]))
    series = prepare_series(read_table(text.encode(), "holes.csv"), "value", time_column="month")
    assert series.season is None
    assert "data.note.season_off_grid" in [key for key, _ in series.report.notes]
