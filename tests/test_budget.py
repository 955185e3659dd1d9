"""The compute budget: an estimate in seconds that grows with the square of the hidden size, and its refusal."""
from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_viz import budget, config as config_module
from lstm_viz import workspace as wsm
from lstm_viz.budget import EPOCH_S, STEP_S, WEIGHT_S, check_budget, compute_cost, run_seconds
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.seq2seq import horizon_cost_s, split_seq2seq

AIRLINE_WINDOWS = 120  # 144 points − 12 test − window 12


def test_the_estimate_is_the_documented_formula():
    # 2 layers of 10 LSTM units, 100 windows of 12 steps in batches of 32, 5 epochs.
    weights = 4 * 10 * (10 + 1 + 1) + 4 * 10 * (10 + 10 + 1)
    per_epoch = 12 * 2 * math.ceil(100 / 32) * STEP_S + 12 * 100 * weights * WEIGHT_S + EPOCH_S
    assert run_seconds(5, 100, 12, 10, num_layers=2, batch_size=32) == pytest.approx(5 * per_epoch)
    cfg = Config(hidden_size=10, num_layers=2, window=12, epochs=5, batch_size=32)
    assert compute_cost(cfg, 100) == pytest.approx(5 * per_epoch)


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
        ws = wsm.Workspace()
        dataset = wsm.load_sample(ws, key)
        cfg = wsm.recommended_config(dataset)
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
    assert one == pytest.approx(run_seconds(100, data.X_train.shape[1], 30, 32))
    assert horizon_cost_s(data, 32, 100, n_methods=3) == pytest.approx(3 * one)
    assert horizon_cost_s(data, 32, 100, n_methods=3, bidirectional=True) == pytest.approx(6 * one)
