"""RNN vs GRU vs LSTM on the student's own series: same data, same seed, same budget.

Each cell gets its own :class:`~lstm_viz.training.Trainer` built from the same
:class:`~lstm_viz.config.Config` with only ``cell`` changed, so the windows,
the seed, the epochs, the learning rate and the batch size are identical. The
models differ in size: at the same ``hidden_size`` a GRU has 3 and an LSTM 4
weight blocks for every one of a plain RNN, which the summary reports.

A page can run :func:`compare_cells` in one go, or drive the trainers of
:func:`start_trainers` itself (``run_for`` in a fragment) and collect each one
with :func:`cell_result` when it is done. The RNN vs GRU vs LSTM page does the
latter in a background job (:mod:`lstm_viz.jobs`): :func:`compare_config` and
:func:`prepare_compare` at the click, then :func:`compare_work`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from lstm_viz.budget import check_cost
from lstm_viz.config import Config
from lstm_viz.forecast import ForecastResult, forecast_all
from lstm_viz.gradients import gradient_profiles, long_windows
from lstm_viz.jobs import Job
from lstm_viz.metrics import metrics_table
from lstm_viz.models import Forecaster, count_parameters
from lstm_viz.synthetic import TaskResult
from lstm_viz.training import Trainer
from lstm_viz.windows import Split, split_series

CELL_ORDER: tuple[str, ...] = ("rnn", "gru", "lstm")
CELL_LABELS: dict[str, str] = {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}
# Held-out accuracy on "recall the spike" below which a cell is said to guess (chance is 0.5, solved 0.95).
NEAR_CHANCE_ACCURACY = 0.6


def task_verdict(result: TaskResult) -> str | None:
    """Return the i18n key of what a cell achieved on the spike task.

    ``"teach.task.solved"`` (``result.solved``), ``"teach.task.chance"`` (held-out
    accuracy below :data:`NEAR_CHANCE_ACCURACY`), or None in between.
    """
    if result.solved:
        return "teach.task.solved"
    return "teach.task.chance" if result.accuracy < NEAR_CHANCE_ACCURACY else None


@dataclass(frozen=True)
class CellResult:
    """One cell trained and scored on the student's split.

    Attributes
    ----------
    cell : {"rnn", "gru", "lstm"}
    params : int
        Trainable parameters (core + head).
    train_time_s : float
        Wall time of the training epochs (snapshots included, forecasts not).
    epochs, train_loss, val_loss : arrays (E,)
        Loss curves in scaled units, as :meth:`Trainer.losses` returns them.
    status : str
        The trainer's final status (``"done"``, ``"stopped"``, ``"early"``, ``"diverged"``).
    forecast : ForecastResult
        Fitted values, one-step and recursive test forecasts, future, baselines.
    metrics : DataFrame
        Rows ``"one_step"`` and ``"recursive"``, columns RMSE … MASE, original units.
    model : Forecaster
        The trained model.
    """

    cell: str
    params: int
    train_time_s: float
    epochs: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    status: str
    forecast: ForecastResult
    metrics: pd.DataFrame
    model: Forecaster


def start_trainers(split: Split, cfg: Config, cells: tuple[str, ...] = CELL_ORDER) -> dict[str, Trainer]:
    """Return one untrained :class:`Trainer` per cell, all from ``cfg`` with only ``cell`` changed.

    The cells train one after another in one job, so their costs together must fit the
    compute budget (``LensError("config.budget")``), not each on its own.
    """
    trainers = {cell: Trainer(split, cfg.replace(cell=cell)) for cell in cells}
    check_cost(sum(trainer.cost for trainer in trainers.values()))
    return trainers


def cell_result(trainer: Trainer, horizon: int, season: int | None = None) -> CellResult:
    """Forecast and score a trainer's model (trained as far as it got) as a :class:`CellResult`."""
    split = trainer.split
    forecast = forecast_all(trainer.model, split, horizon, season)
    scores = metrics_table(
        split.test_values,
        {"one_step": forecast.test_one_step, "recursive": forecast.test_recursive},
        split.train_values,
        season,
    )
    epochs, train_loss, val_loss = trainer.losses()
    return CellResult(
        cell=trainer.cfg.cell,
        params=count_parameters(trainer.model),
        train_time_s=trainer.history[-1].elapsed_s if trainer.history else 0.0,
        epochs=epochs,
        train_loss=train_loss,
        val_loss=val_loss,
        status=trainer.status,
        forecast=forecast,
        metrics=scores,
        model=trainer.model,
    )


def compare_cells(
    split: Split,
    cfg: Config,
    cells: tuple[str, ...] = CELL_ORDER,
    horizon: int = 12,
    season: int | None = None,
) -> list[CellResult]:
    """Train every cell in ``cells`` to the end with the same settings and score each one.

    Parameters
    ----------
    split : Split
        The student's windows (``split.window`` must equal ``cfg.window``).
    cfg : Config
        Settings shared by all runs; ``cfg.cell`` is ignored.
    horizon : int
        Steps of the future forecast.
    season : int, optional
        Season length for the seasonal baseline and MASE.

    Returns
    -------
    list of CellResult, in the order of ``cells``.
    """
    results = []
    for cell, trainer in start_trainers(split, cfg, cells).items():
        for _ in trainer:
            pass
        results.append(cell_result(trainer, horizon, season))
    return results


def summary_table(results: list[CellResult]) -> pd.DataFrame:
    """Return one row per cell: parameters, training time, final losses and test RMSEs.

    Columns: ``params``, ``train_time_s``, ``epochs``, ``train_loss``,
    ``val_loss``, ``RMSE one-step``, ``RMSE recursive``; index: the cell labels.
    """
    rows = {}
    for res in results:
        rows[CELL_LABELS.get(res.cell, res.cell)] = {
            "params": res.params,
            "train_time_s": res.train_time_s,
            "epochs": int(res.epochs[-1]) if res.epochs.size else 0,
            "train_loss": float(res.train_loss[-1]) if res.train_loss.size else float("nan"),
            "val_loss": float(res.val_loss[-1]) if res.val_loss.size else float("nan"),
            "RMSE one-step": float(res.metrics.loc["one_step", "RMSE"]),
            "RMSE recursive": float(res.metrics.loc["recursive", "RMSE"]),
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "cell"
    return table


def gradient_flow(
    results: list[CellResult], split: Split, length: int | None = None, max_windows: int = 64
) -> dict[str, np.ndarray]:
    """Measure each trained model's gradient norm against lag on windows of the student's series.

    Parameters
    ----------
    length : int, optional
        Steps per window; default four times the training window, at most
        ``n_train - 1``. Longer than the training window on purpose: it asks
        how far back each cell's loss *could* reach.

    Returns
    -------
    dict cell -> float64 (length,), see :func:`lstm_viz.gradients.grad_norm_by_lag`.
    """
    length = length or min(4 * split.window, split.n_train - 1)
    x = long_windows(split.scaled[: split.n_train], length, max_windows)
    return gradient_profiles({res.cell: res.model for res in results}, x)


# -- the page's background job ---------------------------------------------------------------------


def compare_config(base: Config, hidden_size: int, epochs: int) -> Config:
    """Return the settings every cell shares: ``base`` with the page's size and budget, one thread, few snapshots."""
    return base.replace(hidden_size=int(hidden_size), epochs=int(epochs), num_threads=1, max_snapshots=2).validate()


@dataclass(frozen=True)
class CompareOutcome:
    """Three cells trained on one split, with what the page draws.

    Attributes
    ----------
    results : list[CellResult]           in the order RNN, GRU, LSTM
    table : DataFrame                    :func:`lstm_viz.compare.summary_table`
    flow : dict[str, float64 (L,)]       gradient norm against lag, measured on the student's series
    flow_length : int                    ``L``, steps per measured window
    split : Split
    cfg : Config                         the shared settings
    """

    results: list[CellResult]
    table: pd.DataFrame
    flow: dict[str, np.ndarray]
    flow_length: int
    split: Split
    cfg: Config


def prepare_compare(values: np.ndarray, test_size: int, cfg: Config, val_size: int = 0) -> tuple[Split, dict]:
    """Split the series for ``cfg`` and build (untrained) trainers once, so bad settings are refused at the click.

    ``val_size`` values before the test part are the validation part (its loss is the table's
    validation loss). Returns the split and the trainers; raises LensError (window too long, run
    over the budget …).
    """
    split = split_series(values, cfg.window, test_size, val_size=val_size, transform=cfg.transform, diff=cfg.diff)
    return split, start_trainers(split, cfg)


def compare_work(split: Split, trainers: dict, horizon: int, season: int | None) -> Callable[[Job], CompareOutcome]:
    """Return the work of a compare job: train each trainer in turn, then score and measure them."""
    def work(job: Job) -> CompareOutcome:
        n_cells = len(trainers)
        for n, (cell, trainer) in enumerate(trainers.items()):
            while not trainer.finished:
                job.report((n + trainer.progress) / n_cells, "compare.training", cell=cell,
                           epoch=trainer.epochs_done, epochs=trainer.cfg.epochs)
                trainer.run_for(0.2)
                job.take_turn()  # a Train page run in line trains once this job's turn is over
        job.report(0.99, "compare.scoring")
        results = [cell_result(trainer, horizon, season) for trainer in trainers.values()]
        length = min(4 * split.window, split.n_train - 1)
        flow = gradient_flow(results, split, length=length)
        cfg = next(iter(trainers.values())).cfg
        return CompareOutcome(results, summary_table(results), flow, length, split, cfg)

    return work
