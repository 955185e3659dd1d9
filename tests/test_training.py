"""The Trainer: seeded, batched, stoppable, NaN-safe, snapshotting, within budget."""
from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch

from lstm_viz import config as config_module
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.i18n import tr
from lstm_viz.budget import check_split_budget, compute_cost, split_cost
from lstm_viz.loop import torch_threads
from lstm_viz.training import Trainer, snapshot_epochs
from lstm_viz.windows import split_series

SEASON = 12


def seasonal_series(n: int = 96, level: float = 1000.0, seed: int = 0) -> np.ndarray:
    """A monthly-looking series: level + trend + yearly wave + a little noise."""
    t = np.arange(n)
    noise = np.random.default_rng(seed).normal(0.0, 5.0, n)
    return level + 2.0 * t + 100.0 * np.sin(2 * np.pi * t / SEASON) + noise


@pytest.fixture(scope="module")
def split():
    return split_series(seasonal_series(), window=SEASON, test_size=SEASON, val_size=SEASON)


def small_cfg(**changes) -> Config:
    base = Config(hidden_size=8, window=SEASON, epochs=6, lr=0.01, batch_size=16, seed=0, max_snapshots=3)
    return base.replace(**changes)


def weights(model) -> list[np.ndarray]:
    return [p.detach().numpy().copy() for p in model.parameters()]


def test_same_seed_same_losses_different_seed_different(split):
    runs = [Trainer(split, small_cfg(seed=seed)) for seed in (3, 3, 4)]
    for trainer in runs:
        list(trainer)
    _, train_a, val_a = runs[0].losses()
    _, train_b, val_b = runs[1].losses()
    _, train_c, _ = runs[2].losses()
    np.testing.assert_array_equal(train_a, train_b)
    np.testing.assert_array_equal(val_a, val_b)
    assert not np.array_equal(train_a, train_c)


def test_losses_do_not_depend_on_how_the_run_is_sliced_or_on_global_rng(split):
    whole = Trainer(split, small_cfg())
    list(whole)
    sliced = Trainer(split, small_cfg())
    sliced.run_for(60.0, max_epochs=2)
    torch.manual_seed(12345)
    torch.rand(100)  # someone else using the global RNG between ticks
    while sliced.step() is not None:
        pass
    np.testing.assert_array_equal(whole.losses()[1], sliced.losses()[1])


def test_run_completes_with_reports_and_status(split):
    trainer = Trainer(split, small_cfg())
    assert trainer.status == "ready" and trainer.progress == 0.0
    reports = list(trainer)
    assert [r.epoch for r in reports] == list(range(1, 7))
    assert trainer.status == "done" and trainer.progress == 1.0 and trainer.epochs_done == 6
    assert trainer.step() is None
    assert all(math.isfinite(r.train_loss) and math.isfinite(r.val_loss) for r in reports)
    elapsed = [r.elapsed_s for r in reports]
    assert elapsed == sorted(elapsed) and elapsed[0] > 0
    # Training on a learnable series lowers the loss.
    assert reports[-1].train_loss < reports[0].train_loss
    key, params = trainer.status_message()
    assert key == "training.status.done" and "6" in tr(key, "en", **params)


def test_validation_loss_is_mse_on_validation_windows(split):
    trainer = Trainer(split, small_cfg(epochs=1))
    report = trainer.step()
    with torch.no_grad():
        pred = trainer.model(torch.from_numpy(np.ascontiguousarray(split.X_val)))[:, 0].numpy()
    assert split.X_val.shape[1] == SEASON
    assert report.val_loss == pytest.approx(float(np.mean((pred - split.y_val) ** 2)), rel=1e-5)


def test_part_times_ten() -> np.ndarray:
    """The seasonal series with its test part (the last season) multiplied by 10: nothing before it may change."""
    mutated = seasonal_series()
    mutated[-SEASON:] *= 10.0
    return mutated


def test_test_part_never_enters_training_or_the_choice_of_epoch():
    """Mutate the test values x10: losses, best epoch and trained weights stay identical."""
    values, mutated = seasonal_series(), test_part_times_ten()
    runs = []
    for series in (values, mutated):
        trainer = Trainer(split_series(series, SEASON, SEASON, val_size=SEASON), small_cfg(epochs=8))
        list(trainer)
        runs.append(trainer)
    (_, train_a, val_a), (_, train_b, val_b) = runs[0].losses(), runs[1].losses()
    np.testing.assert_array_equal(train_a, train_b)
    np.testing.assert_array_equal(val_a, val_b)
    assert runs[0].best_epoch == runs[1].best_epoch is not None
    for a, b in zip(weights(runs[0].model), weights(runs[1].model)):
        np.testing.assert_array_equal(a, b)
    # ... while the validation part does choose: mutating it moves the validation losses.
    moved = values.copy()
    moved[-2 * SEASON:-SEASON] *= 10.0
    other = Trainer(split_series(moved, SEASON, SEASON, val_size=SEASON), small_cfg(epochs=8))
    list(other)
    assert not np.array_equal(other.losses()[2], val_a)


def test_best_epoch_is_the_lowest_validation_loss_and_none_without_validation(split):
    trainer = Trainer(split, small_cfg(epochs=8))
    list(trainer)
    epochs, _, val = trainer.losses()
    assert trainer.best_epoch == int(epochs[int(np.argmin(val))])
    bare = Trainer(split_series(seasonal_series(), SEASON, SEASON), small_cfg(epochs=2))
    list(bare)
    assert np.isnan(bare.losses()[2]).all() and bare.best_epoch is None and bare.status == "done"


def _early_case(split, patience: int):
    """A run with early stopping, and the same run without it, kept epoch by epoch with its weights."""
    full = Trainer(split, small_cfg(epochs=60, lr=0.05))
    at_epoch = {}
    for report in full:
        at_epoch[report.epoch] = weights(full.model)
    early = Trainer(split, small_cfg(epochs=60, lr=0.05, patience=patience))
    list(early)
    return full, at_epoch, early


def test_early_stopping_keeps_the_best_validation_epoch_once_patience_runs_out(split):
    patience = 3
    full, at_epoch, early = _early_case(split, patience)
    _, _, val = full.losses()
    # Where the run without early stopping first went `patience` epochs without a new best:
    best, stop = 1, None
    for epoch in range(2, 61):
        if val[epoch - 1] < val[best - 1]:
            best = epoch
        elif epoch - best >= patience:
            stop = epoch
            break
    assert stop is not None, "the case must overfit within 60 epochs"
    assert early.status == "early" and early.stopped_early_at == stop
    assert early.epochs_done == best == early.best_epoch and early.history[-1].snapshot is not None
    for a, b in zip(weights(early.model), at_epoch[best]):
        np.testing.assert_array_equal(a, b)
    key, params = early.status_message()
    assert params["trained"] == stop and str(best) in tr(key, "en", **params)


def test_early_stopping_never_reads_the_test_part_and_needs_a_validation_part():
    values, mutated = seasonal_series(), test_part_times_ten()
    ends = []
    for series in (values, mutated):
        trainer = Trainer(split_series(series, SEASON, SEASON, val_size=SEASON), small_cfg(epochs=60, lr=0.05,
                                                                                          patience=3))
        list(trainer)
        ends.append((trainer.status, trainer.stopped_early_at, trainer.epochs_done, weights(trainer.model)))
    assert ends[0][:3] == ends[1][:3] and ends[0][0] == "early"
    for a, b in zip(ends[0][3], ends[1][3]):
        np.testing.assert_array_equal(a, b)
    bare = Trainer(split_series(values, SEASON, SEASON), small_cfg(epochs=8, patience=1))  # no validation part
    list(bare)
    assert bare.status == "done" and bare.epochs_done == 8


@pytest.mark.parametrize("batch_size", [1, 7, 16, 500])
def test_optimizer_steps_per_epoch_is_ceil_m_over_batch(split, batch_size):
    m_train = split.X_fit.shape[1]
    trainer = Trainer(split, small_cfg(epochs=2, batch_size=batch_size))
    seen: list[int] = []
    trainer.model.core.register_forward_hook(lambda mod, inp, out: seen.append(inp[0].shape[1]))
    trainer.step()
    assert trainer.optimizer_steps == math.ceil(m_train / batch_size)
    # Training forwards see whole batches (the last may be smaller), never single samples
    # unless asked; then one validation pass over the validation windows and snapshot passes.
    train_batches = seen[: trainer.optimizer_steps]
    assert sum(train_batches) == m_train
    assert max(train_batches) == min(batch_size, m_train)


def test_snapshots_bounded_spread_first_and_last():
    assert snapshot_epochs(200, 60)[0] == 1 and snapshot_epochs(200, 60)[-1] == 200
    assert len(snapshot_epochs(200, 60)) == 60
    assert snapshot_epochs(5, 60) == (1, 2, 3, 4, 5)
    assert snapshot_epochs(1, 2) == (1,)
    gaps = np.diff(snapshot_epochs(1000, 11))
    assert gaps.max() - gaps.min() <= 1


def test_snapshot_contents(split):
    cfg = small_cfg(epochs=7, max_snapshots=3)
    trainer = Trainer(split, cfg)
    reports = list(trainer)
    taken = [r.epoch for r in reports if r.snapshot is not None]
    assert taken == [1, 4, 7] == [s.epoch for s in trainer.snapshots]
    assert len(trainer.snapshots) <= cfg.max_snapshots
    snap = trainer.snapshots[-1]
    assert snap.trace.layer(-1)["f"].shape == (SEASON, cfg.hidden_size)
    assert snap.fitted.shape == (split.X_train.shape[1],)
    assert snap.test_pred.shape == (split.test_size,)
    assert trainer.reference_window.shape == (SEASON, 1)
    np.testing.assert_array_equal(trainer.reference_window, split.X_test[:, 0])
    # Predictions are in original units (the series lives around 1000, not around 0).
    assert 800 < np.mean(snap.test_pred) < 1400


def test_stop_keeps_partial_model_and_takes_final_snapshot(split):
    trainer = Trainer(split, small_cfg(epochs=50, max_snapshots=2))
    trainer.step()
    trainer.step()
    trainer.step()
    kept = weights(trainer.model)
    trainer.stop()
    assert trainer.status == "stopped" and trainer.epochs_done == 3
    assert trainer.step() is None and trainer.run_for(1.0) == []
    for before, after in zip(kept, weights(trainer.model)):
        np.testing.assert_array_equal(before, after)
    assert trainer.history[-1].snapshot is not None and trainer.snapshots[-1].epoch == 3
    assert [s.epoch for s in trainer.snapshots] == [1, 3]
    key, params = trainer.status_message()
    assert key == "training.status.stopped" and "3" in tr(key, "zh", **params)


def test_nan_in_data_diverges_at_once_and_keeps_initial_weights():
    values = seasonal_series()
    values[30] = np.nan
    split = split_series(values, window=SEASON, test_size=SEASON)
    trainer = Trainer(split, small_cfg())
    initial = weights(trainer.model)
    assert trainer.step() is None
    assert trainer.status == "diverged" and trainer.diverged_at == 1 and trainer.epochs_done == 0
    for before, after in zip(initial, weights(trainer.model)):
        np.testing.assert_array_equal(before, after)
    key, params = trainer.status_message()
    assert key == "training.status.diverged" and "NaN" in tr(key, "en", **params)


def test_divergence_restores_last_good_weights(split):
    trainer = Trainer(split, small_cfg(epochs=10))
    trainer.run_for(60.0, max_epochs=3)
    good = weights(trainer.model)
    with torch.no_grad():
        trainer.model.head.weight.fill_(float("inf"))  # blow the model up mid-run
    assert trainer.step() is None
    assert trainer.status == "diverged" and trainer.diverged_at == 4 and trainer.epochs_done == 3
    for before, after in zip(good, weights(trainer.model)):
        np.testing.assert_array_equal(before, after)
        assert np.isfinite(after).all()
    assert trainer.history[-1].snapshot is not None  # final snapshot of the kept model
    assert trainer.step() is None


def test_huge_learning_rate_never_leaves_non_finite_weights(split):
    trainer = Trainer(split, small_cfg(lr=1.0, epochs=5))
    list(trainer)
    assert trainer.status in ("done", "diverged")
    assert all(np.isfinite(w).all() for w in weights(trainer.model))
    assert all(math.isfinite(r.train_loss) for r in trainer.history)


def test_run_for_respects_time_and_epoch_limits(split):
    trainer = Trainer(split, small_cfg(epochs=5000, hidden_size=4, max_snapshots=2))
    assert len(trainer.run_for(60.0, max_epochs=3)) == 3
    started = time.perf_counter()
    reports = trainer.run_for(0.2)
    took = time.perf_counter() - started
    assert 1 <= len(reports) < 4997 and took < 2.0
    assert trainer.status == "running"
    assert [r.epoch for r in reports] == list(range(4, 4 + len(reports)))
    # A zero time slice still makes progress: one batch.
    steps = trainer.optimizer_steps
    trainer.run_for(0.0)
    assert trainer.optimizer_steps == steps + 1


# -- the unit of work is a slice of batches ------------------------------------------------------


def test_a_run_sliced_batch_by_batch_learns_exactly_as_one_left_alone(split):
    # Two layers with dropout: the dropout masks must not depend on where a slice ended either.
    cfg = small_cfg(num_layers=2, dropout=0.3, batch_size=8)
    whole = Trainer(split, cfg)
    list(whole)
    sliced = Trainer(split, cfg)
    calls = 0
    while not sliced.finished:
        sliced.run_for(0.0)  # one batch per call: every epoch is cut into many slices
        torch.rand(10)  # someone else using the global RNG between slices
        calls += 1
    assert calls == sliced.optimizer_steps == whole.optimizer_steps > cfg.epochs
    np.testing.assert_array_equal(whole.losses()[1], sliced.losses()[1])
    np.testing.assert_array_equal(whole.losses()[2], sliced.losses()[2])
    for a, b in zip(weights(whole.model), weights(sliced.model)):
        np.testing.assert_array_equal(a, b)


def test_stop_inside_an_epoch_undoes_its_batches(split):
    trainer = Trainer(split, small_cfg(epochs=50, batch_size=8))
    trainer.run_for(60.0, max_epochs=2)
    after_two = weights(trainer.model)
    steps = trainer.optimizer_steps
    trainer.run_for(0.0)
    trainer.run_for(0.0)  # two batches into epoch 3
    assert trainer.epochs_done == 2 and trainer.status == "running" and trainer.optimizer_steps == steps + 2
    trainer.stop()
    assert trainer.status == "stopped" and trainer.epochs_done == 2
    for a, b in zip(after_two, weights(trainer.model)):
        np.testing.assert_array_equal(a, b)
    assert trainer.snapshots[-1].epoch == 2


def test_stop_goes_back_to_the_epoch_a_page_showed(split):
    trainer = Trainer(split, small_cfg(epochs=50, max_snapshots=50))
    assert trainer.show() is None
    trainer.run_for(60.0, max_epochs=4)
    shown = trainer.show()
    at_four = weights(trainer.model)
    trainer.run_for(60.0, max_epochs=2)
    trainer.show()  # a newer redraw on its way to the browser while the student clicks Stop on epoch 4
    trainer.run_for(60.0, max_epochs=1)
    trainer.run_for(0.0)  # and a batch into epoch 8
    assert shown.epoch == 4 and trainer.epochs_done == 7
    trainer.stop(epoch=4)
    assert trainer.status == "stopped" and trainer.epochs_done == 4 and trainer.history[-1] is shown
    assert [s.epoch for s in trainer.snapshots] == [1, 2, 3, 4]
    for a, b in zip(at_four, weights(trainer.model)):
        np.testing.assert_array_equal(a, b)


def test_stop_at_an_epoch_never_shown_keeps_the_last_completed_one(split):
    trainer = Trainer(split, small_cfg(epochs=50))
    trainer.run_for(60.0, max_epochs=3)
    trainer.show()
    trainer.run_for(60.0, max_epochs=2)
    last = weights(trainer.model)
    trainer.stop(epoch=2)  # its weights are gone: say which was kept instead
    assert trainer.epochs_done == 5
    for a, b in zip(last, weights(trainer.model)):
        np.testing.assert_array_equal(a, b)


def test_stop_at_epoch_zero_keeps_the_untrained_model(split):
    trainer = Trainer(split, small_cfg(epochs=50))
    initial = weights(trainer.model)
    trainer.show()
    trainer.run_for(60.0, max_epochs=2)
    trainer.stop(epoch=0)
    assert trainer.epochs_done == 0 and trainer.snapshots == [] and trainer.status == "stopped"
    for a, b in zip(initial, weights(trainer.model)):
        np.testing.assert_array_equal(a, b)


def test_between_slices_the_model_is_the_last_completed_epoch(split):
    trainer = Trainer(split, small_cfg(epochs=50, batch_size=8))
    trainer.run_for(60.0, max_epochs=2)
    after_two = weights(trainer.model)
    trainer.run_for(0.0)  # one batch into epoch 3
    assert trainer.epochs_done == 2
    for a, b in zip(after_two, weights(trainer.model)):  # what a page drawing now would show
        np.testing.assert_array_equal(a, b)


def test_budget_refused_with_cost_and_budget(split, monkeypatch):
    m_train = split.X_train.shape[1]
    cfg = small_cfg(epochs=100, hidden_size=10, num_layers=2)
    cost = check_split_budget(cfg, split)  # what the Trainer checks: training, evaluation, forecasts
    assert cost == split_cost(cfg, split) > compute_cost(cfg, m_train) > 0
    monkeypatch.setattr(config_module, "COMPUTE_BUDGET_S", cost / 2)
    with pytest.raises(LensError) as err:
        Trainer(split, cfg)
    assert err.value.key == "config.budget"
    assert err.value.params == {"cost": math.ceil(cost), "budget": cost / 2}
    # The default budget refuses the largest settings on a long series.
    monkeypatch.undo()
    long_split = split_series(seasonal_series(3000), window=SEASON, test_size=SEASON)
    with pytest.raises(LensError, match="seconds of the server's time"):
        Trainer(long_split, Config(hidden_size=512, epochs=5000))


def test_bad_settings_refused(split):
    with pytest.raises(LensError) as err:
        Trainer(split, small_cfg(lr=5.0))
    assert err.value.key == "config.range"
    with pytest.raises(LensError) as err:
        Trainer(split, small_cfg(window=6))
    assert err.value.key == "training.window"


def test_thread_count_set_during_work_and_restored(split):
    before = torch.get_num_threads()
    trainer = Trainer(split, small_cfg(epochs=2, num_threads=2))
    seen: list[int] = []
    trainer.model.register_forward_hook(lambda *_: seen.append(torch.get_num_threads()))
    trainer.step()
    trainer.run_for(1.0)
    assert seen and set(seen) == {2}
    assert torch.get_num_threads() == before
    with torch_threads(None):
        assert torch.get_num_threads() == before


def test_existing_model_keeps_training(split):
    first = Trainer(split, small_cfg(epochs=3))
    list(first)
    second = Trainer(split, small_cfg(epochs=3), model=first.model)
    assert second.model is first.model
    list(second)
    assert second.history[-1].train_loss < first.history[0].train_loss


def test_bench_runs_small_and_prints_one_json_object(capsys):
    import json

    from lstm_viz import bench

    result = bench.main(["--seed-epochs", "1", "--lens-epochs", "2"])
    printed = json.loads(capsys.readouterr().out)
    assert printed == result
    for key in ("seed_loop_s_per_epoch", "lens_s_per_epoch", "speedup", "lens_300_epochs_s",
                "lens_test_rmse", "seed_test_rmse", "seasonal_naive_test_rmse", "seed_epochs",
                "gate_max_abs_err", "record_ms_T10000_H128", "torch", "threads", "speedup_cpu",
                "quickstart_test_rmse_median", "bench_config_test_rmse_median"):
        assert key in result
    assert len(result["quickstart_test_rmse_seeds"]) == len(result["bench_config_test_rmse_seeds"]) == 5
    assert result["quickstart_test_rmse_median"] == pytest.approx(np.median(result["quickstart_test_rmse_seeds"]))
    assert result["gate_max_abs_err"] <= 1e-5
    assert result["seasonal_naive_test_rmse"] == pytest.approx(50.71, abs=0.01)  # 1959 repeated for 1960
