"""Metrics against numbers worked out by hand, the verdict, and flat-line detection."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lstm_viz.errors import LensError
from lstm_viz.i18n import TABLES, tr
from lstm_viz.metrics import (
    flatness,
    is_flat,
    mae,
    mape,
    mase,
    metrics_table,
    naive_scale,
    rmse,
    smape,
    verdict,
)

Y_TRUE = np.array([2.0, 4.0, 0.0, 8.0])
Y_PRED = np.array([3.0, 2.0, 1.0, 8.0])  # |e| = 1, 2, 1, 0


def test_rmse_mae_by_hand():
    assert rmse(Y_TRUE, Y_PRED) == pytest.approx(math.sqrt((1 + 4 + 1 + 0) / 4))
    assert mae(Y_TRUE, Y_PRED) == pytest.approx(1.0)


def test_mape_skips_zero_actuals():
    # |e|/|y| over y != 0: 1/2, 2/4, 0/8 -> mean 1/3
    assert mape(Y_TRUE, Y_PRED) == pytest.approx(100 / 3)
    assert math.isnan(mape([0.0, 0.0], [1.0, 2.0]))


def test_smape_by_hand():
    # 2|e| / (|y| + |ŷ|): 2/5, 4/6, 2/1, 0/16
    expected = 100 * np.mean([2 / 5, 4 / 6, 2 / 1, 0.0])
    assert smape(Y_TRUE, Y_PRED) == pytest.approx(expected)
    assert smape([0.0, 1.0], [0.0, 1.0]) == 0.0  # both zero: skipped, not 0/0
    assert math.isnan(smape([0.0], [0.0]))


def test_mase_scaled_by_seasonal_naive_in_sample():
    y_train = np.array([1.0, 3.0, 2.0, 6.0, 4.0])
    # season 2: |2-1|, |6-3|, |4-2| -> 2 ; season 1: 2, 1, 4, 2 -> 9/4
    assert naive_scale(y_train, 2) == pytest.approx(2.0)
    assert naive_scale(y_train, None) == pytest.approx(9 / 4)
    assert naive_scale(y_train, 9) == pytest.approx(9 / 4)  # season too long: m = 1
    assert mase(Y_TRUE, Y_PRED, y_train, 2) == pytest.approx(1.0 / 2.0)
    assert mase(Y_TRUE, Y_PRED, y_train) == pytest.approx(1.0 / (9 / 4))
    assert math.isnan(mase(Y_TRUE, Y_PRED, np.ones(5), 1))  # a flat training part: no scale


def test_length_mismatch_refused():
    with pytest.raises(LensError) as err:
        rmse([1.0, 2.0], [1.0])
    assert err.value.key == "metrics.length"


def test_metrics_table():
    y_train = np.array([1.0, 3.0, 2.0, 6.0, 4.0])
    table = metrics_table(Y_TRUE, {"LSTM": Y_PRED, "last_value": np.full(4, 4.0)}, y_train, season=2)
    assert isinstance(table, pd.DataFrame)
    assert list(table.index) == ["LSTM", "last_value"]
    assert list(table.columns) == ["RMSE", "MAE", "MAPE", "sMAPE", "MASE"]
    assert table.loc["LSTM", "RMSE"] == pytest.approx(rmse(Y_TRUE, Y_PRED))
    assert table.loc["LSTM", "MASE"] == pytest.approx(0.5)
    assert table.loc["last_value", "MAE"] == pytest.approx((2 + 0 + 4 + 4) / 4)


def _table(lstm: float, **baselines: float) -> pd.DataFrame:
    rows = {"LSTM": lstm, **baselines}
    return pd.DataFrame({"RMSE": rows.values()}, index=list(rows.keys()))


def test_verdict_beats_best_baseline():
    key, params = verdict(_table(77.0, seasonal_naive=100.0, last_value=150.0))
    assert key == "metrics.verdict.beats"
    assert params["baseline_id"] == "seasonal_naive" and params["pct"] == pytest.approx(23.0)
    text = tr(key, "en", **params)
    assert "same point last season" in text and "23 %" in text
    zh_key, zh_params = verdict(_table(77.0, seasonal_naive=100.0), lang="zh")
    assert "上一季节同期值" in tr(zh_key, "zh", **zh_params)


def test_verdict_loses_to_strongest_baseline_with_advice():
    key, params = verdict(_table(120.0, seasonal_naive=100.0, last_value=200.0))
    assert key == "metrics.verdict.loses" and params["pct"] == pytest.approx(20.0)
    assert "epochs" in tr(key, "en", **params)
    # The strongest baseline counts, even if the model beats a weaker one.
    key, params = verdict(_table(120.0, last_value=110.0, train_mean=300.0))
    assert key == "metrics.verdict.loses" and params["baseline_id"] == "last_value"


def test_verdict_edge_cases():
    assert verdict(_table(100.0, seasonal_naive=100.0))[0] == "metrics.verdict.ties"
    assert verdict(_table(float("nan"), seasonal_naive=100.0))[0] == "metrics.verdict.unknown"
    assert verdict(_table(1.0))[0] == "metrics.verdict.no_baseline"
    key, params = verdict(_table(5.0, my_rule=10.0), model_name="LSTM")
    assert key == "metrics.verdict.beats" and params["baseline"] == "my_rule"  # unknown names pass through


def test_is_flat():
    actual = 1000 + 100 * np.sin(np.arange(24))
    assert is_flat(np.full(24, 1000.0), actual)
    assert is_flat(1000 + 5 * np.sin(np.arange(24)), actual)
    assert not is_flat(1000 + 60 * np.sin(np.arange(24)), actual)
    assert not is_flat(np.full(5, 3.0), np.full(5, 3.0))  # nothing to follow: not "flat"
    assert flatness(1000 + 5 * np.sin(np.arange(24)), actual) == pytest.approx(0.05)
    text = tr("metrics.flat", "en", pct=5.0)
    assert "flat" in text and "5 %" in text


def test_message_keys_exist_in_both_languages():
    keys = [
        "metrics.verdict.beats", "metrics.verdict.ties", "metrics.verdict.loses",
        "metrics.verdict.unknown", "metrics.verdict.no_baseline", "metrics.flat", "metrics.length",
        "forecast.horizon", "training.window",
    ] + [f"training.status.{s}" for s in ("ready", "running", "done", "stopped", "diverged")]
    for key in keys:
        assert key in TABLES["en"] and key in TABLES["zh"]
