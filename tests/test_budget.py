"""The compute budget: an estimate in seconds that grows with the square of the hidden size, and its refusal."""
from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_viz import budget, config as config_module
from lstm_viz import workspace
from lstm_viz.budget import EPOCH_S, FORWARD_SHARE, STEP_S, WEIGHT_S, check_budget, compute_cost, run_seconds
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.seq2seq import horizon_cost_s, split_seq2seq

AIRLINE_WINDOWS = 120  # 144 points − 12 test − window 12


def test_the_estimate_is_the_documented_formula():
    # 2 layers of 10 LSTM units, 100 windows of 12 steps in batches of 32, 5 epochs.
    weights = 4 * 10 * (10 + 1 + 1) + 4 * 10 * (10 + 10 + 1)
    per_epoch = 12 * 2 * math.ceil(100 / 32) * STEP_S + 12 * 100 * weights * WEIGHT_S + EPOCH_S
    assert run_seconds(5, 100, 12, 10, num_layers=2, batch_size=32) == pytest.approx(5 * per_epoch)
    cfg = Config(hidden_size=10, num_layers=2, window=12, epochs=5, batch_size=32, max_snapshots=2)
    # Two snapshots each predict the 100 windows in one batch, at FORWARD_SHARE of a training pass.
    snapshots = 2 * FORWARD_SHARE * (12 * 2 * 1 * STEP_S + 12 * 100 * weights * WEIGHT_S)
    assert compute_cost(cfg, 100) == pytest.approx(5 * per_epoch + snapshots)


def test_cost_grows_with_the_square_of_the_hidden_size():
    small, big = (run_seconds(100, 1000, 24, h, batch_size=128) for h in (256, 512))
    assert 3.5 < big / small < 4.0  # nearly 4×: the gate weights dominate at this size
    fixed = 100 * EPOCH_S  # what an epoch costs whatever the window length
    assert run_seconds(100, 1000, 48, 64) - fixed == pytest.approx(2 * (run_seconds(100, 1000, 24, 64) - fixed))
    assert run_seconds(100, 1000, 24, 64, batch_size=8) > run_seconds(100, 1000, 24, 64, batch_size=256)
    lstm, gru, rnn = (run_seconds(100, 1000, 24, 128, cell=c) for c in ("lstm", "gru", "rnn"))
    assert lstm > gru > rnn


def test_the_ten_minute_run_the_old_count_let_through_is_refused():
    # 512 units x 4,882 epochs on the airline sample passed "epochs x windows x units" and took 10.6 minutes.
    cfg = Config(hidden_size=512, epochs=4882, window=12)
    with pytest.raises(LensError) as err:
        check_budget(cfg, AIRLINE_WINDOWS)
    assert err.value.key == "config.budget" and err.value.params["budget"] == config_module.COMPUTE_BUDGET_S
    assert 300 < err.value.params["cost"] < 1200  # about ten minutes, as measured
    assert "seconds of the server's time" in err.value.message("en") and "秒" in err.value.message("zh")


def test_the_first_lesson_and_every_sample_default_fit_easily():
    for key in ("airline", "sine"):
        ws = workspace.Workspace()
        dataset = workspace.load_sample(ws, key)
        cfg = workspace.recommended_config(dataset)
        n_windows = dataset.n_points - dataset.test_size - cfg.window
        assert check_budget(cfg, n_windows) < 5


def test_a_lower_budget_is_read_at_call_time(monkeypatch):
    cfg = Config(hidden_size=32, epochs=100)
    cost = check_budget(cfg, AIRLINE_WINDOWS)
    monkeypatch.setattr(config_module, "COMPUTE_BUDGET_S", cost * 0.9)
    with pytest.raises(LensError) as err:
        budget.check_budget(cfg, AIRLINE_WINDOWS)
    assert err.value.params == {"cost": math.ceil(cost), "budget": cost * 0.9}


def test_a_many_to_many_comparison_counts_its_methods_and_both_directions():
    data = split_seq2seq(np.sin(np.arange(300) / 5.0), n_in=24, n_out=6, test_size=30)
    one = horizon_cost_s(data, 32, 100, n_methods=1)
    assert one > run_seconds(100, data.X_train.shape[1], 30, 32)  # training, then predicting the test pairs
    assert horizon_cost_s(data, 32, 100, n_methods=3) == pytest.approx(3 * one)
    assert horizon_cost_s(data, 32, 100, n_methods=3, bidirectional=True) == pytest.approx(6 * one)


def test_the_windows_evaluated_every_epoch_and_the_forecasts_are_counted():
    # The case: 200,000 points, a test part of all but 6, 128 units x 4 layers x 5000 epochs was
    # estimated at 8.9 s from the training windows alone; every epoch predicted the ~200,000 test windows.
    cfg = Config(hidden_size=128, num_layers=4, window=2, epochs=5000, batch_size=32)
    train_only = compute_cost(cfg, 4)
    assert train_only < 60  # what the old count saw
    with pytest.raises(LensError) as err:
        check_budget(cfg, 4, n_eval_windows=199_994)
    assert err.value.key == "config.budget" and err.value.params["cost"] > 100 * 60
    # Predicting E windows after each epoch costs what the budget says, per epoch.
    more = run_seconds(10, 100, 12, 32, n_eval_windows=5000) - run_seconds(10, 100, 12, 32)
    assert more == pytest.approx(10 * FORWARD_SHARE * (12 * 1 * 1 * STEP_S + 12 * 5000 * 4 * 32 * 34 * WEIGHT_S))
    assert run_seconds(1, 100, 12, 32, n_rollout_steps=1000) > run_seconds(1, 100, 12, 32, n_rollout_steps=10)


def test_evaluated_windows_counts_the_validation_and_test_windows():
    from lstm_viz.budget import evaluated_windows
    from lstm_viz.windows import split_series

    split = split_series(np.sin(np.arange(300) / 5.0), 12, 40)
    assert evaluated_windows(split) == split.X_test.shape[1] == 40
    with_val = split_series(np.sin(np.arange(300) / 5.0), 12, 40, val_size=30)
    assert with_val.X_val.shape[1] == 30 and evaluated_windows(with_val) == 70


def test_the_trainer_refuses_a_huge_test_part_the_old_budget_let_through():
    from lstm_viz.training import Trainer
    from lstm_viz.windows import split_series

    values = np.sin(np.arange(20_000) / 7.0)
    cfg = Config(hidden_size=32, window=24, epochs=600, batch_size=256)
    small_test = split_series(values[:6000], 24, 50)
    big_test = split_series(values, 24, 14_000)  # ~5,900 training windows either way, 14,000 test windows
    assert abs(small_test.X_train.shape[1] - big_test.X_train.shape[1]) < 100
    old_count = run_seconds(cfg.epochs, big_test.X_train.shape[1], 24, 32, batch_size=256)  # training only
    assert old_count < config_module.COMPUTE_BUDGET_S
    Trainer(small_test, cfg)  # fits
    with pytest.raises(LensError) as err:
        Trainer(big_test, cfg)
    assert err.value.key == "config.budget"


def test_the_test_part_and_horizon_are_capped_whatever_the_length():
    ws = workspace.Workspace()
    long = "\n".join(f"{np.sin(k / 9.0) + k % 7:.3f}" for k in range(60_000))
    dataset = workspace.load_upload(ws, ("v\n" + long).encode(), "long.csv")
    assert workspace.max_test_size(dataset) == config_module.MAX_TEST_SIZE < dataset.n_points
    before = (dataset.test_size, dataset.horizon)
    for test_size, horizon in ((config_module.MAX_TEST_SIZE + 1, 10), (100, config_module.MAX_HORIZON + 1)):
        with pytest.raises(LensError) as err:
            workspace.set_split(ws, test_size, horizon)
        assert err.value.key == "safety.split_cap" and "smaller test part" in err.value.message("en")
        assert (dataset.test_size, dataset.horizon) == before
    workspace.set_split(ws, config_module.MAX_TEST_SIZE, config_module.MAX_HORIZON)


def test_a_comparison_of_three_cells_fits_the_budget_together():
    from lstm_viz.compare import start_trainers
    from lstm_viz.training import Trainer
    from lstm_viz.windows import split_series

    split = split_series(np.sin(np.arange(3000) / 7.0), 24, 100)
    cfg = Config(hidden_size=64, window=24, epochs=100, batch_size=64)
    one = Trainer(split, cfg).cost
    assert 3 * one < config_module.COMPUTE_BUDGET_S
    start_trainers(split, cfg)
    each_fits = cfg.replace(epochs=int(100 * config_module.COMPUTE_BUDGET_S / (2 * one)))
    assert Trainer(split, each_fits).cost < config_module.COMPUTE_BUDGET_S  # one cell alone fits …
    with pytest.raises(LensError) as err:
        start_trainers(split, each_fits)  # … three in one job do not
    assert err.value.key == "config.budget"
