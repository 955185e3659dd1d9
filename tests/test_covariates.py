"""Several inputs (covariates): scaled on the fitting part only, windowed (T, B, D), forecast only where known."""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from lstm_viz import budget, export, model_file
from lstm_viz import workspace
from lstm_viz.cell_by_hand import input_lines
from lstm_viz.cell_step import explain_step
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.forecast import forecast_all, rollout
from lstm_viz.windows import split_series

N, WINDOW, TEST, VAL = 60, 5, 8, 6
N_FIT = N - TEST - VAL


def series() -> tuple[np.ndarray, np.ndarray]:
    """A target and two covariates whose validation and test values lie outside their fitting range."""
    t = np.arange(N, dtype=np.float64)
    target = 50 + 10 * np.sin(t / 4)
    rain = np.where(t < N_FIT, (t % 7) * 1.5, 40 + t)  # 0 … 9 while fitting, 86 and more after
    wind = np.where(t < N_FIT, 100 - t, -500.0)
    return target, np.column_stack([rain, wind])


def test_each_covariate_is_scaled_on_the_fitting_part_only():
    target, covariates = series()
    split = split_series(target, WINDOW, TEST, val_size=VAL, covariates=covariates)
    assert split.n_inputs == 3 and split.inputs.shape == (N, 3) and split.inputs.dtype == np.float32
    for d in (1, 2):
        fit = split.inputs[:N_FIT, d]
        assert fit.min() == pytest.approx(-1.0) and fit.max() == pytest.approx(1.0)  # min-max on the fit part
        assert np.all(np.abs(split.inputs[N_FIT:, d]) > 1.0)  # later values were never seen by the scaler
    # Changing everything after the fitting part changes no scaler.
    changed = covariates.copy()
    changed[N_FIT:] *= 1000
    other = split_series(target, WINDOW, TEST, val_size=VAL, covariates=changed)
    assert other.covariate_scalers == split.covariate_scalers and other.scaler == split.scaler
    np.testing.assert_allclose(other.inputs[:N_FIT], split.inputs[:N_FIT])


def test_windows_are_time_first_with_one_column_per_input():
    target, covariates = series()
    split = split_series(target, WINDOW, TEST, val_size=VAL, covariates=covariates)
    m_train = N - TEST - WINDOW
    assert split.X_train.shape == (WINDOW, m_train, 3) and split.X_test.shape == (WINDOW, TEST, 3)
    assert split.X_fit.shape == (WINDOW, m_train - VAL, 3) and split.X_val.shape == (WINDOW, VAL, 3)
    X_all = np.concatenate([split.X_train, split.X_test], axis=1)
    y_all = np.concatenate([split.y_train, split.y_test])
    for k in (0, 7, m_train - 1, m_train, N - WINDOW - 1):
        np.testing.assert_array_equal(X_all[:, k, :], split.inputs[k : k + WINDOW])  # every input, same steps
        assert y_all[k] == split.scaled[k + WINDOW]  # the target's next value only
    # Column 0 is exactly the one-input split: covariates change nothing of the target.
    alone = split_series(target, WINDOW, TEST, val_size=VAL)
    np.testing.assert_array_equal(split.X_train[:, :, 0], alone.X_train[:, :, 0])
    np.testing.assert_array_equal(split.y_test, alone.y_test)


def test_a_transform_changes_the_target_only():
    target, covariates = series()
    plain = split_series(target, WINDOW, TEST, val_size=VAL, covariates=covariates)
    logged = split_series(target, WINDOW, TEST, val_size=VAL, covariates=covariates, transform="log", diff=1)
    np.testing.assert_array_equal(logged.inputs[:, 1:], plain.inputs[:, 1:])
    assert not np.allclose(logged.inputs[:, 0], plain.inputs[:, 0])


class LastCovariate(nn.Module):
    """A 'model' that predicts the first covariate at the window's last step: shows what a rollout reads."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (T, B, D) -> (B, 1)
        return x[-1, :, 1:2]


def test_a_rollout_reads_the_given_covariates_and_never_past_the_data():
    target, covariates = series()
    split = split_series(target, WINDOW, TEST, val_size=VAL, covariates=covariates)
    model = LastCovariate()
    start = split.n_train
    got = split.scaler.transform(rollout(model, split, TEST, start=start))  # back to model units
    # Step h reads the rows up to start + h - 1: its last covariate is row start + h - 1.
    np.testing.assert_allclose(got, split.inputs[start - 1 : start - 1 + TEST, 1], atol=1e-5)
    assert split.known_steps(N) == 1 and split_series(target, WINDOW, TEST).known_steps(N) is None
    with pytest.raises(LensError) as err:
        rollout(model, split, 2)  # the second step beyond the data would need unknown covariates
    assert err.value.key == "inputs.future_unknown"
    assert forecast_all(model, split, horizon=12).future.shape == (1,)


def workspace_with_covariates() -> workspace.Workspace:
    target, covariates = series()
    dates = pd.date_range("2020-01-01", periods=N, freq="D")
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "y": target, "rain": covariates[:, 0],
                          "wind": covariates[:, 1], "gappy": np.r_[covariates[:-3, 0], [np.nan] * 3]})
    ws = workspace.Workspace()
    workspace.load_upload(ws, frame.to_csv(index=False).encode(), "weather.csv", target="y")
    workspace.set_split(ws, TEST, 3, VAL)
    return ws


def test_choosing_inputs_is_reversible_and_a_refusal_changes_nothing():
    ws = workspace_with_covariates()
    first = ws.dataset
    assert workspace.input_choices(first) == ["rain", "wind", "gappy"]
    chosen = workspace.set_inputs(ws, ["rain", "wind"])
    assert chosen.input_names == ("y", "rain", "wind") and chosen.data_id == first.data_id
    target, covariates = series()
    np.testing.assert_allclose(chosen.covariates, covariates)
    for bad, key in ((["y"], "inputs.unknown"), (["date"], "inputs.unknown"), (["gappy"], "inputs.not_covering")):
        with pytest.raises(LensError) as err:
            workspace.set_inputs(ws, bad)
        assert err.value.key == key and ws.dataset is chosen
    run = workspace.train_to_end(ws, Config(hidden_size=3, epochs=1, window=WINDOW, max_snapshots=2, num_threads=1))
    assert run.cfg.input_size == 3 and run.split.X_train.shape[2] == 3
    workspace.set_inputs(ws, [])
    assert ws.dataset.input_names == ("y",) and ws.run is run  # the model stays
    assert workspace.stale_view(ws)[0] == "inputs.stale"
    workspace.set_inputs(ws, ["rain", "wind"])
    assert workspace.stale_view(ws) is None


def test_a_model_file_names_its_inputs_and_reads_them_as_in_training():
    ws = workspace_with_covariates()
    workspace.set_inputs(ws, ["rain", "wind"])
    run = workspace.train_to_end(ws, Config(hidden_size=3, epochs=1, window=WINDOW, max_snapshots=2, num_threads=1))
    saved = workspace.model_file(run)
    assert model_file.load_model(saved).extra["inputs"] == ["y", "rain", "wind"]
    for other in (["wind", "rain"], ["rain"], []):  # another order, fewer, none
        workspace.set_inputs(ws, other)
        with pytest.raises(LensError) as err:
            workspace.load_model_file(ws, saved)
        assert err.value.key == "safety.model_inputs" and ws.run is run
    workspace.set_inputs(ws, ["rain", "wind"])
    loaded = workspace.load_model_file(ws, saved)
    assert loaded.split.covariate_scalers == run.split.covariate_scalers
    np.testing.assert_array_equal(loaded.split.X_test, run.split.X_test)


def test_the_budget_counts_every_input():
    target, covariates = series()
    cfg = Config(hidden_size=64, window=WINDOW, epochs=10)
    one = budget.split_cost(cfg, split_series(target, WINDOW, TEST))
    three = budget.split_cost(cfg, split_series(target, WINDOW, TEST, covariates=covariates))
    assert three > one


def test_downloads_carry_the_input_names():
    ws = workspace_with_covariates()
    workspace.set_inputs(ws, ["rain", "wind"])
    run = workspace.train_to_end(ws, Config(hidden_size=3, epochs=1, window=WINDOW, max_snapshots=2, num_threads=1))
    split = run.split
    csv = export.predictions_csv(None, split.values, split.n_train, split.window, None, None,
                                 inputs={"rain": split.covariates[:, 0], "wind": split.covariates[:, 1]})
    table = pd.read_csv(io.BytesIO(csv))
    np.testing.assert_allclose(table["input_rain"], split.covariates[:, 0])
    view = workspace.gate_trace(ws, 0)
    assert view.input_names == ("y", "rain", "wind") and view.lines.shape == (WINDOW, 3)
    np.testing.assert_array_equal(view.x, split.X_test[:, 0])
    traces = pd.read_csv(io.BytesIO(export.trace_long_csv(
        view.trace, inputs={name: view.x[:, d] for d, name in enumerate(view.input_names)})))
    first_unit = traces[(traces.state == "h") & (traces.unit == 0)]
    np.testing.assert_allclose(first_unit["input_wind"], view.x[:, 2], rtol=1e-6)


def test_one_cell_by_hand_names_the_columns_of_w_x():
    torch.manual_seed(0)
    core = nn.LSTM(input_size=3, hidden_size=2)
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    step = explain_step(core, x, 2)
    (x_caption, x_tex), (w_caption, w_tex) = input_lines(step, ["temp_max", "rain", "wind"], unit=1, digits=3)
    assert r"\text{temp\_max}" in x_tex and f"{x[2, 2]:.3f}" in x_tex
    w_ih = core.weight_ih_l0.detach().numpy()  # rows i, f, g, o stacked, H each
    for gate, name in enumerate("ifgo"):
        row = " & ".join(f"{v:.3f}" for v in w_ih[gate * 2 + 1])  # unit 1's row of this gate
        assert f"{name} & {row}" in w_tex
    with pytest.raises(LensError):
        input_lines(step, ["only", "two"])


def test_a_long_input_name_still_fits_its_own_model_file():
    """A file keeps 80 characters of each name: the check compares those, so a model fits its own data."""
    target, covariates = series()
    long_name = "rain_" + "x" * 120
    frame = pd.DataFrame({"y": target, long_name: covariates[:, 0]})
    ws = workspace.Workspace()
    workspace.load_upload(ws, frame.to_csv(index=False).encode(), "long.csv", target="y")
    workspace.set_split(ws, TEST, 3, VAL)
    workspace.set_inputs(ws, [long_name])
    run = workspace.train_to_end(ws, Config(hidden_size=3, epochs=1, window=WINDOW, max_snapshots=2, num_threads=1))
    assert workspace.load_model_file(ws, workspace.model_file(run)).cfg.input_size == 2


def test_without_a_time_column_an_input_must_keep_the_targets_very_rows():
    """Rows in file order: a target missing its first value and an input missing its last are as long, but one
    step apart, so the input is refused rather than read one step off."""
    target, covariates = series()
    frame = pd.DataFrame({"y": np.r_[np.nan, target[1:]], "rain": np.r_[covariates[:-1, 0], np.nan],
                          "wind": covariates[:, 1]})
    ws = workspace.Workspace()
    workspace.load_upload(ws, frame.to_csv(index=False).encode(), "rows.csv", target="y")
    for column in ("rain", "wind"):  # wind is whole, but the target left its first row out
        with pytest.raises(LensError) as err:
            workspace.set_inputs(ws, [column])
        assert err.value.key == "inputs.not_covering"
