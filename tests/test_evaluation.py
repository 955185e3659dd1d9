"""Rolling-origin backtest, verdicts with their spread, too-few-points and learning warnings."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from lstm_viz import workspace
from lstm_viz.config import Config
from lstm_viz.metrics import display_name
from lstm_viz.evaluation import (
    MIN_VERDICT_POINTS, backtest, backtest_verdict, learning_warnings, origins,
)
from lstm_viz.figures import backtest_figure
from lstm_viz.i18n import tr
from lstm_viz.models import build_model
from lstm_viz.windows import split_series


def small_series(n: int = 60) -> np.ndarray:
    t = np.arange(n)
    return 50.0 + t + 10.0 * np.sin(2 * np.pi * t / 6) + np.random.default_rng(1).normal(0, 1, n)


def test_backtest_equals_a_hand_computed_loop():
    values = small_series()
    split = split_series(values, window=6, test_size=12, val_size=6)
    model = build_model(Config(hidden_size=5, window=6, seed=3))
    result = backtest(model, split, season=6)
    assert result.horizon == 6 and list(result.origins) == [48, 49, 50, 51, 52, 53, 54]
    # By hand: scale, roll the model forward step by step, unscale, compare; same for the baselines.
    lo, hi = values[:42].min(), values[:42].max()
    shift, scale = (lo + hi) / 2, (hi - lo) / 2
    for k, o in enumerate(range(48, 55)):
        window = list((values[o - 6:o] - shift) / scale)
        preds = []
        with torch.no_grad():
            for _ in range(6):
                x = torch.tensor(window[-6:], dtype=torch.float32).view(6, 1, 1)
                window.append(float(model.eval()(x)[0, 0]))
                preds.append(window[-1] * scale + shift)
        actual = values[o:o + 6]
        assert result.rmse["LSTM"][k] == pytest.approx(np.sqrt(np.mean((actual - preds) ** 2)), rel=1e-5)
        assert result.rmse["last_value"][k] == pytest.approx(np.sqrt(np.mean((actual - values[o - 1]) ** 2)))
        assert result.rmse["seasonal_naive"][k] == pytest.approx(np.sqrt(np.mean((actual - values[o - 6:o]) ** 2)))
    key, params = backtest_verdict(result, split.test_size)
    best = min(("last_value", "seasonal_naive"), key=lambda n: result.rmse[n].mean())
    assert key == "eval.backtest.verdict" and params["k"] == 7
    assert params["wins"] == int(np.sum(result.rmse["LSTM"] < result.rmse[best]))
    assert params["mean"] == pytest.approx(result.rmse["LSTM"].mean())
    assert params["std"] == pytest.approx(np.std(result.rmse["LSTM"], ddof=1))
    text = tr(key, "en", **params)
    assert f"at {params['wins']} of 7 origins" in text and "±" in text
    fig = backtest_figure(np.arange(7), result.rmse)
    assert {tr.name for tr in fig.data} >= {"LSTM"} and len(fig.data) == 3


def test_no_seasonal_baseline_in_a_backtest_without_a_season():
    split = split_series(small_series(), window=6, test_size=12)
    result = backtest(build_model(Config(hidden_size=3, window=6)), split, season=None)
    assert set(result.rmse) == {"LSTM", "last_value"}


def test_origins_are_spread_and_bounded():
    assert list(origins(100, 112, 6)) == list(range(100, 107))
    assert len(origins(100, 200, 10, max_origins=12)) == 12
    assert origins(100, 200, 10)[-1] == 190 and origins(100, 200, 10)[0] == 100
    assert len(origins(10, 11, 2)) == 0


def test_a_tiny_series_gets_too_few_points_for_a_verdict():
    ws = workspace.Workspace()
    text = "t,value\n" + "".join(f"{k},{v}\n" for k, v in enumerate([3, 5, 4, 6, 5, 7, 6, 8, 7, 9]))
    dataset = workspace.load_upload(ws, text.encode(), "tiny.csv")
    workspace.set_split(ws, 2, 2, val_size=0)
    workspace.train_to_end(ws, Config(hidden_size=4, window=2, epochs=3, num_threads=1))
    view = workspace.forecast(ws)
    assert dataset.n_points == 10 and view.verdict[0] == "eval.verdict.too_few"
    assert view.backtest_verdict[0] == "eval.verdict.too_few"
    message = tr(*view.verdict[:1], "en", **view.verdict[1])
    assert "Too few test points" in message and "%" not in message
    assert view.verdict[1]["need"] == MIN_VERDICT_POINTS


def test_airline_forecast_view_carries_a_backtest():
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(epochs=2, hidden_size=4))
    view = workspace.forecast(ws)
    assert view.backtest.n_origins == 7 and view.backtest.horizon == 6
    assert view.backtest_verdict[0] == "eval.backtest.verdict"
    assert view.backtest_verdict[1]["baseline"] in (display_name("seasonal_naive"), display_name("last_value"))
    assert view.verdict[0].startswith("metrics.verdict.")


def test_warnings_for_splits_that_leave_too_little_to_learn_from():
    assert learning_warnings(144, 12, 12, 12) == []
    keys = [k for k, _ in learning_warnings(144, 128, 12)]
    assert "eval.warn.window" in keys and "eval.warn.few_windows" in keys
    keys = [k for k, _ in learning_warnings(144, 2, 130)]
    assert "eval.warn.test" in keys and "eval.warn.window" not in keys


def test_pages_show_the_split_the_best_epoch_and_the_backtest_in_both_languages():
    from tests.app_session import trained_session

    at = trained_session()
    run = at.session_state["ws"].run
    assert run.cfg.diff == 12 and run.split.val_size == 12  # the Home quick start's defaults
    captions = " ".join(c.value for c in at.caption)
    assert f"Best epoch by validation loss: {run.trainer.best_epoch}" in captions
    at.switch_page("pages/data.py").run()
    assert not at.exception and at.number_input(key="data.val_size").value == 12
    assert any("Validation part: 12 points" in c.value for c in at.caption)
    at.switch_page("pages/forecast.py").run()
    assert not at.exception
    said = " ".join(m.value for m in [*at.success, *at.warning, *at.info])
    assert "of 7 origins" in said and "±" in said
    assert any("never used in training" in c.value for c in at.caption)
    at.segmented_control(key="lang").set_value("zh").run()
    assert not at.exception
    said = " ".join(m.value for m in [*at.success, *at.warning, *at.info])
    assert "7 个起点" in said
