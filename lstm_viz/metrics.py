r"""Score forecasts against the actual values, and say in plain words whether the model helped.

With actuals :math:`y_t`, forecasts :math:`\hat y_t` and errors :math:`e_t = y_t - \hat y_t`
over ``n`` test steps:

- RMSE  :math:`= \sqrt{\tfrac1n \sum e_t^2}`
- MAE   :math:`= \tfrac1n \sum |e_t|`
- MAPE  :math:`= \tfrac{100}{n'} \sum |e_t| / |y_t|` over the steps with :math:`y_t \ne 0`
- sMAPE :math:`= \tfrac{100}{n'} \sum 2|e_t| / (|y_t| + |\hat y_t|)` over the steps where the denominator is not 0
- MASE  :math:`= \text{MAE} / \tfrac{1}{N-m} \sum_{s>m} |y_s - y_{s-m}|`, the denominator being the
  in-sample MAE of the seasonal naive forecast on the training part (season ``m``, 1 if none)

MAPE and sMAPE are percentages. A metric that cannot be computed is NaN.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_viz.errors import LensError

METRICS: tuple[str, ...] = ("RMSE", "MAE", "MAPE", "sMAPE", "MASE")
FLAT_RATIO = 0.1  # a forecast varying less than 10 % as much as the data is called flat


def _pair(y_true, y_pred) -> tuple[np.ndarray, np.ndarray]:
    y_true = np.asarray(y_true, np.float64).ravel()
    y_pred = np.asarray(y_pred, np.float64).ravel()
    if y_true.shape != y_pred.shape:
        raise LensError("metrics.length", n_true=y_true.size, n_pred=y_pred.size)
    return y_true, y_pred


def rmse(y_true, y_pred) -> float:
    """Return the root mean squared error."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((y_true - y_pred) ** 2))) if y_true.size else float("nan")


def mae(y_true, y_pred) -> float:
    """Return the mean absolute error."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(y_true - y_pred))) if y_true.size else float("nan")


def mape(y_true, y_pred) -> float:
    """Return the mean absolute percentage error, skipping zero actuals (NaN if none are left)."""
    y_true, y_pred = _pair(y_true, y_pred)
    keep = y_true != 0
    if not keep.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs(y_true[keep] - y_pred[keep]) / np.abs(y_true[keep])))


def smape(y_true, y_pred) -> float:
    """Return the symmetric MAPE in percent (0 … 200), skipping steps where actual and forecast are both 0."""
    y_true, y_pred = _pair(y_true, y_pred)
    denom = np.abs(y_true) + np.abs(y_pred)
    keep = denom != 0
    if not keep.any():
        return float("nan")
    return float(100.0 * np.mean(2.0 * np.abs(y_true[keep] - y_pred[keep]) / denom[keep]))


def mase_season(n_train: int, season: int | None = None) -> int:
    """Return the season ``m`` MASE scales by: ``season``, or 1 (the last-value naive) when
    ``season`` is None, below 2, or not shorter than the ``n_train`` training values."""
    return int(season) if season and 2 <= season < n_train else 1


def naive_scale(y_train, season: int | None = None) -> float:
    """Return the in-sample MAE of the seasonal naive forecast on ``y_train`` (the MASE denominator).

    Uses season 1 (the last-value naive, see :func:`mase_season`) when ``season`` is None or
    not shorter than the training part.
    """
    y_train = np.asarray(y_train, np.float64).ravel()
    m = mase_season(y_train.size, season)
    if y_train.size <= m:
        return float("nan")
    return float(np.mean(np.abs(y_train[m:] - y_train[:-m])))


def mase(y_true, y_pred, y_train, season: int | None = None) -> float:
    """Return the mean absolute scaled error (NaN when the training part never changes)."""
    scale = naive_scale(y_train, season)
    if not np.isfinite(scale) or scale == 0:
        return float("nan")
    return mae(y_true, y_pred) / scale


def metrics_table(
    y_true, predictions: dict[str, np.ndarray], y_train, season: int | None = None
) -> pd.DataFrame:
    """Score several forecasts of the same actuals.

    Parameters
    ----------
    y_true : array (n,)
        Actual values of the test part, original units.
    predictions : dict[str, array (n,)]
        Forecast name -> forecast, e.g. ``{"LSTM": ..., "seasonal_naive": ...}``.
    y_train : array
        The training part, for MASE.
    season : int, optional
        Season length for MASE.

    Returns
    -------
    DataFrame indexed by forecast name (in the given order) with columns
    RMSE, MAE, MAPE, sMAPE, MASE.
    """
    scale = naive_scale(y_train, season)
    rows = {}
    for name, y_pred in predictions.items():
        err_mae = mae(y_true, y_pred)
        rows[name] = {
            "RMSE": rmse(y_true, y_pred),
            "MAE": err_mae,
            "MAPE": mape(y_true, y_pred),
            "sMAPE": smape(y_true, y_pred),
            "MASE": err_mae / scale if np.isfinite(scale) and scale > 0 else float("nan"),
        }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(METRICS))
    table.index.name = "model"
    return table


def display_name(name: str, lang: str = "en") -> str:
    """Return the translated name of a known forecast ("seasonal_naive" …), else ``name`` itself."""
    from lstm_viz.i18n import TABLES, tr

    key = f"forecast.name.{name}"
    return tr(key, lang) if key in TABLES["en"] else name


def verdict(
    table: pd.DataFrame, model_name: str = "LSTM", metric: str = "RMSE", lang: str = "en"
) -> tuple[str, dict]:
    """Say whether the model beats the strongest baseline in ``table``.

    Every row other than ``model_name`` counts as a baseline; the model is
    compared with the one that has the lowest ``metric``.

    Returns
    -------
    key : str
        ``"metrics.verdict.beats"``, ``"metrics.verdict.ties"``, ``"metrics.verdict.loses"``,
        ``"metrics.verdict.no_baseline"`` or ``"metrics.verdict.unknown"`` (a NaN score).
    params : dict
        ``model``, ``baseline`` (its name in ``lang``), ``baseline_id``, ``metric``,
        ``pct`` (how much lower / higher the model's error is, in percent).
    """
    params: dict = {"model": model_name, "metric": metric}
    others = table.drop(index=model_name, errors="ignore")[metric].dropna()
    if model_name not in table.index or others.empty:
        return "metrics.verdict.no_baseline", params
    score = float(table.loc[model_name, metric])
    best_id = str(others.idxmin())
    best = float(others.min())
    params.update(baseline=display_name(best_id, lang), baseline_id=best_id)
    if not np.isfinite(score):
        return "metrics.verdict.unknown", params
    if score == best:
        return "metrics.verdict.ties", {**params, "pct": 0.0}
    if best == 0:  # a perfect baseline: any error is infinitely worse in relative terms
        return "metrics.verdict.loses", {**params, "pct": float("inf")}
    pct = 100.0 * abs(best - score) / best
    return ("metrics.verdict.beats" if score < best else "metrics.verdict.loses"), {**params, "pct": pct}


def flatness(y_pred, y_true) -> float:
    """Return std(prediction) / std(actual); NaN when the actual values never change."""
    y_true, y_pred = _pair(y_true, y_pred)
    spread = float(np.std(y_true))
    return float(np.std(y_pred)) / spread if spread > 0 else float("nan")


def is_flat(y_pred, y_true, ratio: float = FLAT_RATIO) -> bool:
    """Return True when the prediction is almost a flat line compared with the actual values.

    "Almost flat" means its standard deviation is below ``ratio`` times that of
    the actuals. Explain it to the student with ``tr("metrics.flat", lang, pct=100 * flatness(...))``.
    """
    share = flatness(y_pred, y_true)
    return bool(np.isfinite(share) and share < ratio)
