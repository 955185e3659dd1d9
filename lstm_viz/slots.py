"""How many models train at once in one server process, who waits, and how often pages redraw.

Every student's run trains on its own thread, but the threads of one Python
process share one interpreter lock. Twenty runs training side by side finish no
sooner than one after the other, each takes twenty times as long, and the pages
that draw them starve: measured with ``tests/load/load_test.py``, 20 at once on
2 cores left 19 of them unfinished after 5 minutes. So a process trains at most
``slots`` runs at once (one by default) and the others wait in line, first come
first served, and can see how many runs are ahead of them. A run takes turns of
:func:`turn_seconds` while others wait, and comes back behind every run that has
trained less, so the biggest run the budget allows never holds up a first lesson. Waiting in line, the
average run also finishes sooner than under "everyone at once": all 20 were done
within 16 s.

The queue knows only keys: every background job (:mod:`lstm_viz.jobs`) joins
it when it starts (a Train page run with its run id, a teaching page's job with
itself) and leaves when it ends or is stopped.
"""
from __future__ import annotations

import collections
import os
import threading
import time
from dataclasses import dataclass
from typing import Callable, Hashable

SLOTS_ENV = "LSTM_LENS_TRAINING_SLOTS"
POLL_S = 0.2  # how often a waiting run checks whether its student still wants it
# Seconds a run trains before it lets the next in line have a turn (default of $LSTM_LENS_TURN_S). A
# first lesson's run needs about one; without turns, the biggest run the budget allows (60 s estimated,
# minutes on a busy server) held the only slot while the class waited behind it (load_test.py --hostile).
TURN_S = 2.0
TURN_ENV = "LSTM_LENS_TURN_S"


@dataclass(frozen=True)
class Load:
    """Runs in this process: ``training`` hold a slot, ``waiting`` are in line for one."""

    training: int
    waiting: int
    slots: int


def _env_number(name: str, parse: Callable[[str], float], default: float, low: float) -> float:
    """Return ``$name`` parsed and raised to at least ``low``; ``default`` when unset or not a number."""
    try:
        return max(low, parse(os.environ.get(name, "").strip()))
    except ValueError:
        return default


def default_slots() -> int:
    """Slots for this process: ``$LSTM_LENS_TRAINING_SLOTS`` if set, else 1.

    One, because a process's training threads share one interpreter lock:
    measured with 20 students on 2 cores (docs/CLASSROOM.md), one slot finished
    every run sooner and answered clicks faster than two, and four missed the
    3 s freeze target. A server with more cores runs more processes instead.
    """
    return int(_env_number(SLOTS_ENV, int, 1, 1))


class SlotQueue:
    """A first-come, first-served line for ``slots`` training places.

    Thread-safe. A run id joins once (:meth:`join`), waits on its own thread
    (:meth:`wait_turn`) and leaves when done or stopped (:meth:`leave`); leaving
    twice, or leaving without joining, is harmless.
    """

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a queue needs at least one slot")
        self.slots = int(slots)
        self._cond = threading.Condition()
        self._training: set[Hashable] = set()
        self._waiting: collections.deque[Hashable] = collections.deque()
        self._since: dict[Hashable, float] = {}  # when each training run's turn began (monotonic)
        self._served: dict[Hashable, float] = {}  # seconds each run in the queue has held a slot so far

    def join(self, run_id: Hashable) -> None:
        """Put ``run_id`` at the end of the line (no-op if it is already in)."""
        with self._cond:
            if run_id not in self._training and run_id not in self._waiting:
                self._waiting.append(run_id)

    def wait_turn(self, run_id: Hashable, wanted: Callable[[], bool], poll_s: float = POLL_S) -> bool:
        """Block until ``run_id`` holds a slot (True), or leave the line once ``wanted()`` is False (False).

        Only the head of the line takes a free slot. The line is in order of
        arrival among runs that have trained equally long so far, so a new run
        is overtaken by nobody, and goes before a run back for another turn.
        """
        with self._cond:
            self.join(run_id)
            while True:
                if run_id in self._training:
                    return True
                if not wanted():
                    self._drop(run_id)
                    return False
                if self._waiting and self._order()[0] == run_id and len(self._training) < self.slots:
                    self._waiting.remove(run_id)
                    self._training.add(run_id)
                    self._since[run_id] = time.monotonic()
                    self._cond.notify_all()  # the new head may take another free slot
                    return True
                self._cond.wait(poll_s)

    def take_turns(self, run_id: Hashable, wanted: Callable[[], bool], turn_s: float | None = None,
                   poll_s: float = POLL_S) -> bool:
        """Between two slices of training: keep the slot, or pass it on once the turn is over.

        When ``run_id`` has trained ``turn_s`` seconds (default :func:`turn_seconds`)
        and others wait, it goes back into the line behind every run that has
        trained less, and waits for its next turn: a first lesson's run never
        waits for the biggest run the budget allows, which trains when the line is short. Returns as
        :meth:`wait_turn` does: True holding a slot, False once not ``wanted()``.
        """
        with self._cond:
            if run_id not in self._training:
                return self.wait_turn(run_id, wanted, poll_s)
            turn = turn_seconds() if turn_s is None else turn_s
            held = time.monotonic() - self._since.get(run_id, 0.0)
            if self._waiting and held >= turn:
                self._served[run_id] = self._served.get(run_id, 0.0) + held
                self._training.discard(run_id)
                self._waiting.append(run_id)
                self._cond.notify_all()
                return self.wait_turn(run_id, wanted, poll_s)
            return True

    def leave(self, run_id: Hashable) -> None:
        """Give up ``run_id``'s slot or place in line."""
        with self._cond:
            self._drop(run_id)

    def ahead(self, run_id: Hashable) -> int | None:
        """Runs in line before ``run_id`` (0: it is next), or None when it is not waiting."""
        with self._cond:
            if run_id not in self._waiting:
                return None
            return self._order().index(run_id)

    def load(self) -> Load:
        with self._cond:
            return Load(len(self._training), len(self._waiting), self.slots)

    def _order(self) -> list[Hashable]:
        """The waiting runs in the order they get a slot: least trained first, then by arrival."""
        arrival = {run_id: k for k, run_id in enumerate(self._waiting)}
        return sorted(self._waiting, key=lambda run_id: (self._served.get(run_id, 0.0), arrival[run_id]))

    def _drop(self, run_id: Hashable) -> None:
        self._training.discard(run_id)
        self._since.pop(run_id, None)
        self._served.pop(run_id, None)
        try:
            self._waiting.remove(run_id)
        except ValueError:
            pass
        self._cond.notify_all()


QUEUE = SlotQueue(default_slots())  # one line per server process, shared by every student

ABSENT_ENV = "LSTM_LENS_ABSENT_S"


def turn_seconds() -> float:
    """Seconds of training a run's turn lasts while others wait: ``$LSTM_LENS_TURN_S`` or :data:`TURN_S`."""
    return float(_env_number(TURN_ENV, float, TURN_S, 0.1))


def absent_seconds() -> float:
    """Seconds a student may be away before their run gives up its place: ``$LSTM_LENS_ABSENT_S`` or 30."""
    return float(_env_number(ABSENT_ENV, float, 30.0, 1.0))


ABSENT_S = absent_seconds()  # a student away this long (tab closed, laptop shut) gives up their place or slot


class Presence:
    """Whether a student is still there: ``connected()`` now, or at most ``grace_s`` ago.

    The pages pass Streamlit's "is this browser session still connected"; the
    grace period forgives a reload or a short network drop, after which a page
    reconnects to the same session. :meth:`away_s` says how long they have been
    gone: a Train page run pauses at once (no core spent on a page nobody
    watches) and gives up its place after the grace period, or sooner when
    others wait (:mod:`lstm_viz.workspace.runs`).
    """

    def __init__(self, connected: Callable[[], bool], grace_s: float | None = None,
                 clock: Callable[[], float] = time.monotonic, session_id: str | None = None) -> None:
        self.connected, self.clock = connected, clock
        self.session_id = session_id  # the browser session it watches (a reloaded page gets a new one)
        self.grace_s = ABSENT_S if grace_s is None else float(grace_s)
        self._gone_since: float | None = None

    def __call__(self) -> bool:
        away = self.away_s()
        return away is None or away < self.grace_s

    def away_s(self) -> float | None:
        """Seconds since the session was first seen disconnected; None while it is connected."""
        if self.connected():
            self._gone_since = None
            return None
        now = self.clock()
        if self._gone_since is None:
            self._gone_since = now
        return now - self._gone_since


# -- how often a page redraws a run ------------------------------------------------------------
# Each redraw is a script run on the same interpreter lock as training. Pages of runs in line
# only show their place, so they redraw slowly; pages of training runs redraw at their own
# pace, slowed down once more runs are in flight than the process trains at once.

WAITING_REFRESH_S = 1.5


def refresh_interval(base_s: float, load: Load, waiting: bool) -> float:
    """Seconds between redraws of a live part that would redraw every ``base_s`` on an idle server.

    Returns :data:`WAITING_REFRESH_S` for a run in line; otherwise ``base_s``
    times one step of the crowd factor ``crowd_level(load)`` (1, 2 or 3).
    """
    if waiting:
        return WAITING_REFRESH_S
    return round(base_s * crowd_level(load), 2)


def crowd_level(load: Load) -> int:
    """1 while no run waits, 2 with up to a full round waiting, 3 beyond: coarse, so pages rarely re-register."""
    if load.waiting == 0:
        return 1
    return 2 if load.waiting <= load.slots * 2 else 3
