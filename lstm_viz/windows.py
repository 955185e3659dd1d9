"""Split a series by time, scale it on the training part, and cut it into windows.

A series ``v`` of ``N`` values becomes supervised pairs::

    X[:, k] = v[k : k + T]      (the window, T = ``window``)
    y[k]    = v[k + T]          (the next value)

``X`` is time-first, (T, M, 1), ready for ``nn.LSTM``. The last ``test_size``
values are the test part; a test window may read training values, but its
target is always in the test part. The scaler sees only the training part.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from lstm_viz.errors import LensError

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
        The first ``n_train`` values are the training part; the rest (``test_size``) the test part.
    window : int
        Window length ``T``.
    scaler : Scaler
        Fitted on ``values[:n_train]``.
    X_train, y_train : (T, M_train, 1), (M_train,)
        Windows whose target lies in the training part.
    X_test, y_test : (T, M_test, 1), (M_test,)
        Windows whose target lies in the test part (``M_test == test_size``).
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
    values: np.ndarray, window: int, test_size: int, scaler: ScalerKind = "minmax"
) -> Split:
    """Split ``values`` (N,) by time, fit the scaler on the training part, and window both parts.

    Raises :class:`LensError` when the series is too short for ``window`` and
    ``test_size`` (the message says how many points are needed).
    """
    values = np.asarray(values, np.float64).ravel()
    n = int(values.shape[0])
    if test_size < 1:
        raise LensError("windows.test_size", test_size=int(test_size))
    if window < 1:
        raise LensError("windows.window", window=int(window))
    need = window + MIN_TRAIN_WINDOWS + test_size
    if n < need:
        raise LensError(
            "windows.not_enough", n=n, window=int(window), test_size=int(test_size), need=need
        )
    n_train = n - test_size
    fitted = Scaler.fit(values[:n_train], scaler)
    scaled = fitted.transform(values)
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
    )
