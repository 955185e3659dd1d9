r"""A long-memory task on which a plain RNN fails and an LSTM succeeds.

**Recall the spike.** Each sequence is ``T = lag + spread`` steps of small
noise, :math:`x_t \sim \mathcal N(0, \text{noise}^2)`, with one spike
:math:`x_p = \pm 1` at a random position ``p`` among the first ``spread``
steps. At the last step the model must say whether the spike was up or down::

    x: ~~~~~~↑~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~   -> "up"   (y = 1)
             └──────────── at least `lag` steps of noise ────────────┘

The answer depends on one input at least ``lag`` steps back and on nothing
later, so the only way to learn it is to carry one bit across ``lag`` steps.
Chance is 50 % accuracy. The gradient that would teach a plain RNN to keep the
bit shrinks by a roughly constant factor per step (see
:mod:`lstm_viz.gradients`), so at lag 20 and beyond it stays at chance; an
LSTM stores the bit in its cell state behind an open forget gate.

**Memory bias.** PyTorch initialises every bias near 0, so an LSTM's forget
gate starts near :math:`\sigma(0) = 0.5` and halves its memory each step. As
is common practice (Gers et al. 2000 and Jozefowicz et al. 2015 use +1; Keras
does it by default), :func:`build_task_model` adds ``memory_bias`` to the
forget-gate bias of an LSTM and to the update-gate bias of a GRU, so both start
*able* to remember. A plain RNN has no gate to open: that is the lesson. With
``memory_bias=0`` an LSTM at the default budget does not solve lag 20 either.

Training draws fresh sequences every step from a seeded generator (no
overfitting) and scores accuracy on a fixed held-out set.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from lstm_viz.errors import LensError
from lstm_viz.gradients import grad_norm_by_lag
from lstm_viz.jobs import Job
from lstm_viz.loop import Loop, torch_threads
from lstm_viz.models import Forecaster, count_parameters

CHANCE_ACCURACY = 0.5
MAX_TASK_LAG = 200  # longer sequences make one training run too slow for a classroom server
MAX_TASK_STEPS = 3000  # about half a minute at lag 40 on one core
_EVAL_SAMPLES = 512


@dataclass(frozen=True)
class SpikeTask:
    """A batch of "recall the spike" sequences.

    Attributes
    ----------
    x : float32 array (T, B, 1)
        Noise with one spike of +1 or -1, time-first.
    y : float32 array (B,)
        1.0 where the spike was +1, 0.0 where it was -1.
    position : int64 array (B,)
        Time index of each spike, in ``0 … spread - 1``.
    lag : int
        Fewest steps between a spike and the last step (``T - 1 - position >= lag``).
    """

    x: np.ndarray
    y: np.ndarray
    position: np.ndarray
    lag: int


def spike_task(
    n_samples: int, lag: int, spread: int = 5, noise: float = 0.1, seed: int | np.random.Generator = 0
) -> SpikeTask:
    """Draw ``n_samples`` spike sequences of length ``lag + spread``.

    Parameters
    ----------
    n_samples : int
        Sequences in the batch, ``B``.
    lag : int
        The spike lies at least ``lag`` steps before the last step, 1 … ``MAX_TASK_LAG``.
    spread : int
        The spike's position is uniform over the first ``spread`` steps.
    noise : float
        Standard deviation of the background noise.
    seed : int or numpy Generator
        Same seed, same sequences.

    Returns
    -------
    SpikeTask
        ``x`` of shape (lag + spread, n_samples, 1), ``y`` of shape (n_samples,).
    """
    if not 1 <= lag <= MAX_TASK_LAG:
        raise LensError("teach.task.lag", lag=int(lag), low=1, high=MAX_TASK_LAG)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    n_steps = lag + spread
    x = rng.normal(0.0, noise, size=(n_steps, n_samples)).astype(np.float32)
    position = rng.integers(0, spread, size=n_samples)
    sign = rng.choice(np.array([-1.0, 1.0], np.float32), size=n_samples)
    x[position, np.arange(n_samples)] = sign
    return SpikeTask(x[:, :, None], (sign > 0).astype(np.float32), position.astype(np.int64), int(lag))


def build_task_model(
    cell: str, hidden_size: int = 16, memory_bias: float = 2.0, seed: int = 0
) -> Forecaster:
    """Create a seeded :class:`~lstm_viz.models.Forecaster` whose head outputs one logit.

    ``memory_bias`` is added to the LSTM forget-gate bias or the GRU update-gate
    bias (rows ``H … 2H`` of ``bias_ih`` in both: PyTorch orders the gates
    *i, f, g, o* and *r, z, n*); a plain RNN is left as PyTorch built it.
    """
    torch.manual_seed(seed)
    model = Forecaster(cell=cell, input_size=1, hidden_size=hidden_size, output_size=1)
    if cell in ("lstm", "gru") and memory_bias:
        with torch.no_grad():
            for name, bias in model.core.named_parameters():
                if name.startswith("bias_ih"):
                    bias[hidden_size : 2 * hidden_size] += memory_bias
    return model


@dataclass(frozen=True)
class TaskResult:
    """One model trained on the spike task.

    Attributes
    ----------
    cell, lag, seed : the run's settings
    accuracy : float
        Held-out accuracy after training (0.5 is chance).
    loss : float
        Held-out binary cross-entropy after training (ln 2 ≈ 0.693 is chance).
    steps : int64 array (K,)
        Optimizer steps at which the curves were measured (0 = before training).
    accuracy_curve, loss_curve : float64 arrays (K,)
        Held-out accuracy and loss at those steps.
    params : int
        Trainable parameters.
    train_time_s : float
        Wall time of training (the held-out scoring after each stretch of ``eval_every`` steps included).
    model : Forecaster
        The trained model (its head outputs the logit of "spike was up").
    """

    cell: str
    lag: int
    seed: int
    accuracy: float
    loss: float
    steps: np.ndarray
    accuracy_curve: np.ndarray
    loss_curve: np.ndarray
    params: int
    train_time_s: float
    model: Forecaster

    @property
    def solved(self) -> bool:
        """True when held-out accuracy reached 95 %."""
        return self.accuracy >= 0.95


def _last_step_bce(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy of the last step's logit against "the spike was up"."""
    return nn.functional.binary_cross_entropy_with_logits(model(x)[:, 0], y)


def _held_out(model: nn.Module, task: SpikeTask, y: torch.Tensor) -> tuple[float, float]:
    model.eval()
    with torch.no_grad():
        logit = model(torch.from_numpy(task.x))[:, 0]
        loss = nn.functional.binary_cross_entropy_with_logits(logit, y).item()
        accuracy = float(((logit > 0).float() == y).float().mean())
    model.train()
    return accuracy, loss


def train_on_task(
    cell: str,
    lag: int,
    steps: int = 300,
    seed: int = 0,
    hidden_size: int = 16,
    batch_size: int = 256,
    lr: float = 3e-3,
    memory_bias: float = 2.0,
    noise: float = 0.1,
    spread: int = 5,
    eval_every: int = 50,
    num_threads: int | None = None,
) -> TaskResult:
    """Train one cell on "recall the spike" with mini-batch Adam and report held-out accuracy.

    Every step draws a fresh batch of ``batch_size`` sequences; the loss is the
    binary cross-entropy of the last step's logit. Gradients are clipped to
    norm 1 (the same for every cell). It is the one training loop
    (:class:`lstm_viz.loop.Loop`) with an "epoch" of ``eval_every`` steps, after
    which the held-out set is scored. The defaults run in a few seconds on one
    CPU core at lag 40 and separate the cells cleanly (see the module docstring).

    Parameters
    ----------
    cell : {"rnn", "gru", "lstm"}
    lag : int
        Fewest steps the sign must be remembered.
    steps : int
        Adam steps (the same budget for every cell).
    seed : int
        Seeds the weights, the training batches and the held-out set.
    memory_bias : float
        See :func:`build_task_model`.

    Returns
    -------
    TaskResult
    """
    if cell not in ("rnn", "gru", "lstm"):
        raise LensError("config.cell", value=cell)
    if not 1 <= steps <= MAX_TASK_STEPS:
        raise LensError("teach.task.steps", steps=int(steps), low=1, high=MAX_TASK_STEPS)
    held_out = spike_task(
        _EVAL_SAMPLES, lag, spread, noise, seed=np.random.default_rng(np.random.SeedSequence([seed, 1]))
    )
    y_held = torch.from_numpy(held_out.y)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))

    def batches(epoch: int):
        # Fresh sequences every step: epoch ``epoch`` holds steps (epoch - 1) * eval_every + 1 … at most ``steps``.
        for _ in range(min(eval_every, steps - (epoch - 1) * eval_every)):
            batch = spike_task(batch_size, lag, spread, noise, seed=rng)
            yield torch.from_numpy(batch.x), torch.from_numpy(batch.y)

    def held_out_loss() -> float:
        accuracy, loss = _held_out(model, held_out, y_held)
        accs.append(accuracy)
        return loss

    with torch_threads(num_threads), torch.random.fork_rng(devices=[]):
        model = build_task_model(cell, hidden_size, memory_bias, seed)
        accuracy, held_loss = _held_out(model, held_out, y_held)
    marks, accs, losses = [0], [accuracy], [held_loss]
    loop = Loop(model, batches, _last_step_bce, epochs=-(-steps // eval_every), lr=lr, seed=seed,
                validate=held_out_loss, clip=1.0, num_threads=num_threads)
    for report in loop:
        marks.append(min(report.epoch * eval_every, steps))
        losses.append(report.val_loss)
    del accs[len(marks):]  # a run that diverged scored the held-out set once more than it kept
    elapsed = loop.history[-1].elapsed_s if loop.history else 0.0
    model.eval()
    return TaskResult(
        cell=cell,
        lag=int(lag),
        seed=int(seed),
        accuracy=accs[-1],
        loss=losses[-1],
        steps=np.array(marks, np.int64),
        accuracy_curve=np.array(accs, np.float64),
        loss_curve=np.array(losses, np.float64),
        params=count_parameters(model),
        train_time_s=elapsed,
        model=model,
    )


# -- the RNN vs GRU vs LSTM page: every cell at a lag, reduced to plain arrays ---------------------

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
            job.report(n / len(pairs), "task.training", cell=cell, lag=lag, n=n + 1, total=len(pairs))
            out[cell, lag] = run_one(cell, lag, **kwargs)
            job.take_turn()  # a Train page run in line trains once this job's turn is over
        return out

    return work


def accuracy_by_lag(results: dict[tuple[str, int], TaskSummary], cells, lags) -> dict[str, np.ndarray]:
    """Arrange task results as cell -> accuracy at each lag, float64 (len(lags),), for the chart."""
    return {cell: np.array([results[cell, lag].accuracy for lag in lags], np.float64) for cell in cells}
