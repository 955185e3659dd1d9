"""Transform a series before the model sees it: log or Box-Cox, then differencing; and back.

Why the airline series needs both:

- its seasonal swings grow with its level (multiplicative season): after a
  **log** (or **Box-Cox**) they have about the same size every year;
- its trend carries the test year above every value of the training part.
  An LSTM's output is a tanh-squashed state through a linear head, so it
  extrapolates badly; after **differencing** the model predicts changes,
  which stay in the range it was trained on: from one step to the next
  (lag 1, ``d_t = u_t - u_{t-1}``) or from the same step one season earlier
  (lag ``m``, ``d_t = u_t - u_{t-m}``, seasonal differencing), and the
  forecast adds the predicted changes to known values.

With ``u = f(x)`` (identity, log, or Box-Cox with λ) and a lag ``diff`` (0: none)::

    model series  d_t = u_t - u_{t-diff}          (d_t = u_t when diff = 0)
    one step      x̂_t = f⁻¹(u_{t-diff} + d̂_t)      from the actual earlier value
    rollout       û_t = û_{t-diff} + d̂_t           û being the actual u before the origin

The first ``diff`` points have no earlier value; their difference is set to 0
(no change) so every array keeps one entry per point of the series, and
windows that read them are not learned from (see :func:`lstm_viz.windows.split_series`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from lstm_viz.errors import LensError

TransformKind = Literal["none", "log", "boxcox"]
TRANSFORMS: tuple[str, ...] = ("none", "log", "boxcox")
TREND_SHARE = 1.0  # a trend moving the level by more than one standard deviation calls for differencing


@dataclass(frozen=True)
class Transform:
    """A pointwise transform ``u = f(x)`` followed by differencing at lag ``diff`` (0: none).

    Attributes
    ----------
    kind : {"none", "log", "boxcox"}
    lam : float
        Box-Cox λ (fitted on the training part); unused otherwise.
    diff : int
        0: the model reads ``u``; k ≥ 1: it reads ``u_t - u_{t-k}`` (1: step to step, the season: year to year).
    """

    kind: TransformKind = "none"
    lam: float = 1.0
    diff: int = 0

    @property
    def identity(self) -> bool:
        return self.kind == "none" and self.diff == 0

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``u = f(x)`` (float64)."""
        x = np.asarray(x, np.float64)
        if self.kind == "log":
            return np.log(x)
        if self.kind == "boxcox":
            return np.log(x) if self.lam == 0 else (x**self.lam - 1.0) / self.lam
        return x

    def inverse(self, u: np.ndarray) -> np.ndarray:
        """Return ``x = f⁻¹(u)`` (float64)."""
        u = np.asarray(u, np.float64)
        if self.kind == "log" or (self.kind == "boxcox" and self.lam == 0):
            return np.exp(u)
        if self.kind == "boxcox":
            # λu + 1 ≤ 0 has no preimage; a forecast that far off is clipped to the smallest positive value.
            return np.maximum(self.lam * u + 1.0, np.finfo(np.float64).tiny) ** (1.0 / self.lam)
        return u

    def model_series(self, x: np.ndarray) -> np.ndarray:
        """Return the series the model reads, ``d`` (N,), before scaling."""
        u = self.forward(x)
        if not self.diff:
            return u
        d = np.empty_like(u)
        d[: self.diff] = 0.0
        d[self.diff :] = u[self.diff :] - u[: -self.diff]
        return d

    def one_step(self, d_hat: np.ndarray, x: np.ndarray, first: int) -> np.ndarray:
        """Turn model outputs for targets ``first, first + 1, …`` into values, each from the actual previous one."""
        d_hat = np.asarray(d_hat, np.float64)
        if not self.diff:
            return self.inverse(d_hat)
        t = first + np.arange(d_hat.shape[0])
        return self.inverse(self.forward(np.asarray(x, np.float64)[t - self.diff]) + d_hat)

    def rollout(self, d_hat: np.ndarray, x: np.ndarray, start: int) -> np.ndarray:
        """Turn a rollout's outputs for ``start, start + 1, …`` into values, from the last known one on."""
        d_hat = np.asarray(d_hat, np.float64)
        if not self.diff:
            return self.inverse(d_hat)
        lag = self.diff
        u = np.concatenate([self.forward(np.asarray(x, np.float64)[start - lag : start]), np.empty(d_hat.shape[0])])
        for k in range(d_hat.shape[0]):  # û_{start+k} = û_{start+k-lag} + d̂_k; actual values before start
            u[lag + k] = u[k] + d_hat[k]
        return self.inverse(u[lag:])


def diff_lags(season: int | None) -> list[int]:
    """Return the differencing lags offered for a series: none, step to step, and season to season if it has one."""
    return [0, 1] + ([int(season)] if season and season >= 2 else [])


def fit_transform(train: np.ndarray, values: np.ndarray, kind: str = "none", diff: int = 0) -> Transform:
    """Fit ``kind`` on the training values (Box-Cox λ by maximum likelihood) after checking ``values``.

    Raises
    ------
    LensError
        An unknown kind, a differencing lag below 0 or not shorter than the training part,
        or a log / Box-Cox of a series with a value ≤ 0.
    """
    if kind not in TRANSFORMS:
        raise LensError("transforms.kind", value=kind, known=", ".join(TRANSFORMS))
    if not 0 <= int(diff) < max(1, len(train) // 2):
        raise LensError("transforms.diff", value=diff, n=len(train))
    if kind != "none":
        low = float(np.min(values))
        if not low > 0:
            raise LensError("transforms.positive", kind=kind, low=low)
    lam = 1.0
    if kind == "boxcox":
        from scipy.stats import boxcox_normmax  # only this option needs scipy

        lam = float(np.clip(boxcox_normmax(np.asarray(train, np.float64), method="mle"), -2.0, 2.0))
    return Transform(kind, lam, int(diff))


def suggest_transform(train: np.ndarray, season: int | None = None) -> tuple[str, int]:
    """Suggest (kind, diff) for a training part: differencing for a strong trend, nothing otherwise.

    A trend counts as strong when the mean of the last fifth differs from the mean of the
    first fifth by more than :data:`TREND_SHARE` standard deviations of the whole part.
    Then the lag is the season when there is one (with at least four seasons to learn
    from), else 1. No log by default: on the airline series seasonal differencing alone
    was the most accurate and the steadiest over seeds (README, "Accuracy").
    """
    train = np.asarray(train, np.float64)
    fifth = max(1, train.size // 5)
    spread = float(np.std(train))
    trend = abs(float(np.mean(train[-fifth:]) - np.mean(train[:fifth]))) / spread if spread > 0 else 0.0
    if trend <= TREND_SHARE:
        return "none", 0
    return "none", int(season) if season and season >= 2 and train.size >= 4 * season else 1
