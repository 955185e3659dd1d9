r"""Many-to-many: read ``N`` steps, emit ``M`` steps at once, and compare with a one-step rollout.

Two ways to produce ``M`` values from one encoder (an ``nn.LSTM``, optionally
bidirectional) that has read :math:`x_1 … x_N`:

- **direct** — one linear head on the encoder's final hidden state emits all
  ``M`` values in one go: :math:`\hat y_{1..M} = W h_N + b`.
- **decoder** — a second LSTM starts from the encoder's final ``(h, c)`` and
  runs ``M`` steps; each step's input is its own previous prediction (the
  first step reads the last observed value :math:`x_N`), and a linear head
  turns each decoder ``h`` into one value. There is no teacher forcing: the
  decoder is trained exactly as it is used.

A bidirectional encoder's two final states (forward at step ``N``, backward at
step 1) are concatenated, so the head or decoder sees ``2H`` values per layer.

The yardstick is the **recursive** forecast: a one-step
:class:`~lstm_viz.models.Forecaster` reading the same ``N`` steps, rolled out
``M`` times, each prediction fed back as the newest input.
:func:`compare_horizons` trains all three on the same windows, with the same
seed and epochs, and scores them on the same test origins, lead by lead.

Shapes are time-first: ``x`` (N, B, 1) -> ``y_hat`` (M, B).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from lstm_viz.budget import check_cost, run_seconds
from lstm_viz.config import DEFAULT_HIDDEN_SIZE
from lstm_viz.errors import LensError
from lstm_viz.jobs import Job
from lstm_viz.loop import Loop, torch_threads, window_batches
from lstm_viz.models import Forecaster, count_parameters
from lstm_viz.recorder import LayerTrace, Trace, record
from lstm_viz.windows import MIN_TRAIN_WINDOWS, Scaler, ScalerKind

MODES: tuple[str, ...] = ("direct", "decoder")
METHODS: tuple[str, ...] = ("direct", "decoder", "recursive")


class Seq2Seq(nn.Module):
    """An LSTM encoder with a direct multi-output head or an LSTM decoder.

    Parameters
    ----------
    n_out : int
        Steps emitted, ``M``.
    hidden_size, num_layers : int
        Of the encoder, per direction (``nn.LSTM`` names). The decoder has
        ``num_layers`` layers of ``hidden_size × num_directions`` units.
    bidirectional : bool
        Read the input both ways.
    mode : {"direct", "decoder"}
        How the ``M`` values are produced (see the module docstring).
    input_size : int
        Features per input step (the first one is the series, fed back by the decoder).

    Inputs: ``x`` of shape (N, B, input_size).
    Outputs: ``y_hat`` of shape (M, B).
    """

    def __init__(
        self,
        n_out: int,
        hidden_size: int = DEFAULT_HIDDEN_SIZE,
        num_layers: int = 1,
        bidirectional: bool = False,
        mode: str = "direct",
        input_size: int = 1,
    ) -> None:
        super().__init__()
        if mode not in MODES:
            raise LensError("teach.seq2seq.mode", mode=mode)
        self.n_out, self.mode = int(n_out), mode
        self.num_directions = 2 if bidirectional else 1
        self.encoder = nn.LSTM(input_size, hidden_size, num_layers, bidirectional=bidirectional)
        width = hidden_size * self.num_directions  # what the head or decoder sees per layer
        if mode == "decoder":
            self.decoder = nn.LSTM(1, width, num_layers)
            self.head = nn.Linear(width, 1)
        else:
            self.decoder = None
            self.head = nn.Linear(width, self.n_out)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return the encoder's final ``(h, c)``, both directions joined: each (num_layers, B, D·H)."""
        _, (h_n, c_n) = self.encoder(x)
        return self._join(h_n), self._join(c_n)

    def _join(self, state: torch.Tensor) -> torch.Tensor:
        # nn.LSTM orders h_n layer-major, direction-minor: (L·D, B, H) -> (L, B, D·H)
        n_layers, n_batch = self.encoder.num_layers, state.shape[1]
        state = state.view(n_layers, self.num_directions, n_batch, -1)
        return torch.cat(state.unbind(1), dim=-1)

    def decode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Return ``y_hat`` (M, B) and the decoder's inputs (M, B, 1), None in direct mode."""
        h, c = self.encode(x)
        if self.decoder is None:
            return self.head(h[-1]).T, None
        inputs, outputs = [], []
        y_prev = x[-1, :, :1]  # the last observed value starts the decoder
        state = (h, c)
        for _ in range(self.n_out):
            inputs.append(y_prev)
            out, state = self.decoder(y_prev.unsqueeze(0), state)
            y_prev = self.head(out[0])  # (B, 1), fed back as the next input
            outputs.append(y_prev)
        return torch.cat(outputs, dim=1).T, torch.stack(inputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Forecast ``M`` steps from each window: (N, B, input_size) -> (M, B)."""
        return self.decode(x)[0]


def record_seq2seq(model: Seq2Seq, x: np.ndarray | torch.Tensor) -> dict[str, Trace]:
    """Record the gates of the encoder and (decoder mode) of the decoder over one input.

    Parameters
    ----------
    model : Seq2Seq
    x : array (N, input_size) or (N, B, input_size)

    Returns
    -------
    dict with ``"encoder"``: the encoder's :class:`~lstm_viz.recorder.Trace`
    (both directions when bidirectional) and, in decoder mode, ``"decoder"``:
    the decoder replayed from the encoder's final state over the values it
    was fed (its own predictions). Arrays are (T, H) for an unbatched ``x``,
    else (T, B, H); the decoder's ``T`` is ``M``.
    """
    xt = torch.as_tensor(np.asarray(x, np.float32) if isinstance(x, np.ndarray) else x).float()
    unbatched = xt.ndim == 2
    if unbatched:
        xt = xt[:, None, :]
    traces = {"encoder": record(model.encoder, xt[:, 0] if unbatched else xt)}
    if model.decoder is not None:
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                h, c = model.encode(xt)
                _, dec_inputs = model.decode(xt)
        finally:
            model.train(was_training)
        if unbatched:
            traces["decoder"] = record(model.decoder, dec_inputs[:, 0], h[:, 0], c[:, 0])
        else:
            traces["decoder"] = record(model.decoder, dec_inputs, h, c)
    return traces


# -- windows ---------------------------------------------------------------------


def make_seq2seq_windows(values: np.ndarray, n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut ``values`` (L,) into (N in, M out) pairs, without a Python loop over samples.

    Pair ``s`` reads ``values[s : s + N]`` and targets ``values[s + N : s + N + M]``.

    Returns
    -------
    X : float32 array (n_in, S, 1), time-first, ``S = L - N - M + 1``
    Y : float32 array (n_out, S)
    """
    values = np.asarray(values, np.float32)
    if n_in < 1 or n_out < 1 or values.shape[0] < n_in + n_out:
        raise LensError("teach.seq2seq.too_short", n=int(values.shape[0]), n_in=int(n_in), n_out=int(n_out))
    view = np.lib.stride_tricks.sliding_window_view(values, n_in + n_out)  # (S, N + M)
    X = view[:, :n_in].T.copy()[:, :, None]  # copy: the view is read-only and strided
    Y = view[:, n_in:].T.copy()
    return X, Y


@dataclass(frozen=True)
class Seq2SeqSplit:
    """A series split by time, scaled on its training part, cut into (N in, M out) pairs.

    Attributes
    ----------
    values : float64 (L,)      the series, original units
    scaled : float32 (L,)      the series, model units
    n_train : int              the first ``n_train`` values are the training part
    n_in, n_out : int          ``N`` and ``M``
    scaler : Scaler            fitted on the training part
    X_train, Y_train : (N, S_train, 1), (M, S_train)   pairs whose M targets all lie in the training part
    X_test, Y_test : (N, S_test, 1), (M, S_test)       pairs whose M targets all lie in the test part
    origins : int64 (S_test,)  index in ``values`` of each test pair's first target
    """

    values: np.ndarray
    scaled: np.ndarray
    n_train: int
    n_in: int
    n_out: int
    scaler: Scaler
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    origins: np.ndarray


def split_seq2seq(
    values: np.ndarray, n_in: int, n_out: int, test_size: int, scaler: ScalerKind = "minmax"
) -> Seq2SeqSplit:
    """Split ``values`` (L,) by time and window both parts into (N in, M out) pairs.

    The test pairs start at every origin whose ``M`` targets fit in the last
    ``test_size`` values (``test_size - M + 1`` of them); their inputs may read
    training values, as one-step test windows do.
    """
    values = np.asarray(values, np.float64).ravel()
    n = int(values.shape[0])
    need = n_in + n_out + MIN_TRAIN_WINDOWS - 1 + test_size
    if test_size < n_out or n < need:
        raise LensError(
            "teach.seq2seq.not_enough", n=n, n_in=int(n_in), n_out=int(n_out), test_size=int(test_size),
            need=int(need),
        )
    n_train = n - test_size
    fitted = Scaler.fit(values[:n_train], scaler)
    scaled = fitted.transform(values)
    X_all, Y_all = make_seq2seq_windows(scaled, n_in, n_out)
    first_target = np.arange(X_all.shape[1]) + n_in
    train = first_target + n_out <= n_train
    test = first_target >= n_train
    return Seq2SeqSplit(
        values=values,
        scaled=scaled,
        n_train=n_train,
        n_in=int(n_in),
        n_out=int(n_out),
        scaler=fitted,
        X_train=np.ascontiguousarray(X_all[:, train]),
        Y_train=np.ascontiguousarray(Y_all[:, train]),
        X_test=np.ascontiguousarray(X_all[:, test]),
        Y_test=np.ascontiguousarray(Y_all[:, test]),
        origins=first_target[test].astype(np.int64),
    )


# -- training and forecasting -------------------------------------------------------


def fit(
    model: nn.Module,
    X: np.ndarray,
    Y: np.ndarray,
    epochs: int,
    lr: float = 0.01,
    batch_size: int = 32,
    seed: int = 0,
    forward: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> np.ndarray:
    """Train ``model`` with mini-batch Adam on MSE (the one loop, :class:`lstm_viz.loop.Loop`); return each epoch's loss.

    Parameters
    ----------
    X : (T, S, input_size)    windows, time-first
    Y : (M, S)                targets, time-first
    forward : callable, optional
        Maps a batch (T, B, input_size) to predictions (M, B); default ``model``.
    seed : int
        Seeds the shuffles (torch's global random state is left as it was).

    Returns
    -------
    float64 array (epochs,)
        Mean batch loss per epoch, weighted by batch size. A NaN stops training
        early (the array is then shorter; the model keeps the last epoch with finite losses).
    """
    forward = forward or model
    X_t = torch.from_numpy(np.ascontiguousarray(X, np.float32))
    Y_t = torch.from_numpy(np.ascontiguousarray(Y, np.float32))
    loop = Loop(model, window_batches(X_t, Y_t, batch_size),
                lambda _, x, y: nn.functional.mse_loss(forward(x), y), epochs, lr, seed=seed)
    for _ in loop:
        pass
    model.eval()
    return loop.losses()[1]


def rollout_batch(model: nn.Module, X: np.ndarray | torch.Tensor, steps: int) -> np.ndarray:
    """Roll a one-step forecaster out ``steps`` times from every window at once.

    Parameters
    ----------
    model : Forecaster
        Maps (T, B, 1) to (B, 1).
    X : (T, B, 1)
        Seed windows, time-first, model units.

    Returns
    -------
    float32 array (steps, B): step ``m`` reads the last ``T - m`` known values and ``m`` predictions.
    """
    window = torch.as_tensor(np.asarray(X, np.float32) if isinstance(X, np.ndarray) else X).float()
    preds = []
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for _ in range(steps):
                y_next = model(window)  # (B, 1)
                preds.append(y_next[:, 0])
                window = torch.cat([window[1:], y_next.unsqueeze(0)], dim=0)
    finally:
        model.train(was_training)
    return torch.stack(preds).numpy()


def predict_seq(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """Return ``model``'s (M, S) forecasts of every window in one eval-mode pass, float32."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model(torch.from_numpy(np.ascontiguousarray(X, np.float32))).numpy()
    finally:
        model.train(was_training)


def error_by_horizon(y_true: np.ndarray, predictions: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return the RMSE at each lead, name -> float64 (M,).

    Parameters
    ----------
    y_true : (M, S)
        Actual values, lead ``m + 1`` in row ``m``, one column per forecast origin.
    predictions : dict[str, (M, S)]
        Forecasts of the same origins.
    """
    y_true = np.asarray(y_true, np.float64)
    return {
        name: np.sqrt(np.mean((np.asarray(pred, np.float64) - y_true) ** 2, axis=1))
        for name, pred in predictions.items()
    }


@dataclass(frozen=True)
class HorizonComparison:
    """Direct, decoder and recursive forecasts of the same test origins, scored lead by lead.

    Attributes
    ----------
    leads : int64 (M,)                       1 … M
    origins : int64 (S,)                     index of each test origin's first target in the series
    y_true : float64 (M, S)                  actual values, original units
    predictions : dict[str, float64 (M, S)]  method -> forecasts, original units
    rmse : dict[str, float64 (M,)]           method -> RMSE at each lead, original units
    losses : dict[str, float64 (epochs,)]    method -> training loss per epoch (scaled units)
    params : dict[str, int]                  method -> trainable parameters
    train_time_s : dict[str, float]
    models : dict[str, nn.Module]            ``Seq2Seq`` for direct/decoder, ``Forecaster`` for recursive
    """

    leads: np.ndarray
    origins: np.ndarray
    y_true: np.ndarray
    predictions: dict[str, np.ndarray]
    rmse: dict[str, np.ndarray]
    losses: dict[str, np.ndarray]
    params: dict[str, int]
    train_time_s: dict[str, float]
    models: dict[str, nn.Module]


def horizon_cost_s(data: Seq2SeqSplit, hidden_size: int, epochs: int, n_methods: int = len(METHODS),
                   num_layers: int = 1, bidirectional: bool = False, batch_size: int = 32) -> float:
    """Estimated seconds of one core to train ``n_methods`` methods (:func:`lstm_viz.budget.run_seconds`).

    Each method is counted as reading all ``N + M`` steps of a pair (the decoder does; the
    others read fewer), a bidirectional encoder twice: an upper bound, as a budget wants.
    """
    steps = data.n_in + data.n_out
    train = run_seconds(epochs, data.X_train.shape[1], steps, hidden_size, num_layers, batch_size)
    # Then it predicts the test pairs, the recursive method in n_out calls (an upper bound for all).
    test = data.n_out * run_seconds(0, 0, steps, hidden_size, num_layers, n_snapshots=1,
                                    n_eval_windows=data.X_test.shape[1])
    one = train + test
    return one * n_methods * (2 if bidirectional else 1)


def compare_horizons(
    data: Seq2SeqSplit,
    methods: tuple[str, ...] = METHODS,
    hidden_size: int = DEFAULT_HIDDEN_SIZE,
    num_layers: int = 1,
    bidirectional: bool = False,
    epochs: int = 100,
    lr: float = 0.01,
    batch_size: int = 32,
    seed: int = 0,
    num_threads: int | None = None,
) -> HorizonComparison:
    """Train each method on the same training part and score it on the same test origins.

    ``direct`` and ``decoder`` are :class:`Seq2Seq` models (``bidirectional``
    applies to their encoders); ``recursive`` is a one-step LSTM
    :class:`~lstm_viz.models.Forecaster` trained on the one-step pairs of the
    same training part with the same window ``N``, then rolled out ``M`` steps.
    All are built with ``torch.manual_seed(seed)`` and trained ``epochs`` epochs.

    Raises
    ------
    LensError
        ``"config.budget"`` when the methods' estimated training time
        (:func:`horizon_cost_s`) exceeds ``COMPUTE_BUDGET_S``.
    """
    for method in methods:
        if method not in METHODS:
            raise LensError("teach.seq2seq.mode", mode=method)
    check_cost(horizon_cost_s(data, hidden_size, epochs, len(methods), num_layers, bidirectional, batch_size))
    scaler = data.scaler
    y_true = scaler.inverse(data.Y_test)
    predictions, losses, params, times, models = {}, {}, {}, {}, {}
    with torch_threads(num_threads), torch.random.fork_rng(devices=[]):
        for method in methods:
            torch.manual_seed(seed)
            started = time.perf_counter()
            if method == "recursive":
                model = Forecaster("lstm", 1, hidden_size, num_layers)
                # Every one-step pair of the training part: M - 1 more than the M-step pairs,
                # since a one-step target may sit where an M-step block would overrun the part.
                X_one, Y_one = make_seq2seq_windows(data.scaled[: data.n_train], data.n_in, 1)
                losses[method] = fit(
                    model, X_one, Y_one, epochs, lr, batch_size, seed, forward=lambda x, m=model: m(x).T
                )
                times[method] = time.perf_counter() - started
                scaled_pred = rollout_batch(model, data.X_test, data.n_out)
            else:
                model = Seq2Seq(data.n_out, hidden_size, num_layers, bidirectional, mode=method)
                losses[method] = fit(model, data.X_train, data.Y_train, epochs, lr, batch_size, seed)
                times[method] = time.perf_counter() - started
                scaled_pred = predict_seq(model, data.X_test)
            predictions[method] = scaler.inverse(scaled_pred)
            params[method] = count_parameters(model)
            models[method] = model
    return HorizonComparison(
        leads=np.arange(1, data.n_out + 1, dtype=np.int64),
        origins=data.origins,
        y_true=y_true,
        predictions=predictions,
        rmse=error_by_horizon(y_true, predictions),
        losses=losses,
        params=params,
        train_time_s=times,
        models=models,
    )


# -- the Many in, many out page: its background job, table and gate panels -----------------------

SEQ2SEQ_SAMPLE = "elnino"


def seq2seq_test_size(n_points: int, n_in: int, n_out: int, test_size: int) -> int:
    """Return a test part that holds at least ``n_out`` and, when the series allows, two output blocks.

    Starts from the data set's ``test_size``; grows it to ``2 × n_out`` if that
    still leaves at least ``n_in + n_out`` points plus a dozen training pairs.
    """
    wanted = max(int(test_size), 2 * int(n_out))
    if n_points - wanted >= n_in + n_out + 12:
        return wanted
    return max(int(test_size), int(n_out))


def check_seq2seq_budget(data: Seq2SeqSplit, hidden_size: int, epochs: int, n_methods: int = len(METHODS)) -> None:
    """Refuse (LensError ``config.budget``) a comparison over the server's compute budget, before any training."""
    check_cost(horizon_cost_s(data, hidden_size, epochs, n_methods))


def seq2seq_work(data: Seq2SeqSplit, hidden_size: int, bidirectional: bool, epochs: int,
                 seed: int = 0) -> Callable[[Job], HorizonComparison]:
    """Return the work of a many-to-many job: train direct, decoder and recursive in turn, then merge.

    Each method is one call of :func:`lstm_viz.seq2seq.compare_horizons`, which
    seeds every method alike, so the merged result equals one call with all three.
    """

    def work(job: Job) -> HorizonComparison:
        parts = []
        for n, method in enumerate(METHODS):
            job.report(n / len(METHODS), "m2m.training", method=method, n=n + 1, total=len(METHODS))
            parts.append(compare_horizons(data, (method,), hidden_size=hidden_size, bidirectional=bidirectional,
                                          epochs=epochs, seed=seed, num_threads=1))
            job.take_turn()  # a Train page run in line trains once this job's turn is over
        return merge_comparisons(parts)

    return work


def merge_comparisons(parts: list[HorizonComparison]) -> HorizonComparison:
    """Join comparisons of the same split that each trained some of the methods."""
    first = parts[0]
    joined = {name: {k: v for part in parts for k, v in getattr(part, name).items()}
              for name in ("predictions", "rmse", "losses", "params", "train_time_s", "models")}
    return HorizonComparison(leads=first.leads, origins=first.origins, y_true=first.y_true, **joined)


def horizon_table(result: HorizonComparison) -> pd.DataFrame:
    """Return one row per method: parameters, training time, RMSE at lead 1, at the last lead and on average."""
    rows = {
        method: {"params": result.params[method], "train_time_s": result.train_time_s[method],
                 "rmse_first": float(result.rmse[method][0]), "rmse_last": float(result.rmse[method][-1]),
                 "rmse_mean": float(np.mean(result.rmse[method]))}
        for method in result.predictions
    }
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class GatePanel:
    """One recorded LSTM of a seq2seq model, ready for ``figures.gates_figure``.

    ``part`` is ``"encoder"`` or ``"decoder"``; ``direction`` 0 forward, 1 backward;
    ``inputs`` (T,) what it read, original units; ``positions`` (T,) index in the series of each step.
    """

    part: str
    direction: int
    layer: LayerTrace
    inputs: np.ndarray
    positions: np.ndarray


def gate_panels(model: Seq2Seq, data: Seq2SeqSplit, origin: int) -> list[GatePanel]:
    """Record the encoder (both directions if bidirectional) and the decoder on the test pair ``origin``.

    The encoder's steps are the ``N`` input values; the decoder's are the
    ``M`` steps it forecasts, and it reads the previous value (the last input,
    then its own predictions). Every panel's ``positions`` are the times of the
    values it *reads*, so a hover shows each input at its own time: the
    decoder's step ``j`` reads the value of ``first_target - 1 + j`` (and
    forecasts ``first_target + j``).
    """
    k = int(np.clip(origin, 0, data.X_test.shape[1] - 1))
    x = data.X_test[:, k]  # (N, 1)
    first_target = int(data.origins[k])
    inputs = np.arange(first_target - data.n_in, first_target)
    traces = record_seq2seq(model, x)
    encoder = traces["encoder"]
    panels = [GatePanel("encoder", d, encoder.layer(-1, d), data.values[inputs], inputs)
              for d in range(encoder.num_directions)]
    if "decoder" in traces:
        with torch.no_grad():
            _, fed = model.decode(torch.from_numpy(np.ascontiguousarray(x[:, None, :], np.float32)))
        fed_values = data.scaler.inverse(fed[:, 0, 0].numpy())
        read_at = np.arange(first_target - 1, first_target - 1 + data.n_out)
        panels.append(GatePanel("decoder", 0, traces["decoder"].layer(-1), fed_values, read_at))
    return panels
