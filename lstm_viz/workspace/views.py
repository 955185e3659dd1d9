"""What the pages show of a run: live predictions, gates over a segment, the forecast, one-line summaries."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_viz import figures
from lstm_viz.data import future_index
from lstm_viz.errors import LensError
from lstm_viz.evaluation import Backtest, backtest, backtest_verdict, enough_for_verdict, too_few_message
from lstm_viz.forecast import MODEL_NAME, ForecastResult, forecast_all, predict_scaled
from lstm_viz.numbers import format_number
from lstm_viz.metrics import flatness, is_flat, metrics_table, verdict
from lstm_viz.recorder import Trace, record
from lstm_viz.workspace.state import Run, Workspace

MAX_SERIES_STEPS = 1500  # the "whole series" gate view replays at most this many recent steps


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
        fitted = split.one_step_values(predict_scaled(run.model, split.X_train), split.window)
        test = split.one_step_values(predict_scaled(run.model, split.X_test), split.n_train)
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
        What the model reads of the target, before scaling: the values in original units, or, when the run
        transforms the series (log, differences), the transformed series.
    axis : pandas Index (T,)
        Time stamps (or step numbers) of each step.
    segment : str or int
        ``"series"`` or the test window index.
    truncated : bool
        True if the series was longer than :data:`MAX_SERIES_STEPS` and only its end is shown.
    x : float32 array (T, D)
        Every input exactly as the model reads it (scaled; the target first).
    input_names : tuple of str
        The ``D`` inputs' names (the target's column, then each covariate).
    """

    trace: Trace
    positions: np.ndarray
    inputs: np.ndarray
    axis: pd.Index
    segment: str | int
    truncated: bool = False
    x: np.ndarray | None = None
    input_names: tuple[str, ...] = ()

    @property
    def lines(self) -> np.ndarray:
        """What the gate figures draw above the heatmaps, (T, D): the target's ``inputs`` alone, or,
        with covariates, every input scaled (their units differ; scaled, they share one axis)."""
        if self.x is None or self.x.shape[1] == 1:
            return self.inputs[:, None]
        return self.x

    @property
    def line_names(self) -> tuple[str, ...] | None:
        """Names of :attr:`lines`' columns for the figures; None for the target alone (drawn as ``x``)."""
        return self.input_names if self.x is not None and self.x.shape[1] > 1 else None


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


def window_start(run: Run, k: int) -> int:
    """Return the index in the series where test window ``k`` starts: it ends just before test point ``k``."""
    return run.split.n_train - run.split.window + k


def window_times(run: Run, k: int) -> dict[str, object]:
    """Return what a label of test window ``k`` says, as message parameters.

    Returns
    -------
    dict
        ``k``: the window's number counted from 1; ``start``, ``end``: the times of
        its first and last step; ``target``: the time of the point it predicts. Times
        are the series' time stamps (or step numbers) cut to 10 characters, a date.
    """
    axis = series_axis(run.dataset.series)
    first = window_start(run, k)
    last = first + run.split.window - 1
    return {"k": k + 1, "start": str(axis[first])[:10], "end": str(axis[last])[:10],
            "target": str(axis[last + 1])[:10]}


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
        x = split.inputs[start:]
        truncated = start > 0
    else:
        k = int(np.clip(int(segment), 0, n_test_windows(run) - 1))
        first = window_start(run, k)
        positions = np.arange(first, first + split.window)
        x = split.X_test[:, k]
        truncated = False
    with run.lock:
        trace = record(run.model.core, np.ascontiguousarray(x, np.float32))
    # The model reads the transformed series: show that, not the values it never sees.
    inputs = split.values[positions] if split.transform.identity else split.scaler.inverse(x[:, 0])
    return GateView(trace, positions, inputs, axis[positions], segment, truncated, x=np.asarray(x, np.float32),
                    input_names=run.input_names)


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
    backtest : Backtest
        The rolling-origin evaluation of the same model.
    backtest_verdict : (str, dict)
        i18n key and parameters of its verdict ("beat … at 5 of 6 origins"), or of "too few points".
    future_axis : DatetimeIndex or int array (horizon,)
        The times of the forecast beyond the data (:func:`lstm_viz.data.future_index`).
    """

    result: ForecastResult
    table: pd.DataFrame
    verdict: tuple[str, dict]
    flat: bool
    flat_pct: float
    horizon: int
    recursive: bool
    backtest: Backtest | None = None
    backtest_verdict: tuple[str, dict] | None = None
    future_axis: pd.DatetimeIndex | np.ndarray | None = None


def run_horizon(ws: Workspace, run: Run) -> int:
    """Return the horizon to forecast: the data page's if the run is on the current data set."""
    if ws.dataset is not None and ws.dataset.data_id == run.dataset.data_id:
        return ws.dataset.horizon
    return run.dataset.horizon


def forecast(ws: Workspace, recursive: bool = True, lang: str = "en", run: Run | None = None) -> ForecastView:
    """Forecast with the current model (or ``run``), score it against the baselines and say who wins.

    Also backtests it from several origins (:mod:`lstm_viz.evaluation`). A test part too
    small for any verdict gets the "too few points" message instead of a percentage.
    Cached per (model, epoch count, horizon): reruns of the page cost nothing.
    """
    run = run or ws.run
    if run is None:
        raise LensError("ws.no_model")
    horizon = run_horizon(ws, run)
    season = run.dataset.season
    key = (run.run_id, run.epochs_done, horizon, id(run.model))
    if ws.forecast_cache is not None and ws.forecast_cache[0] == key:
        result, tested = ws.forecast_cache[1]
    else:
        with run.lock:
            result = forecast_all(run.model, run.split, horizon, season)
            tested = backtest(run.model, run.split, season)
        ws.forecast_cache = (key, (result, tested))
    split = run.split
    actual = split.test_values
    table = metrics_table(actual, result.predictions(recursive), split.train_values, season)
    flat = is_flat(result.test_recursive, actual)
    share = flatness(result.test_recursive, actual)
    said = verdict(table, MODEL_NAME, lang=lang) if enough_for_verdict(split.test_size) else too_few_message(
        split.test_size)
    return ForecastView(
        result=result,
        table=table,
        verdict=said,
        flat=flat,
        flat_pct=100.0 * share if np.isfinite(share) else float("nan"),
        horizon=horizon,
        recursive=recursive,
        backtest=tested,
        backtest_verdict=backtest_verdict(tested, split.test_size, lang),
        future_axis=future_index(run.dataset.series, len(result.future)),  # one step with covariates
    )


def forecast_figure(ws: Workspace, view: ForecastView, show_baselines: bool = True, lang: str = "en"):
    """Draw ``view`` (from :func:`forecast`) over the current model's series: fitted, test and future forecasts.

    The baselines drawn are the kind the view scores: recursive or one step ahead.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    run, result = ws.run, view.result
    if run is None:
        raise LensError("ws.no_model")
    split, series = run.split, run.dataset.series
    return figures.forecast_figure(
        series.axis(), split.values, split.n_train,
        fitted=result.fitted, test_pred=result.test_one_step, test_recursive=result.test_recursive,
        future_x=view.future_axis, future=result.future,
        baselines=result.baselines if view.recursive else result.baselines_one_step,
        show_baselines=show_baselines, window=split.window, lang=lang, val_size=split.val_size,
    )


# -- summaries for the sidebar ------------------------------------------------------


def model_summary(ws: Workspace) -> tuple[str, dict]:
    """Return the i18n key and parameters that describe the current model in one line (losses as text)."""
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
        # Losses as text for people (lstm_viz.numbers), as every page shows them.
        "train_loss": format_number(last.train_loss if last else float("nan")),
        "val_loss": format_number(last.val_loss if last else float("nan")),
        "data": run.dataset.label,
    }
    if run.loaded and last is None:
        return "ws.model.loaded", params
    if run is ws.candidate:
        return "ws.model.training", params
    return f"ws.model.{run.status}" if run.status in ("done", "stopped", "early", "diverged") else "ws.model.done", params


def data_summary(ws: Workspace) -> tuple[str, dict]:
    """Return the i18n key and parameters that describe the current data set in one line."""
    dataset = ws.dataset
    if dataset is None:
        return "ws.data.none", {}
    return "ws.data.some", {"name": dataset.label, "n": dataset.n_points, "freq": dataset.series.freq or "–"}
