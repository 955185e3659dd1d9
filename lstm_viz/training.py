"""Train a forecaster with mini-batch Adam, a slice of batches at a time, under the caller's control.

A :class:`Trainer` never runs on its own: the caller advances it with
:meth:`Trainer.step` (one epoch), :meth:`Trainer.run_for` (the batches that
fit in a time slice, which may end inside an epoch and resume there on the
next call) or by iterating over it. Its unit of work is one batch, so a slice
ends on time whatever the model's size, and Stop answers within a slice. It
can be stopped at any moment and keeps the model of the last completed epoch
(never a half-trained epoch), or of the epoch a page last showed
(:meth:`Trainer.show`). It holds no thread and touches no global state except
torch's thread count, which it sets around its own work and restores.

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

import contextlib
import math
import time
from dataclasses import dataclass, replace
from typing import Iterator, Literal

import numpy as np
import torch

from lstm_viz.budget import check_split_budget
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.forecast import predict_scaled
from lstm_viz.models import Forecaster, build_model
from lstm_viz.recorder import Trace, record
from lstm_viz.windows import Split

Status = Literal["ready", "running", "done", "stopped", "early", "diverged"]
SHOWN_KEPT = 4  # epochs a page showed whose weights stay at hand for Stop (a redraw may be on its way)


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


@dataclass(frozen=True)
class EpochReport:
    """What one epoch produced; ``elapsed_s`` is training time summed since the start."""

    epoch: int
    train_loss: float
    val_loss: float
    elapsed_s: float
    snapshot: Snapshot | None


def snapshot_epochs(epochs: int, max_snapshots: int) -> tuple[int, ...]:
    """Return up to ``max_snapshots`` epochs in 1 … ``epochs``, evenly spread, first and last included."""
    count = max(1, min(int(max_snapshots), int(epochs)))
    return tuple(int(e) for e in np.unique(np.round(np.linspace(1, epochs, count)).astype(int)))


@contextlib.contextmanager
def torch_threads(num_threads: int | None) -> Iterator[None]:
    """Run the body with ``torch.set_num_threads(num_threads)``, then restore the previous count."""
    if num_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(int(num_threads))
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _epoch_seed(seed: int, epoch: int) -> int:
    # Each epoch's shuffle (and dropout) depends only on (seed, epoch), never on how the
    # caller sliced the run into calls or on anything else that used torch's global RNG.
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


def _adam(model: torch.nn.Module, lr: float) -> torch.optim.Adam:
    # The fused kernel updates all parameters in one call: about half the cost of an epoch
    # of this size goes to Adam's per-tensor Python loop otherwise.
    try:
        return torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):  # builds without a fused CPU Adam
        return torch.optim.Adam(model.parameters(), lr=lr)


@dataclass
class _EpochInProgress:
    """An epoch that a time slice left unfinished: where to resume it."""

    epoch: int
    order: torch.Tensor  # the epoch's shuffled window indices (M_train,)
    rng_state: torch.Tensor  # the CPU generator between two slices (dropout draws the same numbers)
    next_start: int = 0  # first index in ``order`` of the next batch
    weights: list[torch.Tensor] | None = None  # the half-trained weights, parked while the slice is over
    total: float = 0.0  # sum of batch loss x batch size so far


class Trainer:
    """Train a :class:`~lstm_viz.models.Forecaster` on a :class:`~lstm_viz.windows.Split`.

    Parameters
    ----------
    split : Split
        Training windows ``X_fit`` (T, M_fit, 1), ``y_fit`` (M_fit,) and
        validation windows ``X_val``, ``y_val`` for the validation loss, all in scaled units.
    cfg : Config
        ``epochs``, ``lr``, ``batch_size``, ``seed``, ``max_snapshots``,
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
        self.model: Forecaster = model
        self.optimizer = _adam(self.model, cfg.lr)
        self.status: Status = "ready"
        self.history: list[EpochReport] = []
        self.snapshots: list[Snapshot] = []
        self.snapshot_epochs: tuple[int, ...] = snapshot_epochs(cfg.epochs, cfg.max_snapshots)
        self.reference_window: np.ndarray = np.ascontiguousarray(split.X_test[:, 0])  # (T, 1)
        self.optimizer_steps = 0
        self.diverged_at: int | None = None  # epoch whose loss was not finite
        self.stopped_early_at: int | None = None  # last epoch trained before early stopping went back to the best
        self._X_train = torch.from_numpy(np.ascontiguousarray(split.X_fit, np.float32))
        self._y_train = torch.from_numpy(np.ascontiguousarray(split.y_fit, np.float32))
        self._X_val = torch.from_numpy(np.ascontiguousarray(split.X_val, np.float32))
        self._y_val = np.asarray(split.y_val, np.float64)
        self._elapsed = 0.0
        self._good = self._copy_weights()  # weights at the end of the last completed epoch (never changed in place)
        self._shown: dict[int, list[torch.Tensor]] = {}  # epochs a page showed -> their weights, see show()
        self._part: _EpochInProgress | None = None
        # The epoch with the lowest validation loss so far, its loss and its weights (early stopping keeps them).
        self._best: tuple[int, float, list[torch.Tensor]] | None = None

    # -- driving -----------------------------------------------------------

    def step(self) -> EpochReport | None:
        """Train to the end of the current epoch and return its report; None once done, stopped or diverged.

        The epoch in which the loss turns NaN or infinite also returns None
        (status ``"diverged"``, last good weights restored).
        """
        if self.finished:
            return None
        with torch_threads(self.cfg.num_threads):
            return self._work(None)

    def run_for(self, seconds: float, max_epochs: int | None = None) -> list[EpochReport]:
        """Train batches for about ``seconds`` of wall time, or until ``max_epochs`` epochs have ended.

        Trains at least one batch (if the run is not over), so every call makes
        progress, and checks the clock after every batch: a slice overruns by at
        most one batch and one end-of-epoch evaluation. An epoch the slice leaves
        unfinished resumes at its next batch on the next call. Returns the
        reports of the epochs that ended in this slice (possibly none).
        """
        reports: list[EpochReport] = []
        deadline = time.perf_counter() + float(seconds)
        with torch_threads(self.cfg.num_threads):
            while not self.finished and (max_epochs is None or len(reports) < max_epochs):
                report = self._work(deadline)
                if report is not None:
                    reports.append(report)
                if time.perf_counter() >= deadline:
                    break
        return reports

    def __iter__(self) -> Iterator[EpochReport]:
        """Yield one report per epoch until the run is done, stopped or diverged."""
        while (report := self.step()) is not None:
            yield report

    def show(self) -> EpochReport | None:
        """Note that a page now shows the last completed epoch; return its report (None before the first).

        ``stop(epoch)`` can go back to any of the last :data:`SHOWN_KEPT` epochs
        noted here, so Stop keeps exactly what the student saw even when the run
        went on after the page was drawn. Costs nothing: it keeps references to
        weights the trainer has already copied.
        """
        epoch = self.epochs_done
        self._shown[epoch] = self._good
        while len(self._shown) > SHOWN_KEPT:
            del self._shown[min(self._shown)]
        return self.history[-1] if self.history else None

    def stop(self, epoch: int | None = None) -> None:
        """Stop now, keeping the model of the last completed epoch, or of ``epoch``; snapshot it if it had none.

        Batches of an unfinished epoch are undone. ``epoch`` (an epoch a page
        showed, see :meth:`show`; 0: the untrained model, an empty history)
        sends the run back to it, forgetting the epochs trained after it; an
        epoch the trainer no longer holds weights for is ignored, and the last
        completed epoch is kept (``epochs_done`` says which was kept).
        """
        if self.finished:
            return
        self.status = "stopped"
        self._part = None
        kept, weights = self.epochs_done, self._good
        if epoch is not None and epoch < self.epochs_done and epoch in self._shown:
            kept, weights = epoch, self._shown[epoch]
        self._restore_weights(weights)
        if kept < self.epochs_done:
            del self.history[kept:]
            self.snapshots = [snap for snap in self.snapshots if snap.epoch <= kept]
        self._good = weights
        with torch_threads(self.cfg.num_threads):
            self._final_snapshot()

    # -- state -------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """True once the run is done, stopped or diverged."""
        return self.status in ("done", "stopped", "early", "diverged")

    @property
    def epochs_done(self) -> int:
        """Number of completed epochs."""
        return len(self.history)

    @property
    def progress(self) -> float:
        """Share of the planned epochs completed, 0 … 1."""
        return self.epochs_done / self.cfg.epochs

    def losses(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (epochs int64, train loss float64, validation loss float64), each (epochs_done,)."""
        epochs = np.array([r.epoch for r in self.history], np.int64)
        train = np.array([r.train_loss for r in self.history], np.float64)
        val = np.array([r.val_loss for r in self.history], np.float64)
        return epochs, train, val

    @property
    def best_epoch(self) -> int | None:
        """The epoch with the lowest validation loss (the first of equals); None without validation."""
        val = np.array([r.val_loss for r in self.history], np.float64)
        if not np.isfinite(val).any():
            return None
        return int(self.history[int(np.nanargmin(np.where(np.isfinite(val), val, np.nan)))].epoch)

    def status_message(self) -> tuple[str, dict]:
        """Return the i18n key and parameters describing the current status."""
        params = {"epoch": self.epochs_done, "epochs": self.cfg.epochs}
        if self.status == "diverged":
            params["bad_epoch"] = self.diverged_at
        if self.status == "early":
            params.update(trained=self.stopped_early_at, patience=self.cfg.patience)
        return f"training.status.{self.status}", params

    # -- one epoch ---------------------------------------------------------

    def _begin_epoch(self) -> _EpochInProgress:
        epoch = self.epochs_done + 1
        with torch.random.fork_rng(devices=[]):
            # The CPU generator only: torch.manual_seed would also queue seeds for CUDA & co.
            torch.random.default_generator.manual_seed(_epoch_seed(self.cfg.seed, epoch))
            order = torch.randperm(self._X_train.shape[1])
            return _EpochInProgress(epoch, order, torch.random.default_generator.get_state())

    def _work(self, deadline: float | None) -> EpochReport | None:
        """Train batches of the current epoch until it ends (return its report) or ``deadline`` passes (None).

        Also None when the loss turns non-finite (status ``"diverged"``).
        """
        started = time.perf_counter()
        self.status = "running"
        part = self._part if self._part is not None else self._begin_epoch()
        self._part = part
        if part.weights is not None:  # resume the half-trained epoch where the last slice left it
            self._restore_weights(part.weights)
            part.weights = None
        m_train, batch_size = self._X_train.shape[1], self.cfg.batch_size
        self.model.train()
        with torch.random.fork_rng(devices=[]):
            torch.random.default_generator.set_state(part.rng_state)
            while part.next_start < m_train:
                idx = part.order[part.next_start : part.next_start + batch_size]
                x, y = self._X_train.index_select(1, idx), self._y_train.index_select(0, idx)
                self.optimizer.zero_grad(set_to_none=True)
                loss = torch.nn.functional.mse_loss(self.model(x)[:, 0], y)
                value = loss.item()
                if not math.isfinite(value):
                    return self._diverge(part.epoch, started)
                loss.backward()
                self.optimizer.step()
                self.optimizer_steps += 1
                part.total += value * idx.numel()
                part.next_start += batch_size
                if deadline is not None and part.next_start < m_train and time.perf_counter() >= deadline:
                    part.rng_state = torch.random.default_generator.get_state()
                    # Between calls the model holds the last completed epoch, so a page drawing it
                    # (under the run's lock) always shows a real epoch, never half of one.
                    part.weights = self._copy_weights()
                    self._restore_weights(self._good)
                    self._elapsed += time.perf_counter() - started
                    return None
        self._part = None
        epoch = part.epoch
        val_loss = self._val_loss()
        if math.isinf(val_loss) or not self._weights_finite():
            return self._diverge(epoch, started)
        self._good = self._copy_weights()
        snapshot = self._snapshot(epoch) if epoch in self.snapshot_epochs else None
        self._elapsed += time.perf_counter() - started
        report = EpochReport(epoch, part.total / m_train, val_loss, self._elapsed, snapshot)
        self.history.append(report)
        if math.isfinite(val_loss) and (self._best is None or val_loss < self._best[1]):
            self._best = (epoch, val_loss, self._good)  # the first of equals, as best_epoch
        if epoch >= self.cfg.epochs:
            self.status = "done"
        elif self.cfg.patience and self._best is not None and epoch - self._best[0] >= self.cfg.patience:
            self._stop_early(epoch)
        return report

    def _stop_early(self, epoch: int) -> None:
        """End the run: ``cfg.patience`` epochs brought no lower validation loss. Keep the best epoch's model.

        Only the validation part decides (the test part is never evaluated here); the epochs
        after the best are forgotten, as Stop forgets those after the epoch it keeps.
        """
        best, _, weights = self._best
        self.status, self.stopped_early_at = "early", epoch
        self._part = None
        self._restore_weights(weights)
        self._good = weights
        del self.history[best:]
        self.snapshots = [snap for snap in self.snapshots if snap.epoch <= best]
        self._final_snapshot()

    def _val_loss(self) -> float:
        """MSE on the validation windows, scaled units; NaN when the split has none; inf if not finite."""
        if self._X_val.shape[1] == 0:
            return float("nan")
        val_loss = float(np.mean((predict_scaled(self.model, self._X_val) - self._y_val) ** 2))
        return val_loss if math.isfinite(val_loss) else float("inf")

    def _diverge(self, epoch: int, started: float) -> None:
        self._part = None
        self._restore_weights(self._good)
        self.status, self.diverged_at = "diverged", epoch
        self._final_snapshot()
        self._elapsed += time.perf_counter() - started
        return None

    def _snapshot(self, epoch: int) -> Snapshot:
        # A picture for the live chart only: nothing the trainer decides reads these predictions.
        split = self.split
        snap = Snapshot(
            epoch=epoch,
            trace=record(self.model.core, self.reference_window),
            fitted=split.one_step_values(predict_scaled(self.model, split.X_train), split.window).astype(np.float32),
            test_pred=split.one_step_values(predict_scaled(self.model, split.X_test), split.n_train).astype(np.float32),
        )
        self.snapshots.append(snap)
        return snap

    def _final_snapshot(self) -> None:
        """Give the last completed epoch a snapshot if it has none (after stop or divergence)."""
        if self.history and self.history[-1].snapshot is None:
            last = self.history[-1]
            self.history[-1] = replace(last, snapshot=self._snapshot(last.epoch))

    def _copy_weights(self) -> list[torch.Tensor]:
        return [p.detach().clone() for p in self.model.parameters()]

    def _restore_weights(self, weights: list[torch.Tensor]) -> None:
        with torch.no_grad():
            for p, saved in zip(self.model.parameters(), weights):
                p.copy_(saved)

    def _weights_finite(self) -> bool:
        # A NaN or inf anywhere makes its tensor's sum non-finite; one check instead of one per tensor.
        with torch.no_grad():
            sums = torch.stack([p.sum() for p in self.model.parameters()])
        return bool(torch.isfinite(sums).all())
