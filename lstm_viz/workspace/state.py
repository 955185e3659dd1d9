"""A student's state: the data set, the current model, the run in flight (plain dataclasses)."""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lstm_viz.config import Config
from lstm_viz.data import Series, Table
from lstm_viz.data.source import FileReading
from lstm_viz.errors import LensError
from lstm_viz.jobs import Job
from lstm_viz.loop import EpochReport
from lstm_viz.training import Trainer
from lstm_viz.windows import MIN_TRAIN_WINDOWS, Split
from lstm_viz.workspace.history import RunHistory

_ids = itertools.count(1)


@dataclass
class Dataset:
    """The series the student is working on, and how it will be split.

    Attributes
    ----------
    series : lstm_viz.data.Series
        Values (N,) float64, time stamps, frequency, season and the cleaning report.
    table : lstm_viz.data.Table
        The file it came from, kept so the column pickers can choose again.
    source : str
        ``"sample"`` or ``"upload"``.
    name : str
        Sample key or uploaded file name.
    target, time_column, series_column, series_name :
        The columns the series was read from.
    test_size, horizon : int
        Final points held out for testing; steps forecast beyond the data.
    val_size : int
        Points just before the test part that choose the best epoch (validation); 0: none.
    season : int or None
        Season length used by the seasonal baseline.
    window : int
        Suggested input window for a first run.
    data_id : int
        Changes every time a new series is loaded.
    reading : FileReading or None
        How the file was read (its sheets, a year × month layout), so the Data page can read it another way.
    inputs : tuple of str
        Other numeric columns of the file the model reads beside the target's own past (covariates); () none.
    covariates : float64 array (N, len(inputs)) or None
        Their values on the series' steps, original units (see :func:`~lstm_viz.workspace.set_inputs`).
    """

    series: Series
    table: Table
    source: str
    name: str
    target: str
    time_column: str | None
    series_column: str | None
    series_name: str | None
    test_size: int
    horizon: int
    season: int | None
    window: int
    val_size: int = 0
    data_id: int = field(default_factory=lambda: next(_ids))
    reading: FileReading | None = field(default=None, repr=False)
    inputs: tuple[str, ...] = ()
    covariates: np.ndarray | None = field(default=None, repr=False)

    @property
    def input_names(self) -> tuple[str, ...]:
        """What the model reads per step, in order: the target, then each covariate (``D`` names)."""
        return (self.target, *self.inputs)

    @property
    def n_points(self) -> int:
        return int(len(self.series.values))

    @property
    def n_fit(self) -> int:
        """Points the model learns from: the series without its validation and test parts."""
        return self.n_points - self.test_size - self.val_size

    @property
    def longest_window(self) -> int:
        """The longest window this split leaves room for (a few training windows must remain)."""
        return self.n_fit - MIN_TRAIN_WINDOWS

    @property
    def label(self) -> str:
        """A short name for people: the series name, or the file's."""
        return str(self.series.name or self.name)


@dataclass
class Run:
    """A model being trained or trained on one data set: its config, its split and its trainer.

    The trainer owns the model, the loss history and the snapshots, so a
    promoted candidate keeps growing in place while it trains.
    """

    cfg: Config
    split: Split
    trainer: Trainer
    dataset: Dataset
    run_id: int = field(default_factory=lambda: next(_ids))
    loaded: bool = False  # True for a model loaded from a file rather than trained here
    watch_s: float = 0.0  # "watch it learn": least wall time of the whole run in the background (0: full speed)
    replaces: Run | None = field(default=None, repr=False, compare=False)  # the model before this run, while it trains
    # What a loaded model's file says about the series it was trained on ("series", "freq", …); see match.py.
    origin: dict = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def model(self):
        return self.trainer.model

    @property
    def input_names(self) -> tuple[str, ...]:
        """The model's inputs per step, in order: the target, then each covariate it was trained with."""
        return self.dataset.input_names

    @property
    def status(self) -> str:
        return self.trainer.status

    @property
    def history(self) -> list[EpochReport]:
        return self.trainer.history

    @property
    def snapshots(self) -> list:
        return self.trainer.snapshots

    @property
    def epochs_done(self) -> int:
        return self.trainer.epochs_done

    @property
    def last(self) -> EpochReport | None:
        return self.trainer.history[-1] if self.trainer.history else None


@dataclass
class Workspace:
    """Everything one student has: a data set, a trained model and a run in flight.

    Attributes
    ----------
    dataset : Dataset or None
    run : Run or None
        The current model (the one the Gates, Forecast and Downloads pages show).
    candidate : Run or None
        A run still training; it becomes ``run`` after its first epoch.
    cfg : Config
        The settings the Train page last used (its widgets start from them).
    kept_runs : RunHistory
        The session's finished runs, kept to compare side by side (:mod:`~lstm_viz.workspace.history`).
    """

    dataset: Dataset | None = None
    run: Run | None = None
    candidate: Run | None = None
    cfg: Config = field(default_factory=lambda: Config(num_threads=1, max_snapshots=30))
    kept_runs: RunHistory = field(default_factory=RunHistory)
    failure: LensError | None = None  # why the last background run ended early
    # Is the student still there? Set by the app (see lstm_viz.slots.Presence); None: always.
    presence: Callable[[], bool] | None = field(default=None, repr=False, compare=False)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    job: Job | None = field(default=None, repr=False, compare=False)  # the run's background job (runs.py)
    # views.forecast's last result, keyed by (run, epochs, horizon, model): another model never hits it.
    forecast_cache: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def training(self) -> bool:
        """True while a run is in flight."""
        return self.candidate is not None and not self.candidate.trainer.finished
