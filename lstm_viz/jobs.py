"""One engine for work that trains models in the background: a job on its own thread, in the server's line.

A Train page run, RNN vs GRU vs LSTM, the spike task and many in, many out
all train models for seconds to minutes while their page keeps redrawing. Each
is a :class:`Job`, started by :func:`start`:

1. it joins the server process's one line (:data:`lstm_viz.slots.QUEUE`) at
   once, so its page shows its place, and waits on its thread for a slot;
2. its ``work(job)`` runs, calling :meth:`Job.report` (progress and what it
   is doing now) or :meth:`Job.checkpoint` between slices, and
   :meth:`Job.take_turn`, which lets the next in line train once a long job's
   turn is over;
3. it ends with a ``result``, or an ``error`` that is always a
   :class:`~lstm_viz.errors.LensError` (a crash becomes ``"jobs.failed"``
   with a short detail, never a traceback on a page).

A student who has gone (:class:`lstm_viz.slots.Presence` says away) pauses
their job at its next checkpoint: no core is spent on a page nobody watches.
A reload that comes back within :data:`lstm_viz.slots.ABSENT_S` resumes it; a
student who stays away gives up the place after that, or after
:data:`AWAY_WHILE_OTHERS_WAIT_S` when others wait (``"jobs.gone"``).

Notes are data, not words: ``note`` is a stage name and its numbers
(``("waiting", {"ahead": 0, "slots": 1})``); the page says them in the student's language.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable

import numpy as np

from lstm_viz import slots
from lstm_viz.errors import LensError

AWAY_POLL_S = 0.1  # how often a paused job looks whether its student is back
AWAY_WHILE_OTHERS_WAIT_S = 2.0  # a student away this long gives up their slot when others wait for it


class Stopped(Exception):
    """Raised inside a job's work when it must end now: cancelled, no longer wanted, or its student gone."""

    def __init__(self, error: LensError) -> None:
        super().__init__(str(error))
        self.error = error


def cancelled_error() -> LensError:
    """Return the end of a job that was cancelled, or that its owner no longer wanted."""
    return LensError("jobs.cancelled")


def gone_error(seconds: float) -> LensError:
    """Return the end of a job whose student was away ``seconds``."""
    return LensError("jobs.gone", seconds=int(seconds))


def failed_error(exc: BaseException) -> LensError:
    """Return ``exc`` if it is a refusal already, else ``"jobs.failed"`` with a short detail."""
    if isinstance(exc, LensError):
        return exc
    return LensError("jobs.failed", detail=f"{type(exc).__name__}: {exc}"[:200])


def away_seconds(presence: Callable[[], bool] | None) -> float | None:
    """Seconds since a student's page was last connected; None while it is (or nobody tracks it).

    A presence with an ``away_s()`` (:class:`~lstm_viz.slots.Presence`, :class:`Following`)
    counts from the moment it noticed; any other presence callable that says False counts as gone for good.
    """
    if presence is None:
        return None
    away_s = getattr(presence, "away_s", None)
    if away_s is not None:
        return away_s()
    return None if presence() else float("inf")


class Following:
    """The presence ``current()`` returns now, for a job whose page may change under it.

    A Train page run belongs to the workspace, which a reloaded page reattaches to
    with a new presence (``pages/ui/state.py``): the run follows that page, not the closed one.
    """

    def __init__(self, current: Callable[[], Callable[[], bool] | None]) -> None:
        self.current = current

    def __call__(self) -> bool:
        presence = self.current()
        return presence is None or presence()

    def away_s(self) -> float | None:
        return away_seconds(self.current())


@dataclass(eq=False)
class Job:
    """A computation on a daemon thread; its page reads ``progress``, ``note``, ``result`` and ``error``.

    Compared by identity (``eq=False``); ``key`` is its place in the server's line (the job itself
    unless the owner names one, as a Train page run does with its run id).

    Attributes
    ----------
    name : str
        What it is (``"run"``, ``"compare"``, ``"task"``, ``"m2m"``).
    settings : dict
        The plain settings it was started with (a page shows them beside the result).
    progress : float
        0 … 1, set by the work as it goes.
    note : (str, dict) or None
        What it is doing now: a stage name and its numbers, for the page to put into words.
    result : Any
        What the work returned, once it has ended without error.
    error : LensError or None
        Why it ended early: a refusal, ``"jobs.cancelled"``, ``"jobs.gone"`` or ``"jobs.failed"``.
    """

    name: str
    settings: dict = field(default_factory=dict)
    progress: float = 0.0
    note: tuple[str, dict] | None = None
    result: Any = None
    error: LensError | None = None
    started: float = field(default_factory=time.perf_counter)
    ended: float | None = None
    present: Callable[[], bool] | None = field(default=None, repr=False)  # the student is still there
    wanted: Callable[[], bool] | None = field(default=None, repr=False)  # the owner still wants it
    key: Hashable = None
    _cancel: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.key is None:
            self.key = self

    @property
    def running(self) -> bool:
        return self.ended is None

    @property
    def cancelled(self) -> bool:
        """True once the job was asked to stop (Cancel, or a new job in its place)."""
        return self._cancel.is_set()

    @property
    def elapsed_s(self) -> float:
        return (self.ended or time.perf_counter()) - self.started

    def cancel(self) -> None:
        """Ask the work to stop at its next :meth:`checkpoint` (or leave the line at once)."""
        self._cancel.set()

    def wait(self, seconds: float | None = None) -> bool:
        """Block until the job ends (tests and scripts); return True if it has."""
        if self._thread is not None:
            self._thread.join(seconds)
        return not self.running

    def away_s(self) -> float | None:
        """Seconds its student has been away; None while they are here."""
        return away_seconds(self.present)

    def report(self, progress: float, stage: str | None = None, **params: Any) -> None:
        """Record progress (and, with ``stage``, what is going on) after a :meth:`checkpoint`."""
        self.checkpoint()
        self.progress = float(np.clip(progress, 0.0, 1.0))
        if stage is not None:
            self.note = (stage, params)

    def checkpoint(self) -> None:
        """Return when the work may go on; pause while the student is away; raise :class:`Stopped` when it must end.

        Ends on Cancel, when the owner no longer wants it, and when the student has been away
        :data:`lstm_viz.slots.ABSENT_S`, or :data:`AWAY_WHILE_OTHERS_WAIT_S` while others wait.
        """
        while True:
            if not self._still_wanted():
                raise Stopped(cancelled_error())
            away = self.away_s()
            if away is None:
                return
            if away >= slots.ABSENT_S:
                raise Stopped(gone_error(slots.ABSENT_S))
            if away >= AWAY_WHILE_OTHERS_WAIT_S and slots.QUEUE.load().waiting:
                raise Stopped(gone_error(AWAY_WHILE_OTHERS_WAIT_S))
            time.sleep(AWAY_POLL_S)  # paused: no batch while nobody can watch

    def take_turn(self) -> None:
        """Between two slices: keep the slot, or let the next in line train once this job's turn is over.

        Raises :class:`Stopped` when the job is no longer wanted while it waits for its next turn.
        """
        if not slots.QUEUE.take_turns(self.key, self._wanted_in_line):
            raise Stopped(self._why_not_wanted())

    def _still_wanted(self) -> bool:
        return not self._cancel.is_set() and (self.wanted is None or self.wanted())

    def _wanted_in_line(self) -> bool:
        # Called by the line every POLL_S while the job waits: a good moment to show its place.
        ahead = slots.QUEUE.ahead(self.key)
        if ahead is not None:
            self.note = ("waiting", {"ahead": ahead, "slots": slots.QUEUE.slots})
        return self._still_wanted() and (self.present is None or self.present())

    def _why_not_wanted(self) -> LensError:
        if self._still_wanted():  # wanted by its owner, so its student has gone
            return gone_error(slots.ABSENT_S)
        return cancelled_error()


def start(name: str, work: Callable[[Job], Any], settings: dict | None = None,
          present: Callable[[], bool] | None = None, wanted: Callable[[], bool] | None = None,
          key: Hashable = None, on_end: Callable[[Job], None] | None = None) -> Job:
    """Put a job in the server's line and run ``work(job)`` on a daemon thread once it has a slot.

    Parameters
    ----------
    name : str
        What it is, for the page and the thread's name.
    work : callable
        ``work(job)`` returns the result; it calls ``job.report`` / ``job.checkpoint`` and
        ``job.take_turn`` as it goes.
    settings : dict, optional
        Plain settings kept beside the result.
    present : callable, optional
        Whether its student is still there (:class:`lstm_viz.slots.Presence`); None: always.
    wanted : callable, optional
        Whether its owner still wants it (a Train page run: it is still the candidate).
    key : hashable, optional
        Its place in the line (default: the job itself).
    on_end : callable, optional
        ``on_end(job)`` on the job's thread once it has ended, before it leaves the line.

    Returns
    -------
    Job
        At once; the job is already in line.
    """
    job = Job(name, dict(settings or {}), present=present, wanted=wanted, key=key)

    def body() -> None:
        try:
            if not slots.QUEUE.wait_turn(job.key, job._wanted_in_line):
                raise Stopped(job._why_not_wanted())
            job.note = None
            job.result = work(job)
            job.progress = 1.0
        except Stopped as stop:
            job.error = stop.error
        except Exception as exc:  # a crash must end the job visibly, never leave it "running" forever
            job.error = failed_error(exc)
        finally:
            try:
                if on_end is not None:
                    on_end(job)
            finally:
                slots.QUEUE.leave(job.key)
                job.ended = time.perf_counter()

    slots.QUEUE.join(job.key)  # here, not on the thread: the page shows its place at once
    job._thread = threading.Thread(target=body, name=f"lstm-lens-{name}", daemon=True)
    job._thread.start()
    return job
