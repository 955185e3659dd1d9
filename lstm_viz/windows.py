"""Split a series by time, scale it on the training part, and cut it into windows.

A series ``v`` of ``N`` values becomes supervised pairs::

    X[:, k] = v[k : k + T]      (the window, T = ``window``)
    y[k]    = v[k + T]          (the next value)

``X`` is time-first, (T, M, 1), ready for ``nn.LSTM``. The series is split
three ways by time::

    | training (fit)          | validation | test      |
    0                       n_fit       n_train       N

The model learns from the training windows; the per-epoch validation loss and
the best epoch are measured on the validation part (its last ``val_size``
values before the test part); the last ``test_size`` values are the test part,
touched once, for the final verdict. A window may read earlier values of any
part, but its target always lies in one part. The scaler sees only the
training (fit) part, so neither validation nor test values leak into the model.

Optionally the model reads a transformed series (log or Box-Cox, then
differences; :mod:`lstm_viz.transforms`): ``scaled`` is then the scaled
transform, and :meth:`Split.one_step_values` / :meth:`Split.rollout_values`
turn the model's outputs back into values of the series.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from lstm_viz.errors import LensError
from lstm_viz.transforms import Transform, fit_transform

ScalerKind = Literal["minmax", "standard"]
MIN_TRAIN_WINDOWS = 4  # fewer pairs than this cannot teach a model anything


@dataclass(frozen=True)
class Scaler:
    """An invertible affine map ``z = (x - shift) / scale`` fitted on training values."""

    kind: ScalerKind
    shift: float
    scale: float

    @classmethod
    def fit(cls, train: np.ndarray, kind: ScalerKind = "minmax") -> "Scaler":
        """Fit on ``train`` (N,): min-max maps it onto [-1, 1]; standard to mean 0, std 1."""
        train = np.asarray(train, np.float64)
        if kind == "minmax":
            low, high = float(np.min(train)), float(np.max(train))
            shift, scale = (low + high) / 2.0, (high - low) / 2.0
        elif kind == "standard":
            shift, scale = float(np.mean(train)), float(np.std(train))
        else:
            raise ValueError(f"unknown scaler kind {kind!r}")
        # A flat training part would divide by zero; leave its values unscaled instead.
        return cls(kind, shift, scale if scale > 0 else 1.0)

    def transform(self, x: np.ndarray) -> np.ndarray:
        """Map original units to model units (float32)."""
        return ((np.asarray(x, np.float64) - self.shift) / self.scale).astype(np.float32)

    def inverse(self, z: np.ndarray) -> np.ndarray:
        """Map model units back to original units (float64)."""
        return np.asarray(z, np.float64) * self.scale + self.shift


def make_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``values`` (N,) into windows, without a Python loop over samples.

    Returns
    -------
    X : float32 array of shape (window, N - window, 1), time-first
    y : float32 array of shape (N - window,)
    """
    values = np.asarray(values, np.float32)
    if window < 1 or values.shape[0] <= window:
        raise LensError("windows.too_short", n=int(values.shape[0]), window=int(window))
    # sliding_window_view gives (N - window + 1, window); the last row has no target.
    view = np.lib.stride_tricks.sliding_window_view(values, window)[:-1]
    X = np.ascontiguousarray(view.T)[:, :, None]
    y = values[window:].copy()
    return X, y


@dataclass(frozen=True)
class Split:
    """A series split by time, scaled, and windowed.

    Attributes
    ----------
    values : float64 array (N,)
        The series in original units.
    scaled : float32 array (N,)
        The series in model units.
    n_train : int
        The first ``n_train`` values come before the test part (training and
        validation); the rest (``test_size``) are the test part.
    window : int
        Window length ``T``.
    scaler : Scaler
        Fitted on ``values[:n_fit]``, the training part without its validation values.
    X_train, y_train : (T, M_train, 1), (M_train,)
        Windows whose target lies before the test part (``X_fit`` followed by ``X_val``).
    X_test, y_test : (T, M_test, 1), (M_test,)
        Windows whose target lies in the test part (``M_test == test_size``).
    val_size : int
        The last ``val_size`` values before the test part are the validation
        part (0: none). ``X_fit`` / ``X_val`` are the windows whose target lies
        in the training (fit) part / the validation part.
    transform : Transform
        What the model reads before scaling (identity by default: the values themselves).
    """

    values: np.ndarray
    scaled: np.ndarray
    n_train: int
    window: int
    scaler: Scaler
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    val_size: int = 0
    transform: Transform = Transform()

    def one_step_values(self, z: np.ndarray, first: int) -> np.ndarray:
        """Turn one-step model outputs ``z`` (M,) for targets ``first … first + M - 1`` into values, float64."""
        return self.transform.one_step(self.scaler.inverse(z), self.values, first)

    def rollout_values(self, z: np.ndarray, start: int) -> np.ndarray:
        """Turn a rollout's model outputs ``z`` (H,) for ``start … start + H - 1`` into values, float64."""
        return self.transform.rollout(self.scaler.inverse(z), self.values, start)

    @property
    def n_fit(self) -> int:
        """Points the model learns from (the training part without the validation part)."""
        return int(self.n_train - self.val_size)

    @property
    def X_fit(self) -> np.ndarray:
        """Windows the model learns from, (T, M_fit, 1): not those reading the padded first differences."""
        return self.X_train[:, self.transform.diff : self.X_train.shape[1] - self.val_size]

    @property
    def y_fit(self) -> np.ndarray:
        return self.y_train[self.transform.diff : self.y_train.shape[0] - self.val_size]

    @property
    def X_val(self) -> np.ndarray:
        """Validation windows, (T, val_size, 1): they choose the best epoch and stop early."""
        return self.X_train[:, self.X_train.shape[1] - self.val_size :]

    @property
    def y_val(self) -> np.ndarray:
        return self.y_train[self.y_train.shape[0] - self.val_size :]

    @property
    def test_size(self) -> int:
        return int(self.values.shape[0] - self.n_train)

    @property
    def train_values(self) -> np.ndarray:
        return self.values[: self.n_train]

    @property
    def test_values(self) -> np.ndarray:
        return self.values[self.n_train :]


def split_series(
    values: np.ndarray, window: int, test_size: int, scaler: ScalerKind = "minmax", val_size: int = 0,
    transform: str = "none", diff: int = 0,
) -> Split:
    """Split ``values`` (N,) by time into training, validation and test parts, scale, and window them.

    Parameters
    ----------
    values : array (N,)
    window : int
        Window length ``T``.
    test_size : int
        The last ``test_size`` values are the test part (at least 1).
    scaler : {"minmax", "standard"}
        Fitted on the training part only (without validation or test values).
    val_size : int
        The ``val_size`` values just before the test part are the validation part (0: none).
    transform, diff :
        ``"none"``, ``"log"`` or ``"boxcox"`` (λ fitted on the training part), then
        differences of order ``diff`` (0 or 1); see :mod:`lstm_viz.transforms`.

    Raises :class:`LensError` when the series is too short for ``window``,
    ``val_size`` and ``test_size`` (the message says how many points are needed).
    """
    values = np.asarray(values, np.float64).ravel()
    n = int(values.shape[0])
    if test_size < 1:
        raise LensError("windows.test_size", test_size=int(test_size))
    if window < 1:
        raise LensError("windows.window", window=int(window))
    if val_size < 0:
        raise LensError("windows.val_size", val_size=int(val_size))
    need = window + MIN_TRAIN_WINDOWS + test_size + int(val_size)
    if n < need:
        if val_size:
            raise LensError("windows.not_enough_val", n=n, window=int(window), test_size=int(test_size),
                            val_size=int(val_size), need=need)
        raise LensError(
            "windows.not_enough", n=n, window=int(window), test_size=int(test_size), need=need
        )
    n_train = n - test_size
    n_fit = n_train - int(val_size)
    if diff and n < need + int(diff):
        raise LensError("windows.not_enough_diff", n=n, lag=int(diff), need=need + int(diff))
    change = fit_transform(values[:n_fit], values, transform, diff)
    model_series = change.model_series(values)
    fitted = Scaler.fit(model_series[change.diff : n_fit], scaler)  # the padded first differences are not data
    scaled = fitted.transform(model_series)
    X_all, y_all = make_windows(scaled, window)
    m_train = n_train - window  # windows whose target index window + k < n_train
    return Split(
        values=values,
        scaled=scaled,
        n_train=n_train,
        window=int(window),
        scaler=fitted,
        X_train=np.ascontiguousarray(X_all[:, :m_train]),
        y_train=y_all[:m_train],
        X_test=np.ascontiguousarray(X_all[:, m_train:]),
        y_test=y_all[m_train:],
        val_size=int(val_size),
        transform=change,
    )
