"""Turn a trained forecaster into predictions, in original units, and compute simple baselines.

Four kinds of model output, all from windows of ``T`` past values:

- **fitted values**: one-step-ahead predictions on the training part
  (targets ``values[T:n_train]``);
- **one-step test**: one-step-ahead predictions on the test part, each window
  reading the *actual* previous values;
- **recursive test**: a rollout over the test part that starts at the end of
  the training part and feeds each prediction back in as the newest input
  (the honest "forecast a year ahead" setting);
- **future**: the same rollout started after the last known value, for a
  chosen horizon (as in the classic airline-passengers tutorial).

Baselines forecast the test part from the training part alone: the last value,
the value one season earlier (seasonal naive, only for a series with a real
season of at least 2 steps on a regular time grid), and the training mean. With
``one_step=True`` they may read the actual values up to ``t - 1`` instead,
which makes them the fair yardstick for one-step predictions.

Every prediction over many windows is one batched forward pass under
``torch.no_grad()`` with the model in eval mode.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from lstm_viz.errors import LensError
from lstm_viz.windows import Split

MODEL_NAME = "LSTM"
BASELINE_NAMES: tuple[str, ...] = ("last_value", "seasonal_naive", "train_mean")


def predict_scaled(model: nn.Module, X: np.ndarray | torch.Tensor) -> np.ndarray:
    """Predict the next value of every window in one forward pass, in model units.

    Parameters
    ----------
    model : Forecaster
        Maps (T, B, D) to (B, 1). Its train/eval mode is restored afterwards.
    X : array of shape (T, M, D)
        Windows, time-first.

    Returns
    -------
    float32 array of shape (M,)
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(torch.as_tensor(X, dtype=torch.float32))
    finally:
        model.train(was_training)
    return out[:, 0].numpy()


def fitted_values(model: nn.Module, split: Split) -> np.ndarray:
    """Return one-step predictions on the training part, (M_train,) float64, original units.

    Entry ``k`` predicts ``split.values[split.window + k]``.
    """
    return split.one_step_values(predict_scaled(model, split.X_train), split.window)


def one_step_test(model: nn.Module, split: Split) -> np.ndarray:
    """Return one-step-ahead predictions over the test part, (test_size,) float64, original units."""
    return split.one_step_values(predict_scaled(model, split.X_test), split.n_train)


def rollout_scaled(model: nn.Module, seed_window: np.ndarray, horizon: int,
                   covariates: np.ndarray | None = None) -> np.ndarray:
    """Forecast ``horizon`` steps recursively, in model units.

    Each prediction is appended to the window and the oldest value dropped,
    so from step ``T`` on the model reads only its own outputs for the target.
    Covariates are never predicted: the rows after the seed read their given values.

    Parameters
    ----------
    seed_window : array of shape (T,) or (T, D)
        The last ``T`` known steps, scaled, oldest first (the target in column 0).
    horizon : int
        Steps to forecast, at least 1.
    covariates : array of shape (horizon - 1, D - 1), optional
        The covariates of the steps after the seed that the rollout reads (step ``h``
        reads rows up to ``h - 1``); required when ``D > 1``.

    Returns
    -------
    float32 array of shape (horizon,)
    """
    if horizon < 1:
        raise LensError("forecast.horizon", horizon=int(horizon))
    seed = np.asarray(seed_window, np.float32)
    seed = seed if seed.ndim == 2 else seed[:, None]
    n_steps, n_inputs = seed.shape
    # One buffer holds the seed followed by the predicted steps; window k is buf[k : k + T].
    buf = torch.zeros(n_steps + horizon, n_inputs, dtype=torch.float32)
    buf[:n_steps] = torch.from_numpy(seed)
    if n_inputs > 1:
        given = np.asarray(covariates, np.float32).reshape(-1, n_inputs - 1)
        if given.shape[0] < horizon - 1:
            raise LensError("inputs.future_unknown", steps=int(horizon), known=int(given.shape[0]) + 1)
        buf[n_steps : n_steps + horizon - 1, 1:] = torch.from_numpy(given[: horizon - 1])
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for k in range(horizon):
                x = buf[k : k + n_steps].view(n_steps, 1, n_inputs)
                buf[n_steps + k, 0] = model(x)[0, 0]
    finally:
        model.train(was_training)
    return buf[n_steps:, 0].numpy().copy()


def rollout(model: nn.Module, split: Split, horizon: int, start: int | None = None) -> np.ndarray:
    """Forecast ``horizon`` steps recursively after the first ``start`` values, original units.

    Parameters
    ----------
    start : int, optional
        How many values of the series are known; default all of them (a
        forecast beyond the data). ``start = split.n_train`` forecasts the
        test part from the training part alone.

    Returns
    -------
    float64 array of shape (horizon,): predictions for ``values[start : start + horizon]``.

    Raises
    ------
    LensError
        ``inputs.future_unknown`` when the model reads covariates and the forecast
        would need their values past the data (see :meth:`Split.known_steps`).
    """
    start = len(split.values) if start is None else int(start)
    known = split.known_steps(start)
    if known is not None and horizon > known:
        raise LensError("inputs.future_unknown", steps=int(horizon), known=int(known))
    inputs = split.inputs
    seed = inputs[start - split.window : start]
    covariates = inputs[start : start + horizon - 1, 1:] if split.n_inputs > 1 else None
    return split.rollout_values(rollout_scaled(model, seed, horizon, covariates), start)


def recursive_test(model: nn.Module, split: Split) -> np.ndarray:
    """Forecast the whole test part from the end of the training part, (test_size,) original units."""
    return rollout(model, split, split.test_size, start=split.n_train)


def baselines(split: Split, season: int | None = None, one_step: bool = False) -> dict[str, np.ndarray]:
    """Forecast the test part with three simple rules, original units.

    Parameters
    ----------
    season : int, optional
        Season length in steps of the regular time grid (12 for monthly data).
        None, 1, or longer than the training part: there is no seasonal naive
        forecast (it would only repeat the last value under another name).
    one_step : bool
        False: forecast from the end of the training part only (multi-step).
        True: each forecast may read the actual values up to the step before it.

    Returns
    -------
    dict mapping "last_value", "seasonal_naive" (only with a season), "train_mean" to
    (test_size,) float64 arrays.
    """
    values, n_train, n_test = split.values, split.n_train, split.test_size
    t = np.arange(n_train, n_train + n_test)  # indices being forecast
    if one_step:
        last = values[t - 1]
    else:
        last = np.full(n_test, values[n_train - 1])
    mean = np.full(n_test, float(np.mean(values[:n_train])))
    if not has_season(season, n_train):
        return {"last_value": last, "train_mean": mean}
    if one_step:
        seasonal = values[t - season]
    else:
        # Repeat the last observed season: step h reads values[n_train - season + h mod season].
        seasonal = values[n_train - season + (t - n_train) % season]
    return {"last_value": last, "seasonal_naive": seasonal, "train_mean": mean}


def has_season(season: int | None, n_known: int) -> bool:
    """Return True when a seasonal naive forecast exists: a season of 2 … ``n_known`` steps."""
    return season is not None and 2 <= int(season) <= int(n_known)


@dataclass(frozen=True)
class ForecastResult:
    """Everything a page needs to compare the model with the data and the baselines.

    Attributes
    ----------
    fitted : (M_train,)
        One-step predictions for ``values[window:n_train]``.
    test_one_step : (test_size,)
        One-step-ahead predictions for the test part.
    test_recursive : (test_size,)
        Recursive forecast of the test part from the end of the training part.
    future : (F,)
        Recursive forecast beyond the last value: F = horizon, or fewer for a model
        reading covariates (:func:`future_steps`: their future values are unknown).
    baselines : dict[str, (test_size,)]
        Multi-step baselines (compare with ``test_recursive``).
    baselines_one_step : dict[str, (test_size,)]
        One-step baselines (compare with ``test_one_step``).

    All arrays are float64 in original units.
    """

    fitted: np.ndarray
    test_one_step: np.ndarray
    test_recursive: np.ndarray
    future: np.ndarray
    baselines: dict[str, np.ndarray]
    baselines_one_step: dict[str, np.ndarray]

    def predictions(self, recursive: bool = True) -> dict[str, np.ndarray]:
        """Return the model's test predictions followed by the matching baselines."""
        if recursive:
            return {MODEL_NAME: self.test_recursive, **self.baselines}
        return {MODEL_NAME: self.test_one_step, **self.baselines_one_step}


def future_steps(split: Split, horizon: int) -> int:
    """Return how many of ``horizon`` steps beyond the data can be forecast: all, or with covariates one."""
    known = split.known_steps(len(split.values))
    return int(horizon) if known is None else int(min(horizon, known))


def forecast_all(model: nn.Module, split: Split, horizon: int, season: int | None = None) -> ForecastResult:
    """Compute fitted values, both test forecasts, a future rollout and the baselines."""
    return ForecastResult(
        fitted=fitted_values(model, split),
        test_one_step=one_step_test(model, split),
        test_recursive=recursive_test(model, split),
        future=rollout(model, split, future_steps(split, horizon)),
        baselines=baselines(split, season),
        baselines_one_step=baselines(split, season, one_step=True),
    )
