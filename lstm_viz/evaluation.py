"""Judge a trained forecaster honestly: a rolling-origin backtest, verdicts with their spread, and warnings.

Rolling-origin evaluation (what forecasting libraries call backtesting or
historical forecasts): the trained model forecasts ``h`` steps ahead from
several *origins* spread through the test part. At origin ``o`` it reads the
actual values up to ``o`` (never anything later) and forecasts
``values[o : o + h]``; the baselines do the same from the same history. With
``K`` origins the verdict reads "LSTM beat seasonal naive at 5 of 6 origins;
mean RMSE 24 ± 6", the ± being the standard deviation over origins: one split
gives one number, several origins show how much it swings.

The model is never refitted: its weights, chosen on the validation part, stay
as they are, so every origin is still an honest test (the test values it reads
as inputs were never learned from).

A test part with fewer than :data:`MIN_VERDICT_POINTS` points, or room for
fewer than :data:`MIN_ORIGINS` origins, gets no verdict at all, only the
message that there are too few points for one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from torch import nn

from lstm_viz.forecast import MODEL_NAME, has_season, rollout
from lstm_viz.metrics import display_name, rmse
from lstm_viz.windows import Split

MIN_VERDICT_POINTS = 6  # fewer test points than this say nothing about which forecast is better
MIN_ORIGINS = 3  # a spread needs at least three origins
MAX_ORIGINS = 12  # enough to see the spread; each origin costs one rollout
FEW_TRAIN_WINDOWS = 20  # fewer training windows than this leave too little to learn from


def backtest_horizon(test_size: int, horizon: int | None = None) -> int:
    """Return the steps forecast from each origin: half the test part (so there is room for several
    origins), at most ``horizon`` when given, at least 1."""
    h = max(1, int(test_size) // 2)
    return int(min(h, horizon)) if horizon else h


def origins(n_train: int, n_points: int, h: int, max_origins: int = MAX_ORIGINS) -> np.ndarray:
    """Return the forecast origins: up to ``max_origins`` indices from ``n_train`` to ``n_points - h``,
    evenly spread, first and last included (int64, ascending, unique)."""
    last = int(n_points) - int(h)
    if last < n_train:
        return np.zeros(0, np.int64)
    count = min(int(max_origins), last - int(n_train) + 1)
    return np.unique(np.round(np.linspace(n_train, last, count)).astype(np.int64))


def baseline_forecasts(values: np.ndarray, origin: int, h: int, season: int | None) -> dict[str, np.ndarray]:
    """Forecast ``values[origin : origin + h]`` from ``values[:origin]`` with the simple rules.

    Returns "last_value" (the value at ``origin - 1`` repeated) and, with a season of 2 …
    ``origin`` steps, "seasonal_naive" (the last observed season repeated).
    """
    known = np.asarray(values, np.float64)[: int(origin)]
    out = {"last_value": np.full(h, known[-1])}
    if has_season(season, origin):
        out["seasonal_naive"] = known[origin - season + np.arange(h) % season]
    return out


@dataclass(frozen=True)
class Backtest:
    """A rolling-origin evaluation of one model.

    Attributes
    ----------
    origins : int64 array (K,)
        Index of each origin: the first value forecast from it.
    horizon : int
        Steps forecast from each origin, ``h``.
    rmse : dict[str, float64 array (K,)]
        RMSE per origin of the model (:data:`~lstm_viz.forecast.MODEL_NAME`) and of each baseline.
    """

    origins: np.ndarray
    horizon: int
    rmse: dict[str, np.ndarray]

    @property
    def n_origins(self) -> int:
        return int(len(self.origins))

    def strongest_baseline(self) -> str | None:
        """Return the baseline with the lowest mean RMSE over the origins (None without baselines)."""
        others = {name: float(np.mean(err)) for name, err in self.rmse.items() if name != MODEL_NAME}
        return min(others, key=others.get) if others else None

    def wins(self, baseline: str) -> int:
        """Return at how many origins the model's RMSE is strictly below ``baseline``'s."""
        return int(np.sum(self.rmse[MODEL_NAME] < self.rmse[baseline]))

    def mean_std(self, name: str = MODEL_NAME) -> tuple[float, float]:
        """Return the mean and the standard deviation (ddof 1; 0 for one origin) of ``name``'s RMSE."""
        err = self.rmse[name]
        return float(np.mean(err)), float(np.std(err, ddof=1)) if len(err) > 1 else 0.0


def backtest(model: nn.Module, split: Split, season: int | None = None, horizon: int | None = None,
             max_origins: int = MAX_ORIGINS) -> Backtest:
    """Forecast ``h`` steps recursively from each origin in the test part, and score model and baselines.

    Parameters
    ----------
    model : Forecaster
        Trained; it is only run (eval mode, no gradients).
    split : Split
        Origins lie in the test part, ``split.n_train`` … ``N - h``.
    season : int, optional
        For the seasonal naive baseline (steps of the regular grid).
    horizon : int, optional
        Upper bound for ``h`` (default half the test part, see :func:`backtest_horizon`).
    """
    h = backtest_horizon(split.test_size, horizon)
    where = origins(split.n_train, len(split.values), h, max_origins)
    scores: dict[str, list[float]] = {MODEL_NAME: []}
    for origin in where:
        actual = split.values[origin : origin + h]
        scores[MODEL_NAME].append(rmse(actual, rollout(model, split, h, start=int(origin))))
        for name, pred in baseline_forecasts(split.values, int(origin), h, season).items():
            scores.setdefault(name, []).append(rmse(actual, pred))
    return Backtest(where, h, {name: np.asarray(err, np.float64) for name, err in scores.items()})


def enough_for_verdict(test_size: int, n_origins: int | None = None) -> bool:
    """Return True when the test part can support a verdict (enough points, and enough origins if given)."""
    return int(test_size) >= MIN_VERDICT_POINTS and (n_origins is None or n_origins >= MIN_ORIGINS)


def too_few_message(test_size: int) -> tuple[str, dict]:
    """Return the i18n key and parameters saying there are too few test points for a verdict."""
    return "eval.verdict.too_few", {"n": int(test_size), "need": MIN_VERDICT_POINTS}


def backtest_verdict(result: Backtest, test_size: int, lang: str = "en") -> tuple[str, dict]:
    """Say in words how the model did across origins, or that there are too few points to say.

    Returns
    -------
    key : str
        ``"eval.backtest.verdict"``, ``"eval.backtest.no_baseline"`` or ``"eval.verdict.too_few"``.
    params : dict
        ``model``, ``baseline``, ``wins``, ``k`` (origins), ``h``, ``mean``, ``std``,
        ``base_mean``, ``base_std``, and ``mostly_won`` (the model won at more than half the origins).
    """
    if not enough_for_verdict(test_size, result.n_origins):
        return too_few_message(test_size)
    mean, std = result.mean_std()
    params = {"model": MODEL_NAME, "k": result.n_origins, "h": result.horizon, "mean": mean, "std": std}
    best = result.strongest_baseline()
    if best is None:
        return "eval.backtest.no_baseline", params
    base_mean, base_std = result.mean_std(best)
    wins = result.wins(best)
    return "eval.backtest.verdict", {**params, "baseline": display_name(best, lang), "wins": wins,
                                     "base_mean": base_mean, "base_std": base_std,
                                     "mostly_won": wins * 2 > result.n_origins}


def learning_warnings(n_points: int, window: int, test_size: int, val_size: int = 0) -> list[tuple[str, dict]]:
    """Return (i18n key, params) for each way the split leaves too little to learn from.

    - the test part holds more than half the series;
    - the window reads more than half the training part;
    - fewer than :data:`FEW_TRAIN_WINDOWS` training windows are left.
    """
    n_fit = int(n_points) - int(test_size) - int(val_size)
    m_fit = n_fit - int(window)
    out: list[tuple[str, dict]] = []
    if 2 * int(test_size) > int(n_points):
        out.append(("eval.warn.test", {"test": int(test_size), "n": int(n_points)}))
    if 2 * int(window) > n_fit:
        out.append(("eval.warn.window", {"window": int(window), "n_fit": n_fit}))
    if m_fit < FEW_TRAIN_WINDOWS:
        out.append(("eval.warn.few_windows", {"m": max(0, m_fit), "need": FEW_TRAIN_WINDOWS}))
    return out
