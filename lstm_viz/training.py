"""Train a forecaster on the student's split: the one training loop (:mod:`lstm_viz.loop`) with a Split.

A :class:`Trainer` is a :class:`~lstm_viz.loop.Loop` (driven by the caller a
slice of batches at a time, stoppable at once or back to an epoch a page
showed, early stopping on validation) that knows the student's split, checks
the compute budget, and snapshots the gates as the model learns.

One epoch::

    shuffle the M_train training windows (seeded by cfg.seed and the epoch number)
    for each batch of cfg.batch_size windows:           ceil(M_train / batch_size) Adam steps
        loss = mean((model(x) - y)^2)                    MSE in scaled units
        Adam update
    train loss = mean of the batch losses over the epoch, weighted by batch size
    validation loss = MSE on the validation windows (split.X_val, split.y_val), NaN without any

The model learns from the training windows only (split.X_fit). The validation
loss chooses the best epoch (:attr:`Trainer.best_epoch`); the test part is
never evaluated here, so nothing about training depends on it and it stays an
honest test for the Forecast page's verdict.

A NaN or infinite loss ends the run with status ``"diverged"`` and puts back
the weights of the last epoch that ended with finite losses.

At a few epochs spread over the run (at most ``cfg.max_snapshots``, always the
first and the last) a :class:`Snapshot` records the gates on a fixed reference
window and the current predictions, so a page can replay how learning unfolded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from lstm_viz.budget import check_split_budget
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.forecast import predict_scaled
from lstm_viz.loop import Loop, window_batches
from lstm_viz.models import Forecaster, build_model
from lstm_viz.recorder import Trace, record
from lstm_viz.windows import Split

@dataclass(frozen=True)
class Snapshot:
    """The model as it was at the end of one epoch.

    Attributes
    ----------
    epoch : int
        1-based epoch after which it was taken.
    trace : Trace
        Gates and states on the trainer's reference window, unbatched: arrays of shape (T, H).
    fitted : float32 array (M_train,)
        One-step predictions of ``values[window:n_train]``, original units.
    test_pred : float32 array (test_size,)
        One-step-ahead predictions of the test part, original units (drawn only;
        nothing in training reads them).
    """

    epoch: int
    trace: Trace
    fitted: np.ndarray
    test_pred: np.ndarray


def snapshot_epochs(epochs: int, max_snapshots: int) -> tuple[int, ...]:
    """Return up to ``max_snapshots`` epochs in 1 … ``epochs``, evenly spread, first and last included."""
    count = max(1, min(int(max_snapshots), int(epochs)))
    return tuple(int(e) for e in np.unique(np.round(np.linspace(1, epochs, count)).astype(int)))


def _mse(model: Forecaster, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.mse_loss(model(x)[:, 0], y)


class Trainer(Loop):
    """Train a :class:`~lstm_viz.models.Forecaster` on a :class:`~lstm_viz.windows.Split`.

    Parameters
    ----------
    split : Split
        Training windows ``X_fit`` (T, M_fit, 1), ``y_fit`` (M_fit,) and
        validation windows ``X_val``, ``y_val`` for the validation loss, all in scaled units.
    cfg : Config
        ``epochs``, ``lr``, ``batch_size``, ``seed``, ``patience``, ``max_snapshots``,
        ``num_threads``; and, if ``model`` is None, the model's shape.
    model : Forecaster, optional
        Continue training this model instead of building a fresh one from ``cfg``.

    Raises
    ------
    LensError
        For a setting out of range, a window that does not match the split, or
        a run over the compute budget.
    """

    def __init__(self, split: Split, cfg: Config, model: Forecaster | None = None) -> None:
        cfg.validate()
        if cfg.window != split.window:
            raise LensError("training.window", window=cfg.window, split_window=split.window)
        self.split, self.cfg = split, cfg
        self.cost = check_split_budget(cfg, split)  # training, evaluation every epoch, forecasts
        if model is None:
            with torch.random.fork_rng(devices=[]):  # build_model seeds torch's global RNG
                model = build_model(cfg)
        self.reference_window: np.ndarray = np.ascontiguousarray(split.X_test[:, 0])  # (T, 1)
        self._X_train = torch.from_numpy(np.ascontiguousarray(split.X_fit, np.float32))
        self._y_train = torch.from_numpy(np.ascontiguousarray(split.y_fit, np.float32))
        self._X_val = torch.from_numpy(np.ascontiguousarray(split.X_val, np.float32))
        self._y_val = np.asarray(split.y_val, np.float64)
        super().__init__(
            model, window_batches(self._X_train, self._y_train, cfg.batch_size), _mse, cfg.epochs, cfg.lr,
            seed=cfg.seed, validate=self._val_mse if self._X_val.shape[1] else None, patience=cfg.patience,
            snapshot=self._take_snapshot, snapshot_epochs=snapshot_epochs(cfg.epochs, cfg.max_snapshots),
            num_threads=cfg.num_threads)
        self.model: Forecaster

    def status_message(self) -> tuple[str, dict]:
        """Return the i18n key and parameters describing the current status."""
        params = {"epoch": self.epochs_done, "epochs": self.cfg.epochs}
        if self.status == "diverged":
            params["bad_epoch"] = self.diverged_at
        if self.status == "early":
            params.update(trained=self.stopped_early_at, patience=self.cfg.patience)
        return f"training.status.{self.status}", params

    def _val_mse(self) -> float:
        """MSE on the validation windows, scaled units."""
        return float(np.mean((predict_scaled(self.model, self._X_val) - self._y_val) ** 2))

    def _take_snapshot(self, epoch: int) -> Snapshot:
        # A picture for the live chart only: nothing the trainer decides reads these predictions.
        split = self.split
        return Snapshot(
            epoch=epoch,
            trace=record(self.model.core, self.reference_window),
            fitted=split.one_step_values(predict_scaled(self.model, split.X_train), split.window).astype(np.float32),
            test_pred=split.one_step_values(predict_scaled(self.model, split.X_test), split.n_train).astype(np.float32),
        )
