"""The session's runs side by side: every finished run kept (bounded), pinned, deleted, compared.

When a run ends (done, stopped, stopped early, or diverged after learning
something), :func:`keep` copies what a comparison needs into a
:class:`KeptRun`: its settings, its split, its loss curves, its validation and
test predictions and scores, and its weights (a ``state_dict`` clone, so later
runs never change it). The training run itself (trainer, optimizer,
snapshots) is not kept.

The history is bounded twice: at most ``max_count`` runs and ``max_bytes``
bytes (:attr:`KeptRun.nbytes`: weights, predictions, curves and split arrays,
so a large model counts more). Past either bound the oldest run that is not
pinned leaves first; the run just kept always stays. Pins are bounded too
(``max_pinned``), so pinned runs can never fill the history.

A :class:`KeptRun` reads like a :class:`~lstm_viz.workspace.state.Run` where
the views need one (``split``, ``dataset``, ``model``, ``lock``), so
``views.gate_trace(ws, segment, run=kept)`` replays *its* weights through the
same recorder as the current model's gates.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

import numpy as np
import torch

from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.forecast import predict_scaled
from lstm_viz.i18n import tr
from lstm_viz.metrics import mae, mase, rmse
from lstm_viz.numbers import format_number
from lstm_viz.models import Forecaster
from lstm_viz.loop import torch_threads
from lstm_viz.memory import buffers_bytes
from lstm_viz.windows import Split

if TYPE_CHECKING:  # state.py imports this module for the Workspace's field
    from lstm_viz.workspace.state import Dataset, Run, Workspace

MAX_KEPT = 8  # runs kept per workspace
MAX_PINNED = 3  # of which pinned at most
MAX_KEPT_BYTES = 32 * 2**20  # a hidden size of 512 in 4 layers is ~25 MiB of weights: one such run fits
SCORES: tuple[str, ...] = ("val_rmse", "test_rmse", "test_mae", "test_mase")
# Settings that say nothing about the model or its training (how many snapshots a live page keeps, threads).
NOT_A_SETTING: frozenset[str] = frozenset({"max_snapshots", "num_threads", "input_size"})  # input_size: see "inputs"


@dataclass(eq=False)  # one record is one run: compared by identity, never by its arrays
class KeptRun:
    """One finished run, kept for comparison.

    Attributes
    ----------
    number : int
        1, 2, 3 … in the order the session's runs ended ("run 3").
    run_id : int
        The :attr:`Run.run_id` it was kept from.
    cfg : Config
    dataset : Dataset
        The data set it was trained on (shared with the workspace while it is the current one).
    split : Split
        Its split (window, scaling, transform), as trained.
    status : str
        ``"done"``, ``"stopped"``, ``"early"`` or ``"diverged"``.
    train_s : float
        Seconds of training (wall time of the training slices; waits in line excluded).
    epochs, train_loss, val_loss : arrays (E,)
        The loss curves, scaled units (int64, float64, float64; validation NaN without a validation part).
    val_pred : float64 array (val_size,)
        One-step predictions of the validation part, original units.
    test_pred : float64 array (test_size,)
        One-step predictions of the test part, original units.
    scores : dict
        ``val_rmse``, ``test_rmse``, ``test_mae``, ``test_mase`` of those predictions (NaN when not defined).
    state_dict : dict of str to Tensor
        The weights (a clone).
    pinned : bool
        A pinned run is never evicted.
    """

    number: int
    run_id: int
    cfg: Config
    dataset: Dataset
    split: Split
    status: str
    train_s: float
    epochs: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    val_pred: np.ndarray
    test_pred: np.ndarray
    scores: dict[str, float]
    state_dict: dict[str, torch.Tensor]
    pinned: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @property
    def epochs_done(self) -> int:
        return int(self.epochs.shape[0])

    @property
    def input_names(self) -> tuple[str, ...]:
        """The model's inputs per step, in order: the target, then each covariate it was trained with."""
        return self.dataset.input_names

    @property
    def nbytes(self) -> int:
        """Bytes this record holds: weights, predictions, curves and the split's arrays."""
        split = self.split
        return buffers_bytes([*self.state_dict.values(), self.epochs, self.train_loss, self.val_loss,
                               self.val_pred, self.test_pred, split.values, split.scaled, split.X_train,
                               split.y_train, split.X_test, split.y_test])

    @property
    def model(self) -> Forecaster:
        """A model built from ``cfg`` around this run's weights (a new module each time, in eval mode).

        Built on the meta device (no initialisation: 0.2 s saved for 512 units × 4 layers) and
        given the kept tensors themselves (``assign``: no copy). Only read it: it shares them.
        """
        cfg = self.cfg
        with torch.device("meta"):
            model = Forecaster(cfg.cell, cfg.input_size, cfg.hidden_size, cfg.num_layers, cfg.dropout)
        model.load_state_dict(self.state_dict, strict=True, assign=True)
        return model.eval()


@dataclass
class RunHistory:
    """The kept runs of one workspace, oldest first, with their bounds."""

    runs: list[KeptRun] = field(default_factory=list)
    numbered: int = 0  # numbers given so far: the next run is number numbered + 1
    max_count: int = MAX_KEPT
    max_bytes: int = MAX_KEPT_BYTES
    max_pinned: int = MAX_PINNED

    @property
    def nbytes(self) -> int:
        return sum(kept.nbytes for kept in self.runs)

    def get(self, number: int) -> KeptRun:
        """Return run ``number``, or raise LensError (deleted or evicted since the page was drawn)."""
        for kept in self.runs:
            if kept.number == number:
                return kept
        raise LensError("history.gone", n=int(number))

    def of(self, run_id: int) -> KeptRun | None:
        """Return the kept copy of the run with ``run_id``, or None."""
        return next((kept for kept in self.runs if kept.run_id == run_id), None)

    def _evict(self) -> None:
        """Drop the oldest unpinned runs (never the newest) until both bounds hold, or nothing else may go."""
        while len(self.runs) > self.max_count or self.nbytes > self.max_bytes:
            oldest = next((kept for kept in self.runs[:-1] if not kept.pinned), None)
            if oldest is None:
                return
            self.runs.remove(oldest)


def _scores(split: Split, val_pred: np.ndarray, test_pred: np.ndarray, season: int | None) -> dict[str, float]:
    actual_val = split.values[split.n_fit:split.n_train]
    return {
        "val_rmse": rmse(actual_val, val_pred) if split.val_size else float("nan"),
        "test_rmse": rmse(split.test_values, test_pred),
        "test_mae": mae(split.test_values, test_pred),
        "test_mase": mase(split.test_values, test_pred, split.values[:split.n_fit], season),
    }


def keep(ws: Workspace, run: Run) -> KeptRun | None:
    """Keep ``run``, which has just ended, in ``ws.kept_runs``; return its record (None: nothing to keep).

    A run that learned no epoch, a model loaded from a file, or a run kept already
    is not kept (again). Call it under ``ws.lock`` (the model must not change meanwhile).
    """
    history = ws.kept_runs
    if run.loaded or run.epochs_done < 1 or history.of(run.run_id) is not None:
        return None
    split, model = run.split, run.model
    # Predictions in original units, one batched pass each, as the live chart makes them.
    with torch_threads(run.cfg.num_threads):
        val_pred = split.one_step_values(predict_scaled(model, split.X_val), split.n_fit)
        test_pred = split.one_step_values(predict_scaled(model, split.X_test), split.n_train)
    epochs, train_loss, val_loss = run.trainer.losses()
    kept = KeptRun(
        number=history.numbered + 1, run_id=run.run_id, cfg=run.cfg, dataset=run.dataset, split=split,
        status=run.status, train_s=float(run.last.elapsed_s), epochs=epochs, train_loss=train_loss,
        val_loss=val_loss, val_pred=val_pred, test_pred=test_pred,
        scores=_scores(split, val_pred, test_pred, run.dataset.season),
        state_dict={name: tensor.detach().clone() for name, tensor in model.state_dict().items()},
    )
    history.numbered += 1
    history.runs.append(kept)
    history._evict()
    return kept


def pin(ws: Workspace, number: int, pinned: bool = True) -> None:
    """Pin (or unpin) run ``number``: a pinned run is never evicted.

    Raises
    ------
    LensError
        The run is gone, or ``max_pinned`` runs are pinned already (nothing changes).
    """
    with ws.lock:
        history = ws.kept_runs
        kept = history.get(number)
        if pinned and not kept.pinned and sum(k.pinned for k in history.runs) >= history.max_pinned:
            raise LensError("history.pins_full", n=history.max_pinned)
        kept.pinned = bool(pinned)
        if not pinned:
            history._evict()


def delete(ws: Workspace, number: int) -> None:
    """Forget run ``number`` (pinned or not). The current model, if it is that run, stays."""
    with ws.lock:
        history = ws.kept_runs
        history.runs.remove(history.get(number))


def same_test_part(a, b) -> bool:
    """True if runs ``a`` and ``b`` (kept or current) hold out the same test points of the same data set."""
    return a.dataset.data_id == b.dataset.data_id and a.split.n_train == b.split.n_train and (
        a.split.test_size == b.split.test_size)


@dataclass(frozen=True)
class Change:
    """A setting that differs between runs: its name and each run's value, in the runs' order."""

    name: str
    values: tuple


def what_changed(runs: list[KeptRun]) -> list[Change]:
    """List the settings (Config fields, the data set and its split) that differ among ``runs``.

    Settings that are equal in every run are left out; so is a list of fewer than two runs.
    Returns the changes in the order of :class:`Config`'s fields, then ``data``, ``inputs``, ``test_size``, ``val_size``.
    """
    if len(runs) < 2:
        return []
    rows = [(f.name, tuple(getattr(kept.cfg, f.name) for kept in runs)) for f in fields(Config)
            if f.name not in NOT_A_SETTING]
    rows += [("data", tuple(kept.dataset.label for kept in runs)),
             ("inputs", tuple(", ".join(kept.input_names) for kept in runs)),
             ("test_size", tuple(kept.split.test_size for kept in runs)),
             ("val_size", tuple(kept.split.val_size for kept in runs))]
    return [Change(name, values) for name, values in rows if len(set(values)) > 1]


def setting_text(name: str, value, lang: str = "en") -> str:
    """Return a setting's value (a :class:`Config` field, or ``data`` / ``inputs`` …) for people, as the Train page words it."""
    if name == "lr":
        return f"{value:g}"
    if name == "transform":
        return tr(f"eval.transform.{value}", lang)
    if name == "cell":
        return str(value).upper()
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def run_name(kept: KeptRun, lang: str = "en") -> str:
    """Return the run's name for people: "Run 3 · LSTM 32 units"."""
    return tr("history.name", lang, n=kept.number, cell=kept.cfg.cell.upper(), hidden=kept.cfg.hidden_size)


def label_stem(label: object) -> str:
    """Return a series' label in ASCII letters, digits, ``_`` and ``-``, for a file name.

    At most 40 characters; ``"series"`` when nothing of the label is left (a Chinese label, say).
    """
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(label)).strip("_")[:40] or "series"


def file_stem(ws: Workspace, run: Run) -> str:
    """Return the start of a download's file name: the data set, and the run's number when it has one.

    ``"AirPassengers_run3_lstm32"``; a run still training is named by the number it will get.
    """
    label = label_stem(run.dataset.label)
    kept = ws.kept_runs.of(run.run_id)
    if kept is not None:
        number = kept.number
    elif run is ws.candidate:
        number = ws.kept_runs.numbered + 1
    else:
        return label  # a model loaded from a file, or a run the student deleted from the history
    return f"{label}_run{number}_{run.cfg.cell}{run.cfg.hidden_size}"

