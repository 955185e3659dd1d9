"""The one training loop: mini-batch Adam, epoch by epoch, a slice of batches at a time, under the caller's control.

Every model in LSTM Lens learns here: the Train page's forecaster
(:class:`lstm_viz.training.Trainer`, which adds the split, the compute budget
and the gate snapshots), the many-in, many-out models
(:func:`lstm_viz.seq2seq.fit`) and the recall-the-spike task
(:func:`lstm_viz.synthetic.train_on_task`). One epoch::

    seed torch's CPU generator with (seed, epoch)          the shuffle and dropout depend on nothing else
    for each batch (x, y) of batches(epoch):
        loss = loss(model, x, y)                           a NaN or infinite loss: "diverged"
        Adam update (gradient norm clipped to `clip`, if set)
    train loss = mean of the batch losses, weighted by batch size (x is time-first: x.shape[1])
    validation loss = validate(), NaN without one           early stopping after `patience` epochs without a lower one

A :class:`Loop` never runs on its own: the caller advances it with
:meth:`Loop.step` (one epoch), :meth:`Loop.run_for` (the batches that fit in a
time slice, which may end inside an epoch and resume there on the next call)
or by iterating over it. Its unit of work is one batch, so a slice ends on
time whatever the model's size, and Stop answers within a slice. Between calls
the model holds the last completed epoch (never half of one); it can be stopped
at any moment and keeps that epoch, or the epoch a page last showed
(:meth:`Loop.show`). A diverged run puts back the weights of the last epoch that
ended with finite losses. It holds no thread and touches no global state except
torch's thread count, which it sets around its own work and restores.
"""
from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Literal

import numpy as np
import torch
from torch import nn

Status = Literal["ready", "running", "done", "stopped", "early", "diverged"]
Batch = tuple[torch.Tensor, torch.Tensor]
SHOWN_KEPT = 4  # epochs a page showed whose weights stay at hand for Stop (a redraw may be on its way)


@dataclass(frozen=True)
class EpochReport:
    """What one epoch produced; ``elapsed_s`` is training time summed since the start."""

    epoch: int
    train_loss: float
    val_loss: float
    elapsed_s: float
    snapshot: Any | None


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


def epoch_seed(seed: int, epoch: int) -> int:
    """Return the seed of epoch ``epoch``'s shuffle and dropout: a function of (seed, epoch) only."""
    # Never of how the caller sliced the run into calls, or of anything else that used torch's global RNG.
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


def adam(model: nn.Module, lr: float) -> torch.optim.Adam:
    """Return Adam over ``model``'s parameters, fused where this build of torch has it."""
    # The fused kernel updates all parameters in one call: about half the cost of an epoch
    # of a small model goes to Adam's per-tensor Python loop otherwise.
    try:
        return torch.optim.Adam(model.parameters(), lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):  # builds without a fused CPU Adam
        return torch.optim.Adam(model.parameters(), lr=lr)


def window_batches(X: torch.Tensor, Y: torch.Tensor, batch_size: int) -> Callable[[int], Iterator[Batch]]:
    """Return ``batches(epoch)``: the windows shuffled, in batches of ``batch_size``.

    Parameters
    ----------
    X : (T, S, input_size)
        Windows, time-first.
    Y : (S,) or (M, S)
        Their targets; the last axis is the window's.

    The shuffle draws from torch's CPU generator, which :class:`Loop` seeds with (seed, epoch).
    """
    n_windows = X.shape[1]

    def batches(epoch: int) -> Iterator[Batch]:
        order = torch.randperm(n_windows)
        for start in range(0, n_windows, batch_size):
            idx = order[start : start + batch_size]
            yield X.index_select(1, idx), Y.index_select(Y.dim() - 1, idx)

    return batches


@dataclass
class _EpochInProgress:
    """An epoch that a time slice left unfinished: where to resume it."""

    epoch: int
    batches: Iterator[Batch]  # the rest of the epoch's batches
    rng_state: torch.Tensor  # the CPU generator between two slices (dropout draws the same numbers)
    pending: Batch | None = None  # the next batch, drawn before the slice ended
    weights: list[torch.Tensor] | None = None  # the half-trained weights, parked while the slice is over
    total: float = 0.0  # sum of batch loss x batch size so far
    count: int = 0  # windows (sequences) trained on so far


class Loop:
    """Train ``model`` with mini-batch Adam, epoch by epoch (see the module docstring).

    Parameters
    ----------
    model : nn.Module
    batches : callable
        ``batches(epoch)`` yields the epoch's ``(x, y)`` batches, ``x`` time-first (T, B, …).
        It runs with torch's CPU generator seeded by (``seed``, epoch).
    loss : callable
        ``loss(model, x, y)`` returns the scalar loss tensor of a batch.
    epochs : int
    lr : float
    seed : int
    validate : callable, optional
        ``validate()`` returns the validation loss after each epoch; None: no validation (NaN losses).
    patience : int
        Stop once this many epochs brought no lower validation loss, keeping the best; 0: never.
    clip : float, optional
        Clip the gradient norm to this before each Adam step.
    snapshot : callable, optional
        ``snapshot(epoch)`` returns a picture of the model (with an ``epoch`` attribute) at the
        ``snapshot_epochs``, and for the last epoch kept when a run stops early or diverges.
    snapshot_epochs : tuple of int
    num_threads : int, optional
        torch's thread count while the loop works.
    """

    def __init__(self, model: nn.Module, batches: Callable[[int], Iterator[Batch]],
                 loss: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor], epochs: int, lr: float,
                 seed: int = 0, validate: Callable[[], float] | None = None, patience: int = 0,
                 clip: float | None = None, snapshot: Callable[[int], Any] | None = None,
                 snapshot_epochs: tuple[int, ...] = (), num_threads: int | None = None) -> None:
        self.model = model
        self.batches, self.loss, self.validate = batches, loss, validate
        self.epochs, self.seed, self.patience, self.clip = int(epochs), int(seed), int(patience), clip
        self.take_snapshot, self.snapshot_epochs = snapshot, tuple(snapshot_epochs)
        self.num_threads = num_threads
        self.optimizer = adam(model, lr)
        self.status: Status = "ready"
        self.history: list[EpochReport] = []
        self.snapshots: list = []
        self.optimizer_steps = 0
        self.diverged_at: int | None = None  # epoch whose loss was not finite
        self.stopped_early_at: int | None = None  # last epoch trained before early stopping went back to the best
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
        with torch_threads(self.num_threads):
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
        with torch_threads(self.num_threads):
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
        weights the loop has already copied.
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
        epoch the loop no longer holds weights for is ignored, and the last
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
        self._forget_after(kept)
        self._good = weights
        with torch_threads(self.num_threads):
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
        return self.epochs_done / self.epochs

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

    # -- one epoch ---------------------------------------------------------

    def _begin_epoch(self) -> _EpochInProgress:
        epoch = self.epochs_done + 1
        with torch.random.fork_rng(devices=[]):
            # The CPU generator only: torch.manual_seed would also queue seeds for CUDA & co.
            torch.random.default_generator.manual_seed(epoch_seed(self.seed, epoch))
            # batches() draws its shuffle at its first batch, under this state (see _work).
            return _EpochInProgress(epoch, self.batches(epoch), torch.random.default_generator.get_state())

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
        self.model.train()
        with torch.random.fork_rng(devices=[]):
            torch.random.default_generator.set_state(part.rng_state)
            batch = part.pending if part.pending is not None else next(part.batches, None)
            part.pending = None
            while batch is not None:
                x, y = batch
                self.optimizer.zero_grad(set_to_none=True)
                loss = self.loss(self.model, x, y)
                value = loss.item()
                if not math.isfinite(value):
                    return self._diverge(part.epoch, started)
                loss.backward()
                if self.clip is not None:
                    nn.utils.clip_grad_norm_(self.model.parameters(), self.clip)
                self.optimizer.step()
                self.optimizer_steps += 1
                part.total += value * x.shape[1]
                part.count += x.shape[1]
                batch = next(part.batches, None)
                if deadline is not None and batch is not None and time.perf_counter() >= deadline:
                    part.pending = batch
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
        report = EpochReport(epoch, part.total / max(part.count, 1), val_loss, self._elapsed, snapshot)
        self.history.append(report)
        if math.isfinite(val_loss) and (self._best is None or val_loss < self._best[1]):
            self._best = (epoch, val_loss, self._good)  # the first of equals, as best_epoch
        if epoch >= self.epochs:
            self.status = "done"
        elif self.patience and self._best is not None and epoch - self._best[0] >= self.patience:
            self._stop_early(epoch)
        return report

    def _stop_early(self, epoch: int) -> None:
        """End the run: ``patience`` epochs brought no lower validation loss. Keep the best epoch's model.

        Only the validation loss decides; the epochs after the best are forgotten, as Stop
        forgets those after the epoch it keeps.
        """
        best, _, weights = self._best
        self.status, self.stopped_early_at = "early", epoch
        self._part = None
        self._restore_weights(weights)
        self._good = weights
        self._forget_after(best)
        self._final_snapshot()

    def _forget_after(self, epoch: int) -> None:
        if epoch < self.epochs_done:
            del self.history[epoch:]
            self.snapshots = [snap for snap in self.snapshots if snap.epoch <= epoch]

    def _val_loss(self) -> float:
        """The validation loss; NaN without validation; inf if not finite."""
        if self.validate is None:
            return float("nan")
        val_loss = float(self.validate())
        return val_loss if math.isfinite(val_loss) else float("inf")

    def _diverge(self, epoch: int, started: float) -> None:
        self._part = None
        self._restore_weights(self._good)
        self.status, self.diverged_at = "diverged", epoch
        self._final_snapshot()
        self._elapsed += time.perf_counter() - started
        return None

    def _snapshot(self, epoch: int) -> Any:
        snap = self.take_snapshot(epoch) if self.take_snapshot is not None else None
        if snap is not None:
            self.snapshots.append(snap)
        return snap

    def _final_snapshot(self) -> None:
        """Give the last completed epoch a snapshot if it has none (after stop or divergence)."""
        if self.take_snapshot is not None and self.history and self.history[-1].snapshot is None:
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
