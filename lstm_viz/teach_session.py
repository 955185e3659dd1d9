"""What the teaching pages compute between a click and a chart, kept out of Streamlit.

Three pages go deeper than the lab: one LSTM step worked out by hand, RNN vs
GRU vs LSTM (on the student's series and on the recall-the-spike task), and
many-in / many-out forecasting. This module holds what they need beyond the
engine modules it calls (:mod:`~lstm_viz.cell_by_hand`, :mod:`~lstm_viz.compare`,
:mod:`~lstm_viz.synthetic`, :mod:`~lstm_viz.seq2seq`):

- :class:`Job` — a long computation on its own thread, so a page keeps
  redrawing (and its widgets keep working) while three cells train. A page
  keeps the job in ``st.session_state`` and polls it.
- :func:`check_step` — one worked step beside the recorder's numbers and
  ``nn.LSTM``'s own output, so students see the three agree.
- the work functions the jobs run: :func:`compare_work`, :func:`task_summary`,
  :func:`seq2seq_work`, and the small views the pages draw from their results.

Nothing here imports Streamlit.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from lstm_viz.budget import check_cost
from lstm_viz import data as data_module
from lstm_viz import samples as samples_module
from lstm_viz import slots
from lstm_viz.cell_by_hand import GATES, CellStep, explain_step, worked_lines
from lstm_viz.compare import CellResult, cell_result, gradient_flow, start_trainers, summary_table
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.gradients import grad_norm_by_lag
from lstm_viz.recorder import LayerTrace, record
from lstm_viz.seq2seq import (METHODS, HorizonComparison, Seq2Seq, Seq2SeqSplit, compare_horizons, horizon_cost_s,
                              record_seq2seq)
from lstm_viz.synthetic import spike_task, train_on_task
from lstm_viz.windows import Split, split_series

STATES: tuple[str, ...] = (*GATES, "c", "h")  # what the agreement table lists: i, f, g, o, c, h

# -- background jobs ------------------------------------------------------------------------------


class Cancelled(Exception):
    """Raised inside a job's work when the page asked it to stop."""


@dataclass(eq=False)
class Job:
    """A long computation running on a daemon thread; the page reads its progress and result.

    Compared by identity (``eq=False``), so a job is its own key in the server's line.

    Attributes
    ----------
    name : str
        What it is (``"compare"``, ``"task"`` …), for the page.
    settings : dict
        The plain settings it was started with (shown beside the result).
    progress : float
        0 … 1, set by the work as it goes.
    note : (str, dict) or None
        i18n key and parameters saying what it is doing now.
    result : Any
        What the work returned, once it has finished without error.
    error : (str, dict) or None
        i18n key and parameters of the refusal or failure that ended it.
    """

    name: str
    settings: dict
    progress: float = 0.0
    note: tuple[str, dict] | None = None
    result: Any = None
    error: tuple[str, dict] | None = None
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None
    present: Callable[[], bool] | None = field(default=None, repr=False)  # the student is still there
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def running(self) -> bool:
        return self.ended is None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def elapsed_s(self) -> float:
        return (self.ended or time.perf_counter()) - self.started

    def report(self, progress: float, key: str | None = None, **params: Any) -> None:
        """Record progress (and what is going on); raise :class:`Cancelled` if the page asked to stop
        or its student has gone (``present``)."""
        if self._cancel.is_set() or not self.student_present():
            raise Cancelled
        self.progress = float(np.clip(progress, 0.0, 1.0))
        if key is not None:
            self.note = (key, params)

    def student_present(self) -> bool:
        return self.present is None or self.present()

    def cancel(self) -> None:
        """Ask the work to stop at its next :meth:`report`."""
        self._cancel.set()

    def wait(self, seconds: float | None = None) -> bool:
        """Block until the job ends (tests and scripts); return True if it has."""
        if self._thread is not None:
            self._thread.join(seconds)
        return not self.running


def start_job(name: str, settings: dict, work: Callable[[Job], Any],
              present: Callable[[], bool] | None = None) -> Job:
    """Run ``work(job)`` on a daemon thread and return the :class:`Job` at once.

    The job first waits its turn in the server's training line; ``present``
    (:class:`lstm_viz.slots.Presence`) says whether its student is still
    there: a job whose student has gone leaves the line, or stops at its next report.

    A :class:`~lstm_viz.errors.LensError` from the work becomes ``job.error``
    (its key and parameters); any other exception becomes ``"page.teach.failed"``
    with a short detail, so a page never shows a traceback.
    """
    job = Job(name, dict(settings), present=present)

    def wanted() -> bool:
        # Called by the line every POLL_S while the job waits: a good moment to show its place.
        job.note = ("page.teach.waiting", {"ahead": slots.QUEUE.ahead(job) or 0, "slots": slots.QUEUE.slots})
        return not job.cancelled and job.student_present()

    def body() -> None:
        try:
            # Teaching jobs train models too: they wait in the server's one line with the Train page's runs.
            if not slots.QUEUE.wait_turn(job, wanted):
                raise Cancelled
            job.note = None
            job.result = work(job)
            job.progress = 1.0
        except Cancelled:
            job.error = ("page.teach.cancelled", {})
        except LensError as err:
            job.error = (err.key, err.params)
        except Exception as exc:  # a crash must end the job visibly, never leave it "running" forever
            job.error = ("page.teach.failed", {"detail": f"{type(exc).__name__}: {exc}"[:200]})
        finally:
            slots.QUEUE.leave(job)
            job.ended = time.perf_counter()

    slots.QUEUE.join(job)
    job._thread = threading.Thread(target=body, name=f"lstm-lens-{name}", daemon=True)
    job._thread.start()
    return job


# -- one cell by hand ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepCheck:
    """A worked step with the same numbers from the recorder and from ``nn.LSTM`` itself.

    Attributes
    ----------
    step : CellStep
        The step rebuilt by hand in float64 (:func:`lstm_viz.cell_by_hand.explain_step`).
    recorded : dict[str, float32 array (H,)]
        ``"i", "f", "g", "o", "c", "h"`` at the same step and layer, from
        :func:`lstm_viz.recorder.record` replaying the whole sequence.
    torch_h, torch_c : float64 arrays (H,)
        ``h_t`` and ``c_t`` of that layer as ``nn.LSTM``'s fused kernel computes them.
    """

    step: CellStep
    recorded: dict[str, np.ndarray]
    torch_h: np.ndarray
    torch_c: np.ndarray

    @property
    def recorder_error(self) -> float:
        """Largest |by hand − recorder| over every gate and state."""
        return max(float(np.max(np.abs(self.step[name] - self.recorded[name]))) for name in STATES)

    @property
    def torch_error(self) -> float:
        """Largest |by hand − nn.LSTM| over h_t and c_t."""
        return max(float(np.max(np.abs(self.step.h_t - self.torch_h))),
                   float(np.max(np.abs(self.step.c_t - self.torch_c))))


def _torch_states(core: nn.LSTM, x_seq, t: int, layer: int, h0, c0) -> tuple[np.ndarray, np.ndarray]:
    """Run ``nn.LSTM`` itself (layers 0 … ``layer``, steps 0 … ``t``) and return that layer's last (h, c)."""
    keep = {name: p for name, p in core.state_dict().items() if int(name.rsplit("_l", 1)[1]) <= layer}
    with torch.random.fork_rng(devices=[]):  # building a module draws random weights we overwrite
        sub = nn.LSTM(core.input_size, core.hidden_size, num_layers=layer + 1, bias=core.bias)
    sub.load_state_dict(keep)
    x = torch.as_tensor(np.asarray(x_seq, np.float32)[: t + 1])
    state = None
    if h0 is not None or c0 is not None:
        zeros = torch.zeros(core.num_layers, core.hidden_size)
        h = torch.as_tensor(np.asarray(h0, np.float32)) if h0 is not None else zeros
        c = torch.as_tensor(np.asarray(c0, np.float32)) if c0 is not None else zeros
        state = (h.reshape(-1, core.hidden_size)[: layer + 1], c.reshape(-1, core.hidden_size)[: layer + 1])
    with torch.no_grad():
        _, (h_n, c_n) = sub(x, state)
    return h_n[-1].double().numpy(), c_n[-1].double().numpy()


def check_step(core, x_seq: np.ndarray, t: int, layer: int = 0, unit: int | None = None,
               h0=None, c0=None) -> StepCheck:
    """Work out step ``t`` of ``layer`` by hand and fetch the same numbers from the recorder and ``nn.LSTM``.

    Parameters
    ----------
    core : nn.LSTM or Forecaster with an LSTM core (one direction)
    x_seq : array (T, input_size)
        One input sequence, time-first, in model units.
    t, layer, unit : int
        Step, layer (both from 0) and the unit to focus on (None: every unit).
    h0, c0 : arrays (num_layers, H), optional
        Initial states; zeros when omitted.

    Raises
    ------
    LensError
        A core that is not an LSTM, or a step / layer / unit out of range.
    """
    step = explain_step(core, x_seq, t, layer=layer, unit=unit, h0=h0, c0=c0)
    lstm = getattr(core, "core", core)
    trace = record(lstm, x_seq, h0, c0).layer(layer)
    recorded = {name: np.asarray(trace[name][step.t]) for name in STATES}
    torch_h, torch_c = _torch_states(lstm, x_seq, step.t, layer, h0, c0)
    return StepCheck(step, recorded, torch_h, torch_c)


def worked_rows(step: CellStep, unit: int | None, lang: str, digits: int,
                max_terms: int = 6) -> list[tuple[str, str, str | None]]:
    """Return :func:`~lstm_viz.cell_by_hand.worked_lines` as (caption, LaTeX, state) rows.

    ``state`` names the gate or state a row ends in (``"i"`` … ``"h"``), so a
    page can put the recorder's value beside it; None for the concatenation and
    the pre-activations. A unit's weighted sum shows its ``max_terms`` largest
    products (the rest summed), short enough for a laptop screen.
    """
    lines = worked_lines(step, unit, lang=lang, digits=digits, max_terms=max_terms)
    states: list[str | None] = [None]  # z = [h, x]
    for name in GATES:
        states += [None, name]  # pre-activation, then the gate
    states += ["c", "h"]
    if len(lines) != len(states):  # worked_lines changed its layout: show the lines without the pairing
        states = [None] * len(lines)
    return [(caption, tex, state) for (caption, tex), state in zip(lines, states)]


def format_values(values: np.ndarray, unit: int | None, digits: int) -> str:
    """Format one unit's value, or every unit's as a LaTeX column vector, with ``digits`` decimals."""
    values = np.asarray(values, np.float64)
    if unit is not None:
        return f"{values[unit]:.{digits}f}"
    return r"\begin{bmatrix}" + r" \\ ".join(f"{v:.{digits}f}" for v in values) + r"\end{bmatrix}"


def agreement_table(check: StepCheck, unit: int | None = None) -> pd.DataFrame:
    """Return one row per gate / state and unit: the value by hand, from the recorder, and their difference.

    Columns ``state``, ``unit``, ``by_hand``, ``recorder``, ``difference``;
    every unit when ``unit`` is None, else that unit only.
    """
    units = range(check.step.hidden_size) if unit is None else [unit]
    rows = [
        {"state": name, "unit": u, "by_hand": float(check.step[name][u]),
         "recorder": float(check.recorded[name][u]),
         "difference": float(check.step[name][u] - check.recorded[name][u])}
        for name in STATES for u in units
    ]
    return pd.DataFrame(rows, columns=["state", "unit", "by_hand", "recorder", "difference"])


def unit_choices(hidden_size: int, matrix_max: int = 4) -> list[int | None]:
    """Return the unit picker's options: None (every unit) first when the layer is small enough to show whole."""
    units: list[int | None] = list(range(hidden_size))
    return [None, *units] if hidden_size <= matrix_max else units


# -- RNN vs GRU vs LSTM on the student's series ----------------------------------------------------


def compare_config(base: Config, hidden_size: int, epochs: int) -> Config:
    """Return the settings every cell shares: ``base`` with the page's size and budget, one thread, few snapshots."""
    return base.replace(hidden_size=int(hidden_size), epochs=int(epochs), num_threads=1, max_snapshots=2).validate()


@dataclass(frozen=True)
class CompareOutcome:
    """Three cells trained on one split, with what the page draws.

    Attributes
    ----------
    results : list[CellResult]           in the order RNN, GRU, LSTM
    table : DataFrame                    :func:`lstm_viz.compare.summary_table`
    flow : dict[str, float64 (L,)]       gradient norm against lag, measured on the student's series
    flow_length : int                    ``L``, steps per measured window
    split : Split
    cfg : Config                         the shared settings
    """

    results: list[CellResult]
    table: pd.DataFrame
    flow: dict[str, np.ndarray]
    flow_length: int
    split: Split
    cfg: Config


def prepare_compare(values: np.ndarray, test_size: int, cfg: Config, val_size: int = 0) -> tuple[Split, dict]:
    """Split the series for ``cfg`` and build (untrained) trainers once, so bad settings are refused at the click.

    ``val_size`` values before the test part are the validation part (its loss is the table's
    validation loss). Returns the split and the trainers; raises LensError (window too long, run
    over the budget …).
    """
    split = split_series(values, cfg.window, test_size, val_size=val_size, transform=cfg.transform, diff=cfg.diff)
    return split, start_trainers(split, cfg)


def compare_work(split: Split, trainers: dict, horizon: int, season: int | None) -> Callable[[Job], CompareOutcome]:
    """Return the work of a compare job: train each trainer in turn, then score and measure them."""
    def work(job: Job) -> CompareOutcome:
        n_cells = len(trainers)
        for n, (cell, trainer) in enumerate(trainers.items()):
            while not trainer.finished:
                job.report((n + trainer.progress) / n_cells, "teach.compare.running", cell=cell.upper(),
                           epoch=trainer.epochs_done, epochs=trainer.cfg.epochs)
                trainer.run_for(0.2)
        job.report(0.99, "page.compare.scoring")
        results = [cell_result(trainer, horizon, season) for trainer in trainers.values()]
        length = min(4 * split.window, split.n_train - 1)
        flow = gradient_flow(results, split, length=length)
        cfg = next(iter(trainers.values())).cfg
        return CompareOutcome(results, summary_table(results), flow, length, split, cfg)

    return work


# -- the recall-the-spike task ---------------------------------------------------------------------

TASK_STEPS = 300  # Adam steps per cell and lag: a few seconds each on one core
TASK_LAGS: tuple[int, ...] = (5, 10, 20, 40)
MEMORY_BIAS = 2.0


@dataclass(frozen=True)
class TaskSummary:
    """One cell trained on the spike task, reduced to plain arrays (cacheable, no model).

    Attributes
    ----------
    cell, lag : str, int
    accuracy : float                    held-out accuracy (0.5 is chance)
    steps, accuracy_curve : (K,)        held-out accuracy during training
    params : int
    train_time_s : float
    grad : float64 (lag + spread,)      gradient norm against lag of the trained model, on held-out sequences
    """

    cell: str
    lag: int
    accuracy: float
    steps: np.ndarray
    accuracy_curve: np.ndarray
    params: int
    train_time_s: float
    grad: np.ndarray

    @property
    def solved(self) -> bool:
        return self.accuracy >= 0.95


def task_summary(cell: str, lag: int, steps: int = TASK_STEPS, seed: int = 0,
                 memory_bias: float = MEMORY_BIAS) -> TaskSummary:
    """Train ``cell`` on the spike task at ``lag`` and measure its gradient against lag (a few seconds)."""
    res = train_on_task(cell, lag, steps=steps, seed=seed, memory_bias=memory_bias, num_threads=1)
    probe = spike_task(128, lag, seed=np.random.default_rng(np.random.SeedSequence([seed, 3])))
    grad = grad_norm_by_lag(res.model, probe.x)
    return TaskSummary(cell, int(lag), res.accuracy, res.steps, res.accuracy_curve, res.params,
                       res.train_time_s, grad)


def task_work(run_one: Callable[..., TaskSummary], cells: tuple[str, ...], lags: tuple[int, ...],
              **kwargs: Any) -> Callable[[Job], dict[tuple[str, int], TaskSummary]]:
    """Return the work of a spike-task job: ``run_one(cell, lag, **kwargs)`` for every cell and lag.

    ``run_one`` is :func:`task_summary` or a cached wrapper of it (the page's,
    shared by every student since it depends only on plain arguments).
    """

    def work(job: Job) -> dict[tuple[str, int], TaskSummary]:
        out = {}
        pairs = [(cell, lag) for lag in lags for cell in cells]
        for n, (cell, lag) in enumerate(pairs):
            job.report(n / len(pairs), "page.compare.task_running", cell=cell.upper(), lag=lag, n=n + 1,
                       total=len(pairs))
            out[cell, lag] = run_one(cell, lag, **kwargs)
        return out

    return work


def accuracy_by_lag(results: dict[tuple[str, int], TaskSummary], cells, lags) -> dict[str, np.ndarray]:
    """Arrange task results as cell -> accuracy at each lag, float64 (len(lags),), for the chart."""
    return {cell: np.array([results[cell, lag].accuracy for lag in lags], np.float64) for cell in cells}


# -- many in, many out -----------------------------------------------------------------------------

SEQ2SEQ_SAMPLE = "elnino"


def sample_series(key: str) -> data_module.Series:
    """Read a shipped sample's series without touching the student's workspace."""
    sample = samples_module.SAMPLES.get(key)
    if sample is None:
        raise LensError("samples.unknown", name=key, known=", ".join(samples_module.SAMPLES))
    table = data_module.read_table(samples_module.sample_bytes(key), sample.file)
    time_column = sample.time_column if sample.time_column in table.time_columns else None
    return data_module.prepare_series(table, sample.target, time_column=time_column,
                                      series_column=sample.series_column, series_name=sample.series_name)


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
            job.report(n / len(METHODS), "page.m2m.running", method=method, n=n + 1, total=len(METHODS))
            parts.append(compare_horizons(data, (method,), hidden_size=hidden_size, bidirectional=bidirectional,
                                          epochs=epochs, seed=seed, num_threads=1))
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
