"""Split a series by time, scale it on the training part, and cut it into windows.

A series ``v`` of ``N`` values becomes supervised pairs::

    X[:, k] = v[k : k + T]      (the window, T = ``window``)
    y[k]    = v[k + T]          (the next value)

``X`` is time-first, (T, M, 1), ready for ``nn.LSTM``. With covariates (other
columns of the same file read beside the target, ``D - 1`` of them), each step
of a window holds every input, the target first::

    X[:, k, 0]  = v[k : k + T]          (the target's own past)
    X[:, k, d]  = u_d[k : k + T]        (covariate d, same steps)
    y[k]        = v[k + T]              (the target's next value only)

so ``X`` is (T, M, D) and the model's ``input_size`` is ``D``. A window reads
the covariates only at the steps it reads the target: the value being predicted
is never read, not even a covariate's. The series is split three ways by time::

    | training (fit)          | validation | test      |
    0                       n_fit       n_train       N

The model learns from the training windows; the per-epoch validation loss and
the best epoch are measured on the validation part (its last ``val_size``
values before the test part); the last ``test_size`` values are the test part,
touched once, for the final verdict. A window may read earlier values of any
part, but its target always lies in one part. The scaler sees only the
training (fit) part, so neither validation nor test values leak into the model;
each covariate has its own scaler, fitted on the same training (fit) part.

Optionally the model reads a transformed series (log or Box-Cox, then
differences; :mod:`lstm_viz.transforms`): ``scaled`` is then the scaled
transform, and :meth:`Split.one_step_values` / :meth:`Split.rollout_values`
turn the model's outputs back into values of the series. The transform applies
to the target only: a covariate is only scaled (a log or a difference of rain or
wind would say nothing more to the model, and the model never predicts them).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
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
    """Cut ``values`` into windows, without a Python loop over samples.

    Parameters
    ----------
    values : array (N,) or (N, D)
        One input per step, or ``D`` inputs per step (the target in column 0).
    window : int
        Window length ``T``.

    Returns
    -------
    X : float32 array of shape (window, N - window, D), time-first (D = 1 for a 1-D ``values``)
    y : float32 array of shape (N - window,): column 0 one step after each window
    """
    values = np.asarray(values, np.float32)
    steps = values if values.ndim == 2 else values[:, None]  # (N, D)
    if window < 1 or steps.shape[0] <= window:
        raise LensError("windows.too_short", n=int(steps.shape[0]), window=int(window))
    # sliding_window_view gives (N - window + 1, D, window); the last row has no target.
    view = np.lib.stride_tricks.sliding_window_view(steps, window, axis=0)[:-1]
    X = np.ascontiguousarray(view.transpose(2, 0, 1))
    y = steps[window:, 0].copy()
    return X, y


@dataclass(frozen=True)
class Split:
    """A series split by time, scaled, and windowed.

    Attributes
    ----------
    values : float64 array (N,)
        The series in original units.
    scaled : float32 array (N,)
        The target in model units.
    n_train : int
        The first ``n_train`` values come before the test part (training and
        validation); the rest (``test_size``) are the test part.
    window : int
        Window length ``T``.
    scaler : Scaler
        Fitted on ``values[:n_fit]``, the training part without its validation values.
    X_train, y_train : (T, M_train, D), (M_train,)
        Windows whose target lies before the test part (``X_fit`` followed by ``X_val``).
    X_test, y_test : (T, M_test, D), (M_test,)
        Windows whose target lies in the test part (``M_test == test_size``).
    val_size : int
        The last ``val_size`` values before the test part are the validation
        part (0: none). ``X_fit`` / ``X_val`` are the windows whose target lies
        in the training (fit) part / the validation part.
    transform : Transform
        What the model reads before scaling (identity by default: the values themselves).
    covariates : float64 array (N, D - 1) or None
        The other inputs in original units, one column each (None: the target alone, D = 1).
    covariate_scalers : tuple of Scaler
        One per covariate, each fitted on its own training (fit) part.
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
    covariates: np.ndarray | None = None
    covariate_scalers: tuple[Scaler, ...] = ()

    @property
    def n_inputs(self) -> int:
        """``D``: the values the model reads per step (the target, then each covariate)."""
        return 1 if self.covariates is None else 1 + int(self.covariates.shape[1])

    @cached_property
    def inputs(self) -> np.ndarray:
        """Every input in model units, float32 (N, D): the scaled target, then each scaled covariate."""
        return _stack_inputs(self.scaled, self.covariates, self.covariate_scalers)

    def known_steps(self, start: int) -> int | None:
        """Return how many steps a recursive forecast from ``start`` can take with every input known.

        The target alone: any number (None), since each prediction is fed back. With
        covariates, step ``h`` reads them up to ``start + h - 2``, so the forecast ends
        one step past the last known row: the covariates' future is not invented.
        """
        if self.covariates is None:
            return None
        return int(self.values.shape[0] - int(start) + 1)

    def with_scalers(self, scaler: Scaler, covariate_scalers: tuple[Scaler, ...] = ()) -> "Split":
        """Return this split scaled with other scalers (a loaded model reads data as in its own training)."""
        if len(covariate_scalers) != len(self.covariate_scalers):
            raise ValueError("one scaler per covariate")
        return _windowed(self.values, scaler.transform(self.transform.model_series(self.values)), self.n_train,
                         self.window, scaler, self.val_size, self.transform, self.covariates,
                         tuple(covariate_scalers))

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
        """Windows the model learns from, (T, M_fit, D): not those reading the padded first differences."""
        return self.X_train[:, self.transform.diff : self.X_train.shape[1] - self.val_size]

    @property
    def y_fit(self) -> np.ndarray:
        return self.y_train[self.transform.diff : self.y_train.shape[0] - self.val_size]

    @property
    def X_val(self) -> np.ndarray:
        """Validation windows, (T, val_size, D): they choose the best epoch and stop early."""
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
    transform: str = "none", diff: int = 0, covariates: np.ndarray | None = None,
) -> Split:
    """Split ``values`` (N,) by time into training, validation and test parts, scale, and window them.

    Parameters
    ----------
    values : array (N,)
        The target.
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
        differences of order ``diff`` (0 or 1); see :mod:`lstm_viz.transforms`. The target only.
    covariates : array (N, D - 1), optional
        Other inputs on the same steps, in original units. Each is scaled on its own
        training (fit) part with the same ``scaler`` kind, and not transformed.

    Returns
    -------
    Split
        Windows ``X`` of shape (T, M, D), ``D = 1 + covariates.shape[1]``.

    Raises :class:`LensError` when the series is too short for ``window``,
    ``val_size`` and ``test_size`` (the message says how many points are needed).
    """
    values = np.asarray(values, np.float64).ravel()
    n = int(values.shape[0])
    if covariates is not None:
        covariates = np.asarray(covariates, np.float64).reshape(n, -1)
        covariates = covariates if covariates.shape[1] else None
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
    covariate_scalers = () if covariates is None else tuple(
        Scaler.fit(covariates[:n_fit, d], scaler) for d in range(covariates.shape[1]))
    return _windowed(values, fitted.transform(model_series), n_train, int(window), fitted, int(val_size), change,
                     covariates, covariate_scalers)


def _stack_inputs(scaled: np.ndarray, covariates: np.ndarray | None,
                  covariate_scalers: tuple[Scaler, ...]) -> np.ndarray:
    """Return the scaled target (N,) and each covariate scaled by its own scaler as one (N, D) float32 array."""
    if covariates is None:
        return np.asarray(scaled, np.float32)[:, None]
    columns = [scaler.transform(covariates[:, d]) for d, scaler in enumerate(covariate_scalers)]
    return np.column_stack([scaled, *columns]).astype(np.float32)


def _windowed(values: np.ndarray, scaled: np.ndarray, n_train: int, window: int, scaler: Scaler, val_size: int,
              transform: Transform, covariates: np.ndarray | None, covariate_scalers: tuple[Scaler, ...]) -> Split:
    """Cut the scaled inputs into windows and split them at ``n_train``: the one place a Split is built."""
    X_all, y_all = make_windows(_stack_inputs(scaled, covariates, covariate_scalers), window)
    m_train = n_train - window  # windows whose target index window + k < n_train
    return Split(
        values=values,
        scaled=scaled,
        n_train=n_train,
        window=window,
        scaler=scaler,
        X_train=np.ascontiguousarray(X_all[:, :m_train]),
        y_train=y_all[:m_train],
        X_test=np.ascontiguousarray(X_all[:, m_train:]),
        y_test=y_all[m_train:],
        val_size=val_size,
        transform=transform,
        covariates=covariates,
        covariate_scalers=covariate_scalers,
    )
