"""Train a candidate run: start it, wait in the server's line, train it in slices, stop it, promote it."""
from __future__ import annotations

import threading
import time

from lstm_viz import slots
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.training import EpochReport, Trainer
from lstm_viz.windows import split_series
from lstm_viz.workspace.state import Run, Workspace

TICK_SECONDS = 0.3  # default time slice of advance()
BACKGROUND_SLICE_S = 0.1  # training time per lock hold: Stop waits at most this long


def start_run(ws: Workspace, cfg: Config) -> Run:
    """Check ``cfg`` against the current data set and start a candidate run.

    The current model stays until the candidate has trained one epoch (see
    :func:`advance`). A run already in flight is stopped first, and kept if it
    has an epoch.

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
    split = split_series(dataset.series.values, cfg.window, dataset.test_size)
    trainer = Trainer(split, cfg)
    with ws.lock:
        if ws.candidate is not None:
            stop_run(ws)
        ws.cfg = cfg
        ws.failure = None
        ws.candidate = Run(cfg=cfg, split=split, trainer=trainer, dataset=dataset, lock=ws.lock)
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


def train_in_background(ws: Workspace) -> threading.Thread | None:
    """Train the candidate on a daemon thread until it is done, stopped or replaced.

    Idempotent: returns the thread already training this candidate if there
    is one, and None when nothing is in flight. The run first waits its turn in
    the process's line (:data:`lstm_viz.slots.QUEUE`), then trains in slices of
    :data:`BACKGROUND_SLICE_S` under ``ws.lock`` and lets go of it in between,
    so pages can read the model and :func:`stop_run` takes effect within a slice.
    """
    with ws.lock:
        run = ws.candidate
        if run is None or run.trainer.finished:
            return None
        worker = ws._worker
        if worker is not None and worker.is_alive() and getattr(worker, "run_id", None) == run.run_id:
            return worker
        slots.QUEUE.join(run.run_id)  # here, not on the thread: the page shows its place at once
        worker = threading.Thread(target=_train_loop, args=(ws, run), name=f"lstm-lens-run-{run.run_id}",
                                  daemon=True)
        worker.run_id = run.run_id
        ws._worker = worker
        worker.start()
        return worker


def _train_loop(ws: Workspace, run: Run) -> None:
    """Body of the background thread: wait for a slot, then slice after slice until the run is over.

    A student who has gone (:attr:`Workspace.presence`) gives up their place in line, or
    their slot after the current slice, so a closed tab never holds up the class.
    """
    try:
        wanted = lambda: ws.candidate is run and not run.trainer.finished and _present(ws)  # noqa: E731
        if slots.QUEUE.wait_turn(run.run_id, wanted):
            _train_slices(ws, run, wanted)
        elif ws.candidate is run:
            _abandon(ws, run)
    finally:
        slots.QUEUE.leave(run.run_id)


def _present(ws: Workspace) -> bool:
    return ws.presence is None or ws.presence()


def _abandon(ws: Workspace, run: Run) -> None:
    """Stop ``run`` because its student has gone; they read why if they come back."""
    with ws.lock:
        if ws.candidate is not run:
            return
        # The reason first: a page that sees the run gone (without the lock) must also see why.
        ws.failure = ("ws.run_abandoned", {"seconds": int(slots.ABSENT_S), "epoch": run.epochs_done,
                                           "epochs": run.cfg.epochs})
        run.trainer.stop()
        _settle(ws)
        ws.candidate = None


def _train_slices(ws: Workspace, run: Run, wanted) -> None:
    while True:
        if not _present(ws):
            _abandon(ws, run)
            return
        with ws.lock:
            if ws.candidate is not run or run.trainer.finished:
                return
            try:
                run.trainer.run_for(BACKGROUND_SLICE_S)
            except Exception as exc:  # a crash must end the run visibly, never leave it "training" forever
                ws.failure = (exc.key, exc.params) if isinstance(exc, LensError) else (
                    "ws.train_failed", {"detail": f"{type(exc).__name__}: {exc}"[:200]})
                run.trainer.stop()
                _settle(ws)
                ws.candidate = None
                return
            _settle(ws)
        time.sleep(0.002)  # let a waiting page (or Stop) take the lock between slices
        # A long run lets the next in line train after each turn (slots.turn_seconds), then waits for its next.
        if not slots.QUEUE.take_turns(run.run_id, wanted):
            if ws.candidate is run and not run.trainer.finished:
                _abandon(ws, run)
            return


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


def stop_run(ws: Workspace) -> bool:
    """Stop the run in flight. Return True if it had an epoch and is now the current model."""
    with ws.lock:
        candidate = ws.candidate
        if candidate is None:
            return False
        candidate.trainer.stop()
        slots.QUEUE.leave(candidate.run_id)  # frees its place in line now, not at the waiter's next poll
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
        ws._forecast_cache = None
    if candidate.trainer.finished:
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
