"""RNN vs GRU vs LSTM on one split with one budget, and the teaching figures in both languages."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import pytest

from lstm_viz.compare import (
    CELL_ORDER, NEAR_CHANCE_ACCURACY, compare_cells, gradient_flow, summary_table, task_verdict,
)
from lstm_viz.config import Config
from lstm_viz.figures_teach import (
    forecasts_figure, gradient_norm_figure, horizon_error_figure, loss_curves_figure, spike_figure,
    task_accuracy_figure, task_curves_figure,
)
from lstm_viz.i18n import tr
from lstm_viz.synthetic import spike_task, train_on_task
from lstm_viz.training import Trainer
from lstm_viz.windows import split_series

H, WINDOW, EPOCHS = 6, 8, 4


@pytest.fixture(scope="module")
def split():
    t = np.arange(120)
    values = 50 + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 1, t.size)
    return split_series(values, window=WINDOW, test_size=12)


@pytest.fixture(scope="module")
def cfg():
    return Config(hidden_size=H, window=WINDOW, epochs=EPOCHS, batch_size=16, lr=0.01, seed=7, max_snapshots=2)


@pytest.fixture(scope="module")
def results(split, cfg):
    return compare_cells(split, cfg, horizon=6, season=12)


def test_three_cells_same_budget_and_sizes_in_the_ratio_1_3_4(results, split) -> None:
    assert [r.cell for r in results] == list(CELL_ORDER)
    core = {r.cell: r.params - (H + 1) for r in results}  # minus the linear head
    per_block = H * 1 + H * H + 2 * H  # W_ih, W_hh, b_ih, b_hh of one gate block
    assert core == {"rnn": per_block, "gru": 3 * per_block, "lstm": 4 * per_block}
    for res in results:
        assert res.status == "done" and list(res.epochs) == list(range(1, EPOCHS + 1))
        assert res.train_loss.shape == res.val_loss.shape == (EPOCHS,)
        assert res.train_time_s > 0
        assert res.forecast.test_recursive.shape == (split.test_size,)
        assert res.forecast.future.shape == (6,)
        assert list(res.metrics.index) == ["one_step", "recursive"]
        assert np.isfinite(res.metrics.loc["recursive", "RMSE"])


def test_comparison_equals_a_lone_trainer_with_the_same_seed(results, split, cfg) -> None:
    trainer = Trainer(split, cfg.replace(cell="lstm"))
    for _ in trainer:
        pass
    np.testing.assert_array_equal(trainer.losses()[1], results[-1].train_loss)


def test_summary_and_gradient_flow(results, split) -> None:
    table = summary_table(results)
    assert list(table.index) == ["RNN", "GRU", "LSTM"]
    assert table.loc["LSTM", "params"] > table.loc["GRU", "params"] > table.loc["RNN", "params"]
    flows = gradient_flow(results, split)
    assert set(flows) == set(CELL_ORDER)
    assert all(g.shape == (4 * WINDOW,) and np.all(np.isfinite(g)) for g in flows.values())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_teaching_figures_build_in_both_languages(results, lang: str) -> None:
    task = spike_task(4, 12, seed=0)
    runs = [train_on_task(cell, 12, steps=4, eval_every=2) for cell in ("rnn", "lstm")]
    figures = {
        "teach.fig.grad.title": gradient_norm_figure({"rnn": 0.5 ** np.arange(10), "lstm": np.r_[np.ones(9), 0]},
                                                     lang=lang, relative=True),
        "teach.fig.spike.title": spike_figure(task.x[:, 0], int(task.position[0]), float(task.y[0]), lang=lang),
        "teach.fig.task.title": task_accuracy_figure([10, 20], {"rnn": [1.0, 0.5], "lstm": [1.0, 1.0]}, lang=lang),
        "teach.fig.loss.title": loss_curves_figure(
            {r.cell: (r.epochs, r.train_loss, r.val_loss) for r in results}, lang=lang),
        "teach.fig.forecasts.title": forecasts_figure(
            np.arange(12), results[0].forecast.test_recursive,
            {r.cell: r.forecast.test_recursive for r in results}, lang=lang),
        "teach.fig.horizon.title": horizon_error_figure(
            [1, 2, 3], {"direct": [1.0, 2, 3], "decoder": [1.0, 1.5, 2], "recursive": [0.5, 2, 4]}, lang=lang),
    }
    for key, fig in figures.items():
        assert isinstance(fig, go.Figure) and fig.layout.title.text == tr(key, lang)
        for trace in fig.data:  # arrays reach Plotly as float32
            if isinstance(trace.y, np.ndarray) and trace.y.dtype.kind == "f":
                assert trace.y.dtype == np.float32
    grad = figures["teach.fig.grad.title"]
    assert grad.layout.yaxis.type == "log" and np.isnan(grad.data[1].y[-1])  # 0 is not drawn on a log axis
    assert [t.name for t in figures["teach.fig.horizon.title"].data] == [
        tr(f"teach.method.{m}", lang) for m in ("direct", "decoder", "recursive")]
    curves = task_curves_figure(runs, lang=lang)
    assert curves.layout.title.text == tr("teach.fig.curves.title", lang, lag=12)
    fig = figures["teach.fig.loss.title"]
    assert len(fig.data) == 2 * len(results) and fig.layout.yaxis.type == "log"


def test_a_spike_task_run_is_called_solved_at_chance_or_nothing() -> None:
    run = lambda accuracy: SimpleNamespace(accuracy=accuracy, solved=accuracy >= 0.95)  # noqa: E731
    assert task_verdict(run(0.97)) == "teach.task.solved"
    assert task_verdict(run(0.52)) == task_verdict(run(NEAR_CHANCE_ACCURACY - 0.01)) == "teach.task.chance"
    assert task_verdict(run(NEAR_CHANCE_ACCURACY)) is None and task_verdict(run(0.8)) is None
