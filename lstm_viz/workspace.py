"""One student's session: the current series, the current model and the run in flight.

The Streamlit pages keep exactly one :class:`Workspace` in
``st.session_state["ws"]`` and change it only through the functions below, so
everything the app does between a click and a chart can be tested without a
browser. Nothing here imports Streamlit.

Two rules make the workspace hard to break:

- **A refusal changes nothing.** Every function that can raise
  :class:`~lstm_viz.errors.LensError` builds the new state first and assigns
  it last, so a bad upload or a bad setting leaves the previous data set and
  model in place.
- **A new run replaces the old model only once it has one.** :func:`start_run`
  creates a *candidate*; it is trained in time slices, either by the caller
  (:func:`advance`) or by one background thread per workspace
  (:func:`train_in_background`, what the app does so a page can redraw while
  the model learns), and promoted to ``ws.run`` after its first epoch.
  Stopping a candidate that has finished no epoch keeps the old model.

Everything that touches a model takes the workspace's lock, so a page reading
the gates never sees a half-applied Adam step, and Stop waits at most one slice.
"""
from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from lstm_viz import data as data_module
from lstm_viz import export
from lstm_viz import samples as samples_module
from lstm_viz import slots
from lstm_viz.config import LIMITS, Config
from lstm_viz.data import Series, Table
from lstm_viz.errors import LensError
from lstm_viz.forecast import MODEL_NAME, ForecastResult, forecast_all, predict_scaled
from lstm_viz.metrics import flatness, is_flat, metrics_table, verdict
from lstm_viz.recorder import Trace, record
from lstm_viz.training import EpochReport, Trainer
from lstm_viz.windows import MIN_TRAIN_WINDOWS, Split, make_windows, split_series

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a classroom CSV is kilobytes; this keeps a stray 1 GB file out
MAX_SERIES_STEPS = 1500  # the "whole series" gate view replays at most this many recent steps
TICK_SECONDS = 0.3  # default time slice of advance()
BACKGROUND_SLICE_S = 0.1  # training time per lock hold: Stop waits at most this long
DEFAULT_SAMPLE = "airline"

_ids = itertools.count(1)


# -- state ----------------------------------------------------------------------


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
    season : int or None
        Season length used by the seasonal baseline.
    window : int
        Suggested input window for a first run.
    data_id : int
        Changes every time a new series is loaded.
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
    data_id: int = field(default_factory=lambda: next(_ids))

    @property
    def n_points(self) -> int:
        return int(len(self.series.values))

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
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def model(self):
        return self.trainer.model

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
    """

    dataset: Dataset | None = None
    run: Run | None = None
    candidate: Run | None = None
    cfg: Config = field(default_factory=lambda: Config(num_threads=1, max_snapshots=30))
    failure: tuple[str, dict] | None = None  # why the last background run ended early (i18n key, params)
    # Is the student still there? Set by the app (see lstm_viz.slots.Presence); None: always.
    presence: Callable[[], bool] | None = field(default=None, repr=False, compare=False)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _worker: threading.Thread | None = field(default=None, repr=False, compare=False)
    _forecast_cache: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def training(self) -> bool:
        """True while a run is in flight."""
        return self.candidate is not None and not self.candidate.trainer.finished


# -- data -----------------------------------------------------------------------


def suggest_split(n_points: int, season: int | None) -> tuple[int, int, int]:
    """Suggest (window, test_size, horizon) for a series of ``n_points`` with an optional season.

    One season in and one season held out when the series is long enough
    (at least 5 seasons), otherwise about a tenth of the series in and a fifth held out.
    """
    if season and 2 <= season and n_points >= 5 * season:
        window, test_size = season, season
    else:
        window = int(np.clip(n_points // 10, 2, 24))
        test_size = int(np.clip(n_points // 5, 1, 60))
    window = int(np.clip(window, LIMITS["window"][0], min(LIMITS["window"][1], 64)))
    return window, test_size, test_size


def min_points(window: int = 2, test_size: int = 1) -> int:
    """Return how many points a series needs for ``window`` and ``test_size`` (see :func:`split_series`)."""
    return int(window) + MIN_TRAIN_WINDOWS + int(test_size)


def _make_dataset(
    table,
    source: str,
    name: str,
    target: str | None,
    time_column: str | None,
    series_column: str | None,
    series_name: str | None,
    defaults: tuple[int, int, int, int | None] | None = None,
) -> Dataset:
    """Prepare a series from ``table`` and wrap it with its split settings; raises LensError."""
    if target is None:
        candidates = [c for c in table.numeric_columns if c != time_column and c != series_column]
        if not candidates:
            raise LensError("ws.no_numeric", name=name)
        target = candidates[0]
    if series_column and series_name is None:
        names = series_names(table, series_column)
        series_name = names[0] if names else None
    series = data_module.prepare_series(
        table, target, time_column=time_column, series_column=series_column, series_name=series_name
    )
    n = int(len(series.values))
    if n < min_points():
        raise LensError("ws.too_short", n=n, need=min_points())
    if defaults is not None:
        window, test_size, horizon, season = defaults
    else:
        season = getattr(series, "season", None)
        window, test_size, horizon = suggest_split(n, season)
    # Shrink the test part (never below one point) until a split with this window is possible.
    while test_size > 1 and n < min_points(window, test_size):
        test_size = max(1, test_size // 2)
    while window > 2 and n < min_points(window, test_size):
        window = max(2, window // 2)
    return Dataset(
        series=series,
        table=table,
        source=source,
        name=name,
        target=target,
        time_column=time_column,
        series_column=series_column,
        series_name=series_name,
        test_size=int(test_size),
        horizon=int(max(1, horizon)),
        season=season,
        window=int(window),
    )


def series_names(table, series_column: str) -> list[str]:
    """Return the distinct series names in a long-format ``table``'s ``series_column``, in file order."""
    return table.frame[series_column].dropna().astype(str).unique().tolist()


def load_sample(ws: Workspace, key: str) -> Dataset:
    """Load the sample ``key`` with its teaching defaults and make it the current data set."""
    sample = samples_module.SAMPLES.get(key)
    if sample is None:
        raise LensError("samples.unknown", name=key, known=", ".join(samples_module.SAMPLES))
    table = data_module.read_table(samples_module.sample_bytes(key), sample.file)
    # A step counter (0, 1, 2 …) is not a time column to the reader: then the points are just numbered.
    time_column = sample.time_column if sample.time_column in table.time_columns else None
    dataset = _make_dataset(
        table,
        "sample",
        key,
        sample.target,
        time_column,
        sample.series_column,
        sample.series_name,
        defaults=(sample.window, sample.test_size, sample.horizon, sample.season),
    )
    ws.dataset = dataset
    return dataset


def load_upload(
    ws: Workspace,
    data: bytes,
    name: str,
    target: str | None = None,
    time_column: str | None = "auto",
    series_column: str | None = "auto",
    series_name: str | None = None,
) -> Dataset:
    """Read an uploaded file and make its series the current data set.

    Parameters
    ----------
    data : bytes
        The file's content (CSV, TSV or TXT; separator, encoding and decimal comma are detected).
    name : str
        The file name, shown to the student.
    target, time_column, series_column, series_name :
        Columns to use; ``"auto"`` takes the first detected time / series-name
        column, None means none. The first numeric column is the default target.

    Raises
    ------
    LensError
        If the file cannot be read or holds no usable series; ``ws`` is then unchanged.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise LensError("ws.too_big", mb=round(len(data) / 2**20, 1), max_mb=MAX_UPLOAD_BYTES // 2**20)
    table = data_module.read_table(data, name)
    if time_column == "auto":
        time_column = table.time_columns[0] if table.time_columns else None
    if series_column == "auto":
        # A long-format file repeats its time stamps, once per series: only then pick a series column.
        repeats = time_column is not None and bool(table.frame[time_column].duplicated().any())
        series_column = table.series_columns[0] if table.series_columns and repeats else None
    dataset = _make_dataset(table, "upload", name, target, time_column, series_column, series_name)
    ws.dataset = dataset
    return dataset


def choose_columns(
    ws: Workspace,
    target: str,
    time_column: str | None,
    series_column: str | None = None,
    series_name: str | None = None,
) -> Dataset:
    """Re-read the current file with other columns; on LensError the current series stays."""
    current = ws.dataset
    if current is None:
        raise LensError("ws.no_data")
    if not series_column or series_name not in series_names(current.table, series_column):
        series_name = None
    same_file = current.source == "sample" and (target, time_column) == (current.target, current.time_column)
    defaults = (current.window, current.test_size, current.horizon, current.season) if same_file else None
    dataset = _make_dataset(
        current.table, current.source, current.name, target, time_column, series_column, series_name, defaults
    )
    ws.dataset = dataset
    return dataset


def set_split(ws: Workspace, test_size: int, horizon: int) -> None:
    """Set the test size and forecast horizon of the current data set, or raise LensError."""
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    test_size, horizon = int(test_size), int(horizon)
    if test_size < 1:
        raise LensError("windows.test_size", test_size=test_size)
    if horizon < 1:
        raise LensError("forecast.horizon", horizon=horizon)
    need = min_points(2, test_size)
    if dataset.n_points < need:
        raise LensError("windows.not_enough", n=dataset.n_points, window=2, test_size=test_size, need=need)
    dataset.test_size, dataset.horizon = test_size, horizon


def max_test_size(dataset: Dataset) -> int:
    """Return the largest test part that still leaves room for a window of 2 and a few training windows."""
    return max(1, dataset.n_points - min_points(2, 0))


def recommended_config(dataset: Dataset) -> Config:
    """Return settings that train well on ``dataset`` in a few seconds: a first lesson's defaults.

    :class:`Config`'s defaults (32 hidden units, one layer, 100 epochs of Adam
    at lr 0.01, batches of 32), the data set's window (about one season), one
    torch thread, and batches of 64 for long series so an epoch stays a few
    dozen Adam steps.
    """
    n_windows = max(1, dataset.n_points - dataset.test_size - dataset.window)
    base = Config()
    return base.replace(
        window=dataset.window,
        batch_size=base.batch_size if n_windows < 500 else 64,
        max_snapshots=30,
        num_threads=1,
    )


# -- training -------------------------------------------------------------------


def start_run(ws: Workspace, cfg: Config) -> Run:
    """Check ``cfg`` against the current data set and start a candidate run.

    The current model stays until the candidate has trained one epoch (see
    :func:`advance`). A run already in flight is stopped first, and kept if it
    has an epoch.

    Raises
    ------
    LensError
        No data, a setting out of range, a window too long for the series, or a
        run over the compute budget; ``ws`` is then unchanged.
    """
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    cfg = cfg.validate()
    split = split_series(dataset.series.values, cfg.window, dataset.test_size)
    trainer = Trainer(split, cfg)
    with ws.lock:
        if ws.candidate is not None:
            stop_run(ws)
        ws.cfg = cfg
        ws.failure = None
        ws.candidate = Run(cfg=cfg, split=split, trainer=trainer, dataset=dataset, lock=ws.lock)
        return ws.candidate


def advance(ws: Workspace, seconds: float = TICK_SECONDS) -> list[EpochReport]:
    """Train the candidate for about ``seconds``; promote it after its first epoch.

    Returns the epochs trained in this slice (empty when nothing is in flight).
    Once the run is done, stopped or diverged the candidate slot is emptied.
    """
    with ws.lock:
        candidate = ws.candidate
        if candidate is None:
            return []
        reports = candidate.trainer.run_for(seconds)
        _settle(ws)
        return reports


def train_in_background(ws: Workspace) -> threading.Thread | None:
    """Train the candidate on a daemon thread until it is done, stopped or replaced.

    Idempotent: returns the thread already training this candidate if there
    is one, and None when nothing is in flight. The run first waits its turn in
    the process's line (:data:`lstm_viz.slots.QUEUE`), then trains in slices of
    :data:`BACKGROUND_SLICE_S` under ``ws.lock`` and lets go of it in between,
    so pages can read the model and :func:`stop_run` takes effect within a slice.
    """
    with ws.lock:
        run = ws.candidate
        if run is None or run.trainer.finished:
            return None
        worker = ws._worker
        if worker is not None and worker.is_alive() and getattr(worker, "run_id", None) == run.run_id:
            return worker
        slots.QUEUE.join(run.run_id)  # here, not on the thread: the page shows its place at once
        worker = threading.Thread(target=_train_loop, args=(ws, run), name=f"lstm-lens-run-{run.run_id}",
                                  daemon=True)
        worker.run_id = run.run_id
        ws._worker = worker
        worker.start()
        return worker


def _train_loop(ws: Workspace, run: Run) -> None:
    """Body of the background thread: wait for a slot, then slice after slice until the run is over.

    A student who has gone (:attr:`Workspace.presence`) gives up their place in line, or
    their slot after the current slice, so a closed tab never holds up the class.
    """
    try:
        wanted = lambda: ws.candidate is run and not run.trainer.finished and _present(ws)  # noqa: E731
        if slots.QUEUE.wait_turn(run.run_id, wanted):
            _train_slices(ws, run)
        elif ws.candidate is run:
            _abandon(ws, run)
    finally:
        slots.QUEUE.leave(run.run_id)


def _present(ws: Workspace) -> bool:
    return ws.presence is None or ws.presence()


def _abandon(ws: Workspace, run: Run) -> None:
    """Stop ``run`` because its student has gone; they read why if they come back."""
    with ws.lock:
        if ws.candidate is not run:
            return
        # The reason first: a page that sees the run gone (without the lock) must also see why.
        ws.failure = ("ws.run_abandoned", {"seconds": int(slots.ABSENT_S), "epoch": run.epochs_done,
                                           "epochs": run.cfg.epochs})
        run.trainer.stop()
        _settle(ws)
        ws.candidate = None


def _train_slices(ws: Workspace, run: Run) -> None:
    while True:
        if not _present(ws):
            _abandon(ws, run)
            return
        with ws.lock:
            if ws.candidate is not run or run.trainer.finished:
                return
            try:
                run.trainer.run_for(BACKGROUND_SLICE_S)
            except Exception as exc:  # a crash must end the run visibly, never leave it "training" forever
                ws.failure = (exc.key, exc.params) if isinstance(exc, LensError) else (
                    "ws.train_failed", {"detail": f"{type(exc).__name__}: {exc}"[:200]})
                run.trainer.stop()
                _settle(ws)
                ws.candidate = None
                return
            _settle(ws)
        time.sleep(0.002)  # let a waiting page (or Stop) take the lock between slices


def queue_place(run: Run | None) -> int | None:
    """Runs ahead of ``run`` in the server's line (0: next), or None when it is not waiting in it."""
    return None if run is None else slots.QUEUE.ahead(run.run_id)


def stop_run(ws: Workspace) -> bool:
    """Stop the run in flight. Return True if it had an epoch and is now the current model."""
    with ws.lock:
        candidate = ws.candidate
        if candidate is None:
            return False
        candidate.trainer.stop()
        slots.QUEUE.leave(candidate.run_id)  # frees its place in line now, not at the waiter's next poll
        _settle(ws)
        ws.candidate = None
        return ws.run is candidate


def _settle(ws: Workspace) -> None:
    """Promote a candidate with at least one epoch; clear the slot once it has finished."""
    candidate = ws.candidate
    if candidate is None:
        return
    if candidate.trainer.epochs_done >= 1 and ws.run is not candidate:
        ws.run = candidate
        ws._forecast_cache = None
    if candidate.trainer.finished:
        ws.candidate = None


def train_to_end(ws: Workspace, cfg: Config, max_seconds: float = 600.0) -> Run:
    """Start a run and train it to the end (for tests and scripts): returns the current run."""
    start_run(ws, cfg)
    deadline = time.perf_counter() + max_seconds
    while ws.candidate is not None and time.perf_counter() < deadline:
        advance(ws, 1.0)
    if ws.candidate is not None:
        stop_run(ws)
    return ws.run


def live_run(ws: Workspace) -> Run | None:
    """Return the run to show while training: the candidate if in flight, else the current run."""
    return ws.candidate if ws.candidate is not None else ws.run


# -- what the pages show ----------------------------------------------------------


@dataclass(frozen=True)
class LivePredictions:
    """The current model's one-step predictions, original units, for the live chart.

    ``fitted`` (M_train,) predicts ``values[window:n_train]``; ``test`` (test_size,) the test part.
    """

    fitted: np.ndarray
    test: np.ndarray


def live_predictions(run: Run) -> LivePredictions:
    """Predict the training and test targets with the model as it is now (one batched pass each)."""
    split = run.split
    with run.lock:
        fitted = split.scaler.inverse(predict_scaled(run.model, split.X_train))
        test = split.scaler.inverse(predict_scaled(run.model, split.X_test))
    return LivePredictions(fitted.astype(np.float32), test.astype(np.float32))


@dataclass(frozen=True)
class GateView:
    """The gates of one layer over one input segment, with where that segment sits in the series.

    Attributes
    ----------
    trace : Trace
        Every layer's states over the segment, arrays of shape (T, H).
    positions : int array (T,)
        Index in the series of each step.
    inputs : float64 array (T,)
        The input values, original units.
    axis : pandas Index (T,)
        Time stamps (or step numbers) of each step.
    segment : str or int
        ``"series"`` or the test window index.
    truncated : bool
        True if the series was longer than :data:`MAX_SERIES_STEPS` and only its end is shown.
    """

    trace: Trace
    positions: np.ndarray
    inputs: np.ndarray
    axis: pd.Index
    segment: str | int
    truncated: bool = False


def series_axis(series) -> pd.Index:
    """Return the time stamps of ``series``, or step numbers 0 … N-1 when it has none."""
    axis = series.axis() if hasattr(series, "axis") else None
    if axis is None:
        axis = getattr(series, "time", None)
    if axis is None:
        axis = pd.RangeIndex(len(series.values))
    return pd.Index(axis)


def n_test_windows(run: Run) -> int:
    """Return how many test windows the run has (one per test point)."""
    return int(run.split.X_test.shape[1])


def gate_trace(ws: Workspace, segment: str | int = 0, run: Run | None = None) -> GateView:
    """Replay the current model over a segment and return every gate and state.

    Parameters
    ----------
    segment : int or "series"
        A test window index (0 = the first window whose target is in the test
        part), or ``"series"``: the whole series (its last
        :data:`MAX_SERIES_STEPS` steps) read as one sequence from a zero state.
    run : Run, optional
        Defaults to the current model.
    """
    run = run or ws.run
    if run is None:
        raise LensError("ws.no_model")
    split = run.split
    axis = series_axis(run.dataset.series)
    if segment == "series":
        start = max(0, len(split.values) - MAX_SERIES_STEPS)
        positions = np.arange(start, len(split.values))
        x = split.scaled[start:, None]
        truncated = start > 0
    else:
        k = int(np.clip(int(segment), 0, n_test_windows(run) - 1))
        first = split.n_train - split.window + k  # the window ends just before test point k
        positions = np.arange(first, first + split.window)
        x = split.X_test[:, k]
        truncated = False
    with run.lock:
        trace = record(run.model.core, np.ascontiguousarray(x, np.float32))
    return GateView(trace, positions, split.values[positions], axis[positions], segment, truncated)


@dataclass(frozen=True)
class ForecastView:
    """The forecast page's content: predictions, scores and the verdict, for the current model.

    Attributes
    ----------
    result : ForecastResult
    table : DataFrame
        Metrics of the model and the baselines (rows), RMSE … MASE (columns).
    verdict : (str, dict)
        i18n key and parameters of the plain-words verdict.
    flat : bool
        The recursive test forecast is almost a flat line.
    flat_pct : float
        Its spread as a percentage of the actual values' spread.
    horizon : int
    recursive : bool
        Whether the scores compare recursive (multi-step) forecasts or one-step ones.
    """

    result: ForecastResult
    table: pd.DataFrame
    verdict: tuple[str, dict]
    flat: bool
    flat_pct: float
    horizon: int
    recursive: bool


def run_horizon(ws: Workspace, run: Run) -> int:
    """Return the horizon to forecast: the data page's if the run is on the current data set."""
    if ws.dataset is not None and ws.dataset.data_id == run.dataset.data_id:
        return ws.dataset.horizon
    return run.dataset.horizon


def forecast(ws: Workspace, recursive: bool = True, lang: str = "en") -> ForecastView:
    """Forecast with the current model, score it against the baselines and say who wins.

    Cached per (model, epoch count, horizon): reruns of the page cost nothing.
    """
    run = ws.run
    if run is None:
        raise LensError("ws.no_model")
    horizon = run_horizon(ws, run)
    season = run.dataset.season
    key = (run.run_id, run.epochs_done, horizon, id(run.model))
    if ws._forecast_cache is not None and ws._forecast_cache[0] == key:
        result = ws._forecast_cache[1]
    else:
        with run.lock:
            result = forecast_all(run.model, run.split, horizon, season)
        ws._forecast_cache = (key, result)
    split = run.split
    actual = split.test_values
    table = metrics_table(actual, result.predictions(recursive), split.train_values, season)
    flat = is_flat(result.test_recursive, actual)
    share = flatness(result.test_recursive, actual)
    return ForecastView(
        result=result,
        table=table,
        verdict=verdict(table, MODEL_NAME, lang=lang),
        flat=flat,
        flat_pct=100.0 * share if np.isfinite(share) else float("nan"),
        horizon=horizon,
        recursive=recursive,
    )


# -- summaries for the sidebar ------------------------------------------------------


def model_summary(ws: Workspace) -> tuple[str, dict]:
    """Return the i18n key and parameters that describe the current model in one line."""
    run = ws.run
    if run is None:
        return "ws.model.none", {}
    last = run.last
    params = {
        "epoch": run.epochs_done,
        "epochs": run.cfg.epochs,
        "hidden": run.cfg.hidden_size,
        "layers": run.cfg.num_layers,
        "window": run.cfg.window,
        "train_loss": last.train_loss if last else float("nan"),
        "val_loss": last.val_loss if last else float("nan"),
        "data": run.dataset.label,
    }
    if run.loaded and last is None:
        return "ws.model.loaded", params
    if run is ws.candidate:
        return "ws.model.training", params
    return f"ws.model.{run.status}" if run.status in ("done", "stopped", "diverged") else "ws.model.done", params


def data_summary(ws: Workspace) -> tuple[str, dict]:
    """Return the i18n key and parameters that describe the current data set in one line."""
    dataset = ws.dataset
    if dataset is None:
        return "ws.data.none", {}
    return "ws.data.some", {"name": dataset.label, "n": dataset.n_points, "freq": dataset.series.freq or "–"}


# -- files ----------------------------------------------------------------------------


def _split_with_scaler(split: Split, scaler) -> Split:
    """Return ``split`` re-scaled with ``scaler`` (a loaded model must read data scaled as in its training)."""
    scaled = scaler.transform(split.values)
    X_all, y_all = make_windows(scaled, split.window)
    m_train = split.n_train - split.window
    return Split(
        values=split.values,
        scaled=scaled,
        n_train=split.n_train,
        window=split.window,
        scaler=scaler,
        X_train=np.ascontiguousarray(X_all[:, :m_train]),
        y_train=y_all[:m_train],
        X_test=np.ascontiguousarray(X_all[:, m_train:]),
        y_test=y_all[m_train:],
    )


def model_file(run: Run) -> bytes:
    """Return the run's model as one ``.pt`` file: state_dict, config, scaler and a few facts."""
    dataset = run.dataset
    extra = {
        "series": dataset.label,
        "source": dataset.name,
        "test_size": run.split.test_size,
        "horizon": dataset.horizon,
        "season": dataset.season,
        "epochs_done": run.epochs_done,
    }
    with run.lock:
        return export.save_model(run.model, run.cfg, run.split.scaler, extra)


def load_model_file(ws: Workspace, data: bytes) -> Run:
    """Make a model saved by :func:`model_file` the current model, on the current data set.

    The file is read with ``torch.load(weights_only=True)`` (never runs code
    from it). The model keeps the scaler it was trained with, so it reads the
    data exactly as it did in training. A run in flight is stopped first.

    Raises
    ------
    LensError
        A file that is not an LSTM Lens model, or no data set to run it on; ``ws`` is then unchanged.
    """
    loaded = export.load_model(data)
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    cfg = loaded.cfg.replace(num_threads=1)
    split = split_series(dataset.series.values, cfg.window, dataset.test_size)
    if loaded.scaler is not None:
        split = _split_with_scaler(split, loaded.scaler)
    # The trainer only holds the model here (one epoch planned, none run): it keeps the app's shape.
    trainer = Trainer(split, cfg.replace(epochs=1), model=loaded.model)
    run = Run(cfg=cfg, split=split, trainer=trainer, dataset=dataset, loaded=True, lock=ws.lock)
    with ws.lock:
        if ws.candidate is not None:
            stop_run(ws)
        ws.run = run
        ws._forecast_cache = None
    return run
