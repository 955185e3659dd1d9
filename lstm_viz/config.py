"""One typed config for a run: the model, the windows and the training.

The sidebar builds a :class:`Config`; everything else reads it. Field names
follow ``nn.LSTM`` (``input_size``, ``hidden_size``, ``num_layers``,
``dropout``) so the code reads like the PyTorch docs.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from lstm_viz.errors import LensError
from lstm_viz.transforms import TRANSFORMS

CellKind = Literal["lstm", "gru", "rnn"]
CELLS: tuple[str, ...] = ("lstm", "gru", "rnn")

DEFAULT_HIDDEN_SIZE: int = 32  # LSTM units a model gets unless someone chooses another number

# Bounds a classroom server can afford; a page's widgets use the same numbers.
LIMITS: dict[str, tuple[float, float]] = {
    "hidden_size": (1, 512),
    "num_layers": (1, 4),
    "dropout": (0.0, 0.9),
    "window": (2, 512),
    "epochs": (1, 5000),
    "lr": (1e-5, 1.0),
    "batch_size": (1, 4096),
    "seed": (0, 2**31 - 1),
    "max_snapshots": (2, 60),
    "patience": (0, 5000),
}
# Estimated seconds of one core a run may take (lstm_viz.budget). While it trains, other
# students' runs wait in line (lstm_viz.slots), so this is also the longest one run delays them.
COMPUTE_BUDGET_S: int = 60
# The test part and the forecast horizon, in points: each is predicted step by step on the Forecast page
# (and the test part every epoch), so neither may grow with the series (200,000 test points took 29 s).
MAX_TEST_SIZE: int = 5000
MAX_HORIZON: int = 1000
# Many in, many out (lstm_viz.seq2seq) trains one model per method on each click, so its page
# bounds are tighter than one run's: N inputs, M outputs, hidden units and epochs.
SEQ2SEQ_LIMITS: dict[str, tuple[int, int]] = {
    "n_in": (1, 240),
    "n_out": (1, 120),
    "hidden_size": (1, 256),
    "epochs": (1, 1000),
}


@dataclass(frozen=True)
class Config:
    """Settings of one training run.

    Parameters
    ----------
    cell : {"lstm", "gru", "rnn"}
        Recurrent core of the forecaster.
    input_size : int
        Features per time step (1 for a univariate series).
    hidden_size : int
        Units per recurrent layer, ``H``.
    num_layers : int
        Stacked recurrent layers.
    dropout : float
        Dropout between stacked layers (ignored by PyTorch for one layer).
    window : int
        Time steps the model reads to predict the next value, ``T``.
    epochs, lr, batch_size, seed :
        Mini-batch Adam settings; the same seed gives the same losses.
    max_snapshots : int
        Training snapshots (gate trace + predictions) kept per run, at most 60.
    num_threads : int or None
        Torch intra-op threads for this run; None leaves torch's default.
    transform : {"none", "log", "boxcox"}
        What the model reads before scaling: the values, their log, or their Box-Cox transform.
    diff : int
        Differencing lag: 0 the model reads levels; 1 changes from step to step; the season
        (12 for monthly data) changes from the same step a season earlier.
        See :mod:`lstm_viz.transforms` for why a trending, growing series needs them.
    patience : int
        Early stopping: end the run once this many epochs have passed without a lower
        validation loss, and keep the best epoch's weights (0: off; needs a validation part).
    """

    cell: CellKind = "lstm"
    input_size: int = 1
    hidden_size: int = DEFAULT_HIDDEN_SIZE
    num_layers: int = 1
    dropout: float = 0.0
    window: int = 12
    epochs: int = 100
    lr: float = 0.01
    batch_size: int = 32
    seed: int = 0
    max_snapshots: int = 60
    num_threads: int | None = None
    transform: str = "none"
    diff: int = 0
    patience: int = 0

    def validate(self) -> "Config":
        """Return self, or raise :class:`LensError` naming the first bad setting."""
        if self.cell not in CELLS:
            raise LensError("config.cell", value=self.cell)
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if value != value or not (low <= value <= high):  # value != value catches NaN
                raise LensError("config.range", name=name, value=value, low=low, high=high)
        if self.transform not in TRANSFORMS:
            raise LensError("transforms.kind", value=self.transform, known="none, log, boxcox")
        if not 0 <= self.diff <= LIMITS["window"][1]:
            raise LensError("config.range", name="diff", value=self.diff, low=0, high=LIMITS["window"][1])
        if self.num_threads is not None and self.num_threads < 1:
            raise LensError("config.range", name="num_threads", value=self.num_threads, low=1, high=64)
        return self

    def replace(self, **changes: Any) -> "Config":
        """Return a copy with ``changes`` applied (dataclasses.replace)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Config":
        """Build a Config from a dict, ignoring unknown keys, then validate it."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names}).validate()
