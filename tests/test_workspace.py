"""The per-user session logic, without Streamlit: data sets, runs, promotion, Stop, gate views, forecasts, files."""
from __future__ import annotations

import io
import time

import numpy as np
import pandas as pd
import pytest

from lstm_viz import workspace
from lstm_viz.workspace import history
from lstm_viz.numbers import format_number
from lstm_viz.config import COMPUTE_BUDGET_S, Config
from lstm_viz.errors import LensError
from lstm_viz.windows import split_series
from lstm_viz.samples import SAMPLES, sample_bytes
from lstm_viz.budget import compute_cost

TINY = Config(hidden_size=4, window=12, epochs=3, lr=0.01, batch_size=32, seed=0, max_snapshots=3, num_threads=1)
GOOD_CSV = "date,value\n" + "\n".join(f"2020-01-{d:02d},{np.sin(d / 3):.4f}" for d in range(1, 31))


def airline() -> workspace.Workspace:
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    return ws


def trained(epochs: int = 3) -> workspace.Workspace:
    ws = airline()
    workspace.train_to_end(ws, TINY.replace(epochs=epochs))
    return ws


# -- data sets -----------------------------------------------------------------------


@pytest.mark.parametrize("key", list(SAMPLES))
def test_every_sample_loads_with_a_trainable_default(key):
    ws = workspace.Workspace()
    dataset = workspace.load_sample(ws, key)
    assert ws.dataset is dataset and dataset.n_points >= workspace.min_points(dataset.window, dataset.test_size)
    cfg = workspace.recommended_config(dataset)
    assert cfg.validate() is cfg and cfg.num_threads == 1
    n_windows = dataset.n_points - dataset.test_size - cfg.window
    assert compute_cost(cfg, n_windows) <= COMPUTE_BUDGET_S / 10  # a first run takes seconds, not the whole budget


def test_a_bad_upload_keeps_the_previous_data_set():
    ws = airline()
    before = ws.dataset
    for data, name in [(b"", "empty.csv"), (b"\x00\x01\x02binary", "bad.csv"), (b"a,b\nx,y\nz,w\n", "text.csv"),
                       (b"date,v\n2020-01-01,1\n2020-01-02,2\n", "short.csv")]:
        with pytest.raises(LensError) as info:
            workspace.load_upload(ws, data, name)
        assert info.value.message("en") and info.value.message("zh")
        assert ws.dataset is before


def test_an_upload_too_large_is_refused_before_reading():
    ws = airline()
    with pytest.raises(LensError) as info:
        workspace.load_upload(ws, b"0" * (workspace.MAX_UPLOAD_BYTES + 1), "huge.csv")
    assert info.value.key == "ws.too_big" and ws.dataset.name == "airline"


def test_a_good_upload_becomes_the_data_set_with_suggested_split():
    ws = airline()
    dataset = workspace.load_upload(ws, GOOD_CSV.encode(), "good.csv")
    assert ws.dataset is dataset and dataset.source == "upload" and dataset.n_points == 30
    assert dataset.time_column == "date" and dataset.target == "value"
    assert 1 <= dataset.test_size and dataset.n_points >= workspace.min_points(dataset.window, dataset.test_size)


def test_a_long_format_file_picks_a_series_and_can_switch():
    ws = workspace.Workspace()
    dataset = workspace.load_upload(ws, sample_bytes("stocks_long"), "stocks_long.csv")
    assert dataset.series_column == "symbol" and dataset.series_name == "GOOG"
    names = workspace.series_names(dataset.table, "symbol")
    other = workspace.choose_columns(ws, dataset.target, dataset.time_column, "symbol", names[1])
    assert other.series_name == names[1] and not np.allclose(other.series.values, dataset.series.values)


def test_choosing_impossible_columns_keeps_the_series():
    ws = airline()
    before = ws.dataset
    with pytest.raises(LensError):
        workspace.choose_columns(ws, "no such column", "Month")
    assert ws.dataset is before


def test_set_split_checks_and_keeps_values_on_refusal():
    ws = airline()
    workspace.set_split(ws, 24, 6)
    assert (ws.dataset.test_size, ws.dataset.horizon) == (24, 6)
    with pytest.raises(LensError):
        workspace.set_split(ws, 0, 6)
    with pytest.raises(LensError):
        workspace.set_split(ws, 500, 6)
    assert (ws.dataset.test_size, ws.dataset.horizon) == (24, 6)


# -- runs ------------------------------------------------------------------------------


def test_a_new_run_replaces_the_model_only_after_its_first_epoch():
    ws = trained()
    old = ws.run
    candidate = workspace.start_run(ws, TINY.replace(epochs=5, seed=1))
    assert ws.run is old and ws.candidate is candidate and ws.training
    workspace.advance(ws, 0.0)  # a zero slice trains one batch: the first epoch is not over yet
    assert ws.run is old and candidate.epochs_done == 0 and candidate.trainer.optimizer_steps == 1
    while candidate.epochs_done == 0:
        workspace.advance(ws, 0.0)
    assert ws.run is candidate and candidate.epochs_done == 1


def test_stop_before_the_first_epoch_keeps_the_old_model():
    ws = trained()
    old = ws.run
    workspace.start_run(ws, TINY.replace(epochs=5, seed=1))
    assert workspace.stop_run(ws) is False
    assert ws.run is old and ws.candidate is None and not ws.training


def test_stop_keeps_the_partial_model():
    ws = airline()
    workspace.start_run(ws, TINY.replace(epochs=2000))
    workspace.advance(ws, 0.05)
    assert workspace.stop_run(ws) is True
    assert ws.run.status == "stopped" and 1 <= ws.run.epochs_done < 2000 and ws.candidate is None
    assert ws.run.snapshots and ws.run.snapshots[-1].epoch == ws.run.epochs_done


@pytest.mark.parametrize("changes", [dict(epochs=5000, hidden_size=512), dict(hidden_size=0), dict(lr=5.0),
                                     dict(window=200)])
def test_refused_settings_change_nothing(changes):
    ws = trained()
    old, cfg = ws.run, ws.cfg
    with pytest.raises(LensError):
        workspace.start_run(ws, TINY.replace(**changes))
    assert ws.run is old and ws.candidate is None and ws.cfg == cfg


def test_background_training_finishes_and_stop_does_not_wait_for_the_end():
    ws = airline()
    workspace.start_run(ws, TINY.replace(epochs=3))
    workspace.train_in_background(ws).wait(30)
    assert not ws.training and ws.run.status == "done" and ws.run.epochs_done == 3

    workspace.start_run(ws, TINY.replace(epochs=5000, hidden_size=8))
    job = workspace.train_in_background(ws)
    # One job per run. (Asked of this long run: the 3-epoch one above may end before a second call, which then
    # rightly finds nothing in flight.)
    assert workspace.train_in_background(ws) is job
    deadline = time.perf_counter() + 20
    while (ws.candidate is not None and ws.candidate.epochs_done < 2) and time.perf_counter() < deadline:
        time.sleep(0.02)
    assert workspace.stop_run(ws)
    kept = ws.run.epochs_done
    assert ws.run.status == "stopped" and 2 <= kept < 5000
    assert ws.candidate is None  # Stop returned without waiting for the 5000 epochs, and nothing trains on


def test_model_summary_follows_the_run():
    ws = airline()
    assert workspace.model_summary(ws)[0] == "ws.model.none"
    workspace.train_to_end(ws, TINY)
    key, params = workspace.model_summary(ws)
    assert key == "ws.model.done" and params["epoch"] == 3
    assert params["train_loss"] == format_number(ws.run.last.train_loss)  # text for people, e.g. "0.0312"
    assert workspace.data_summary(ws)[1]["n"] == 144


# -- what the pages show -----------------------------------------------------------------


def test_gate_trace_of_a_test_window_and_of_the_whole_series():
    ws = trained()
    view = workspace.gate_trace(ws, 0)
    layer = view.trace.layer(-1)
    assert layer["f"].shape == (12, 4) and view.inputs.shape == (12,) and len(view.axis) == 12
    split = ws.run.split
    # the first test window ends just before the first test point
    assert view.positions[-1] == split.n_train - 1
    np.testing.assert_allclose(view.inputs, split.values[split.n_train - 12 : split.n_train])
    whole = workspace.gate_trace(ws, "series")
    assert whole.trace.layer(0)["c"].shape == (144, 4) and not whole.truncated
    last = workspace.gate_trace(ws, 999)  # clipped to the last test window
    assert last.positions[-1] == 142



def test_a_test_window_label_names_the_times_the_gates_view_shows():
    ws = trained()
    axis = workspace.series_axis(ws.run.dataset.series)
    for k in (0, 5):
        view = workspace.gate_trace(ws, k)
        label = workspace.window_times(ws.run, k)
        assert workspace.window_start(ws.run, k) == view.positions[0]
        assert label == {"k": k + 1, "start": str(view.axis[0])[:10], "end": str(view.axis[-1])[:10],
                         "target": str(axis[ws.run.split.n_train + k])[:10]}

def test_the_whole_series_view_is_capped(monkeypatch):
    ws = trained()
    monkeypatch.setattr(workspace.views, "MAX_SERIES_STEPS", 50)
    view = workspace.gate_trace(ws, "series")
    assert view.truncated and len(view.positions) == 50 and view.positions[-1] == 143


def test_forecast_view_has_scores_a_verdict_and_is_cached():
    ws = trained()
    view = workspace.forecast(ws)
    assert list(view.table.index[:1]) == ["LSTM"] and {"seasonal_naive", "last_value"} <= set(view.table.index)
    assert view.verdict[0].startswith("metrics.verdict.") and view.horizon == 12
    assert view.result.future.shape == (12,)
    assert workspace.forecast(ws).result is view.result
    workspace.set_split(ws, ws.dataset.test_size, 5)
    assert workspace.forecast(ws).result.future.shape == (5,)



def test_the_predictions_download_continues_the_series_over_the_forecast_view_horizon():
    ws = trained()
    view = workspace.forecast(ws)
    table = pd.read_csv(io.BytesIO(workspace.predictions_file(ws)))
    n = len(ws.run.split.values)
    assert len(table) == n + view.horizon and list(table["part"].iloc[n:]) == ["future"] * view.horizon
    assert list(table["time"].iloc[n:]) == [t.strftime("%Y-%m-%d") for t in view.future_axis]
    np.testing.assert_allclose(table["recursive"].iloc[n:], view.result.future, rtol=1e-6)
    cfg = ws.run.cfg
    assert history.file_stem(ws, ws.run) == f"Passengers_run1_{cfg.cell}{cfg.hidden_size}"  # the label and the run
    assert history.label_stem("月度 sales / 2024") == "sales_2024"
    assert history.label_stem("乘客") == "series"

def test_live_predictions_match_the_split():
    ws = trained()
    pred = workspace.live_predictions(ws.run)
    split = ws.run.split
    assert pred.fitted.shape == (split.n_train - split.window,) and pred.test.shape == (split.test_size,)


# -- files -------------------------------------------------------------------------------


def test_a_saved_model_loads_back_and_predicts_the_same():
    ws = trained()
    before = workspace.forecast(ws).result.test_one_step
    data = workspace.model_file(ws.run)
    other = airline()
    run = workspace.load_model_file(other, data)
    assert other.run is run and run.loaded and workspace.model_summary(other)[0] == "ws.model.loaded"
    np.testing.assert_allclose(workspace.forecast(other).result.test_one_step, before, rtol=1e-5, atol=1e-3)


def test_a_bad_model_file_changes_nothing():
    ws = trained()
    old = ws.run
    for data in (b"", b"not a model", GOOD_CSV.encode()):
        with pytest.raises(LensError):
            workspace.load_model_file(ws, data)
    assert ws.run is old


def test_airline_gets_a_season_of_validation_before_its_season_of_test():
    ws = workspace.Workspace()
    dataset = workspace.load_sample(ws, "airline")
    assert (dataset.window, dataset.val_size, dataset.test_size) == (12, 12, 12)
    run = workspace.train_to_end(ws, workspace.recommended_config(dataset).replace(epochs=2))
    assert run.split.val_size == 12 and run.split.n_fit == 144 - 24
    assert run.trainer.best_epoch in (1, 2)


def test_suggested_validation_shrinks_to_fit_and_set_split_checks_it():
    assert workspace.suggest_val_size(144, 12, 12, 12) == 12
    assert workspace.suggest_val_size(60, None, 6, 12) == 6  # a tenth of the series
    assert workspace.suggest_val_size(10, None, 2, 2) == 1
    assert workspace.suggest_val_size(8, None, 2, 2) == 0  # no room: no validation part
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    with pytest.raises(LensError) as err:
        workspace.set_split(ws, 12, 12, val_size=130)
    assert err.value.key == "windows.not_enough_val" and ws.dataset.val_size == 12
    workspace.set_split(ws, 12, 12, val_size=0)
    assert ws.dataset.val_size == 0 and workspace.max_val_size(ws.dataset) == 144 - 18


def test_no_seasonal_row_without_a_season():
    ws = workspace.Workspace()
    dataset = workspace.load_sample(ws, "sunspots")
    assert dataset.season is None
    workspace.train_to_end(ws, workspace.recommended_config(dataset).replace(epochs=1, hidden_size=4))
    for recursive in (True, False):
        table = workspace.forecast(ws, recursive=recursive).table
        assert list(table.index) == ["LSTM", "last_value", "train_mean"]


def test_a_data_set_says_how_many_points_the_model_learns_from_and_the_longest_window():
    ws = airline()
    dataset = ws.dataset
    assert dataset.n_fit == dataset.n_points - dataset.test_size - dataset.val_size == 120
    assert dataset.longest_window == 120 - workspace.MIN_TRAIN_WINDOWS
    with pytest.raises(LensError):  # a window longer than that leaves too few training windows
        split_series(dataset.series.values, dataset.longest_window + 1, dataset.test_size, val_size=dataset.val_size)
    split_series(dataset.series.values, dataset.longest_window, dataset.test_size, val_size=dataset.val_size)
