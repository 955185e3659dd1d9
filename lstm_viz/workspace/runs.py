"""Train a candidate run: start it, train it in slices as a background job (lstm_viz.jobs), stop it, promote it."""
from __future__ import annotations

import time

import numpy as np

from lstm_viz import jobs, slots
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.loop import EpochReport
from lstm_viz.training import Trainer
from lstm_viz.windows import split_series
from lstm_viz.workspace import history
from lstm_viz.workspace.state import Run, Workspace

TICK_SECONDS = 0.3  # default time slice of advance()
BACKGROUND_SLICE_S = 0.1  # training time per lock hold (a slice of batches): Stop waits at most this long
# "Watch it learn": a paced run lasts at least this long, so a short run (the quick start's 100
# epochs train in 2-5 s) can be watched at a few redraws a second. It only ever sleeps (outside the
# workspace's lock, using no core), and never while another run waits in line for the slot.
WATCH_RUN_S = 12.0
FIRST_EPOCH_WAIT_S = 0.4  # a live page drawn just after Train waits this long for the first loss point


def start_run(ws: Workspace, cfg: Config, watch: bool = False) -> Run:
    """Check ``cfg`` against the current data set and start a candidate run.

    The current model stays until the candidate has trained one epoch (see
    :func:`advance`). A run already in flight is stopped first, and kept if it
    has an epoch. ``watch``: pace it in the background to last at least
    :data:`WATCH_RUN_S` (see :func:`train_in_background`).

    Raises
    ------
    LensError
        No data, a setting out of range, a window too long for the series, or a
        run over the compute budget; ``ws`` is then unchanged.
    """
    dataset = ws.dataset
    if dataset is None:
        raise LensError("ws.no_data")
    cfg = cfg.validate()
    split = split_series(dataset.series.values, cfg.window, dataset.test_size, val_size=dataset.val_size,
                         transform=cfg.transform, diff=cfg.diff, covariates=dataset.covariates)
    cfg = cfg.replace(input_size=split.n_inputs)  # the data decides D: the target and its covariates
    if not all(np.isfinite(part).all() for part in (split.X_train, split.y_train, split.X_test, split.y_test)):
        # Values near the float limit pass the data checks but overflow once scaled: no run could learn.
        raise LensError("run.data_overflow", biggest=float(np.nanmax(np.abs(dataset.series.values))))
    trainer = Trainer(split, cfg)
    with ws.lock:
        if ws.candidate is not None:
            stop_run(ws)
        ws.cfg = cfg
        ws.failure = None
        ws.candidate = Run(cfg=cfg, split=split, trainer=trainer, dataset=dataset, lock=ws.lock,
                           watch_s=WATCH_RUN_S if watch else 0.0, replaces=ws.run)
        return ws.candidate


def advance(ws: Workspace, seconds: float = TICK_SECONDS) -> list[EpochReport]:
    """Train the candidate for about ``seconds``; promote it after its first epoch.

    Returns the epochs trained in this slice (empty when nothing is in flight).
    Once the run is done, stopped or diverged the candidate slot is emptied.
    """
    with ws.lock:
        candidate = ws.candidate
        if candidate is None:
            return []
        reports = candidate.trainer.run_for(seconds)
        _settle(ws)
        return reports


def train_in_background(ws: Workspace) -> jobs.Job | None:
    """Train the candidate as a background job (:mod:`lstm_viz.jobs`) until it is done, stopped or replaced.

    Idempotent: returns the job already training this candidate if there is
    one, and None when nothing is in flight. The run first waits its turn in
    the process's line (:data:`lstm_viz.slots.QUEUE`, keyed by its run id), then
    trains in slices of :data:`BACKGROUND_SLICE_S` under ``ws.lock`` and lets go
    of it in between, so pages can read the model and :func:`stop_run` takes
    effect within a slice. A student who has gone (:attr:`Workspace.presence`)
    pauses it, then gives up their place or slot, so a closed tab never holds up the class.
    """
    with ws.lock:
        run = ws.candidate
        if run is None or run.trainer.finished:
            return None
        job = ws.job
        if job is not None and job.running and job.key == run.run_id:
            return job
        ws.job = jobs.start(
            "run", lambda job: _train_slices(ws, run, job), present=jobs.Following(lambda: ws.presence), key=run.run_id,
            wanted=lambda: ws.candidate is run and not run.trainer.finished,
            on_end=lambda job: _ended(ws, run, job))
        return ws.job


def _ended(ws: Workspace, run: Run, job: jobs.Job) -> None:
    """The run's job has ended: say why if it ended early while still the candidate."""
    with ws.lock:
        if job.error is None or job.error.key == "jobs.cancelled" or ws.candidate is not run:
            return  # done, or stopped by the student (stop_run) or by a new run
        if job.error.key == "jobs.gone":
            _abandon(ws, run, job.error.params["seconds"])
            return
        # A crash must end the run visibly, never leave it "training" forever; what it learned is kept.
        failed = job.error.key == "jobs.failed"
        ws.failure = LensError("ws.train_failed", **job.error.params) if failed else job.error
        run.trainer.stop()
        _settle(ws)
        ws.candidate = None


def _abandon(ws: Workspace, run: Run, seconds: float = slots.ABSENT_S) -> None:
    """Stop ``run`` because its student has gone; they read why if they come back."""
    with ws.lock:
        if ws.candidate is not run:
            return
        # The reason first: a page that sees the run gone (without the lock) must also see why.
        ws.failure = LensError("ws.run_abandoned", seconds=int(seconds), epoch=run.epochs_done,
                               epochs=run.cfg.epochs)
        run.trainer.stop()
        _settle(ws)
        ws.candidate = None


def _train_slices(ws: Workspace, run: Run, job: jobs.Job) -> None:
    pace_s = run.watch_s / run.cfg.epochs  # least wall time per epoch; 0: full speed
    epoch_began = time.monotonic()
    while ws.candidate is run and not run.trainer.finished:  # read again under the lock below
        job.checkpoint()  # paused while the student is away; ends once they have gone
        with ws.lock:
            if ws.candidate is not run or run.trainer.finished:
                return
            reports = run.trainer.run_for(BACKGROUND_SLICE_S, max_epochs=1 if pace_s else None)
            _settle(ws)
            if ws.candidate is not run:  # done (or diverged): nothing left to pace or take turns for
                return
        if reports and pace_s:
            _watch_pause(ws, run, epoch_began + pace_s)
            epoch_began = time.monotonic()
        else:
            time.sleep(0.002)  # let a waiting page (or Stop) take the lock between slices
        # A long run lets the next in line train after each turn (slots.turn_seconds), then waits for its next.
        job.take_turn()


def _watch_pause(ws: Workspace, run: Run, until: float) -> None:
    """Sleep (without the lock) until ``until``; cut short by Stop, the end, a page gone or a run in line.

    The run keeps its training slot while it sleeps, but uses no core; as soon as
    another run waits for the slot, pacing ends and this run trains at full speed.
    """
    while (left := until - time.monotonic()) > 0:
        if ws.candidate is not run or run.trainer.finished or slots.QUEUE.load().waiting:
            return
        if jobs.away_seconds(ws.presence) is not None:
            return
        time.sleep(min(left, 0.05))


def wait_first_epoch(run: Run, seconds: float = FIRST_EPOCH_WAIT_S) -> None:
    """Wait up to ``seconds`` (without any lock) for a run that is training to finish its first epoch.

    A page drawn right after Train calls this, so its first picture already has
    a loss point instead of "the first epoch is running" until the next redraw.
    """
    deadline = time.monotonic() + seconds
    while (run.epochs_done == 0 and not run.trainer.finished and slots.QUEUE.ahead(run.run_id) is None
           and time.monotonic() < deadline):
        time.sleep(0.01)


def queue_place(run: Run | None) -> int | None:
    """Runs ahead of ``run`` in the server's line (0: next), or None when it is not waiting in it."""
    return None if run is None else slots.QUEUE.ahead(run.run_id)


def live_phase(ws: Workspace, load: slots.Load | None = None) -> tuple | None:
    """What a live page's refresh rates depend on: None when idle, ("waiting",) in line, ("training", crowd level).

    A page's timed redraws are fixed when it is drawn, so it redraws itself in full when this changes.
    """
    if not ws.training:
        return None
    if queue_place(ws.candidate) is not None:
        return ("waiting",)
    return ("training", slots.crowd_level(load or slots.QUEUE.load()))


def live_interval(ws: Workspace, base_s: float, while_waiting: bool = True) -> float | None:
    """Seconds between redraws of a live part that redraws every ``base_s`` on a quiet server (None: none).

    ``while_waiting`` False: the part does not redraw while the run waits in line.
    """
    load = slots.QUEUE.load()  # one snapshot for the phase and the rate
    phase = live_phase(ws, load)
    if phase is None or (phase[0] == "waiting" and not while_waiting):
        return None
    return slots.refresh_interval(base_s, load, waiting=phase[0] == "waiting")


def show_epoch(run: Run) -> EpochReport | None:
    """Note that a page is drawing ``run`` now; return the epoch report it shows (None: no epoch yet).

    Call it under ``run.lock`` and draw that epoch; :func:`stop_run` can then go back to it.
    """
    return run.trainer.show()


def stop_run(ws: Workspace, epoch: int | None = None) -> bool:
    """Stop the run in flight. Return True if it kept an epoch and is now the current model.

    ``epoch``: the epoch the student's page showed when they pressed Stop (see
    :func:`show_epoch`); the run goes back to it, so the model kept is the one they saw.
    Epoch 0 (nothing shown yet) keeps the model the run was to replace, even if
    the run had already been promoted. Without ``epoch``, the last completed epoch is kept.
    """
    with ws.lock:
        candidate = ws.candidate
        if candidate is None:
            return False
        candidate.trainer.stop(epoch)
        slots.QUEUE.leave(candidate.run_id)  # frees its place in line now, not at the waiter's next poll
        if candidate.epochs_done == 0 and ws.run is candidate:
            ws.run = candidate.replaces  # promoted, but the student never saw an epoch of it
        _settle(ws)
        ws.candidate = None
        return ws.run is candidate


def _settle(ws: Workspace) -> None:
    """Promote a candidate with at least one epoch; clear the slot once it has finished."""
    candidate = ws.candidate
    if candidate is None:
        return
    if candidate.trainer.epochs_done >= 1 and ws.run is not candidate:
        ws.run = candidate
    if candidate.trainer.finished:
        if candidate.trainer.status == "diverged" and candidate.epochs_done == 0:
            # Nothing learned: the run leaves no model, so the page must say why (and what to do).
            ws.failure = LensError("run.diverged_at_once", kept=ws.run is not None)
        candidate.replaces = None  # the old model is no longer needed to undo a promotion
        history.keep(ws, candidate)  # the runs side by side: every run that learned something
        ws.candidate = None


def train_to_end(ws: Workspace, cfg: Config, max_seconds: float = 600.0) -> Run:
    """Start a run and train it to the end (for tests and scripts): returns the current run."""
    start_run(ws, cfg)
    deadline = time.perf_counter() + max_seconds
    while ws.candidate is not None and time.perf_counter() < deadline:
        advance(ws, 1.0)
    if ws.candidate is not None:
        stop_run(ws)
    return ws.run


def live_run(ws: Workspace) -> Run | None:
    """Return the run to show while training: the candidate if in flight, else the current run."""
    return ws.candidate if ws.candidate is not None else ws.run
