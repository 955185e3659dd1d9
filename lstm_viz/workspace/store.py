"""Keep each student's workspace across a reload or a laptop that slept: a random token names it, the server keeps it.

A reload starts a new Streamlit session with an empty ``st.session_state``. So
the app gives every new workspace a token from :func:`secrets.token_urlsafe`
(32 URL-safe characters, 192 random bits), puts it in the page's URL as
``?s=<token>``, and keeps the workspace here, in the server process's memory,
under exactly that token. A reload, or a browser that reconnects after a sleep,
sends the same URL, and the new session gets the same :class:`Workspace`
object back, with its data set, its model, its history and a run in flight.

What a token can and cannot do:

- **Only the exact token opens a workspace.** Lookup is one dict access: no
  prefix, no case folding, no "nearest" token, and nothing lists the tokens.
  A token that is malformed, unknown, expired or forged gets a *fresh*
  workspace under a *new* token made here; a token the client chose is never
  adopted, so nobody can plant a token in a link and wait for a victim's work
  to appear under it.
- **One open page at a time.** A workspace is handed to a new session only once
  the session that held it has gone (its tab closed or reloaded, its laptop
  asleep). While that session is still connected, a second one with the same
  token (the URL pasted into another browser, a duplicated tab, a teacher's
  address bar shared with the class) gets a fresh workspace instead: a copied
  URL never lets two people work on, or watch, one student's work. Once the
  first page has gone, the URL is the key: keep it to yourself. Share a setup
  with a lesson link (:mod:`lstm_viz.lesson`), which carries no token.
- **Bounded.** Workspaces whose sessions have gone are kept for
  ``$LSTM_LENS_KEEP_MIN`` minutes (120) after they were last seen, at most
  ``$LSTM_LENS_KEEP_COUNT`` of them (200) and ``$LSTM_LENS_KEEP_MB`` MiB (1024)
  of arrays and tensors together; past a cap the one seen longest ago leaves
  first. A workspace whose session is still connected is held by that session
  anyway (dropping it here would free nothing), so it is never evicted and not
  counted. Nothing is written to disk.

The store knows nothing of Streamlit: a session is represented by a
``live()`` callable saying whether it is still connected.
"""
from __future__ import annotations

import dataclasses
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
import pandas as pd
import torch

from lstm_viz.memory import count_buffer
from lstm_viz.workspace.state import Workspace

TOKEN_PARAM = "s"  # the URL query parameter holding the token
TOKEN_BYTES = 24  # secrets.token_urlsafe(24): 32 characters, 192 random bits
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
KEEP_MIN_ENV, KEEP_MB_ENV, KEEP_COUNT_ENV = "LSTM_LENS_KEEP_MIN", "LSTM_LENS_KEEP_MB", "LSTM_LENS_KEEP_COUNT"
SWEEP_EVERY_S = 10.0  # at most this often a touch also looks for workspaces to evict
# Measuring a workspace walks its arrays (~2 ms for a trained sample run, holding the interpreter):
# a sweep measures at most this many, so a class leaving at once is measured over a few sweeps.
MEASURE_PER_SWEEP = 25
CLAIM_POLL_S = 0.05

Outcome = Literal["new", "back", "unknown", "busy"]
Live = Callable[[], bool]


def is_token(text: object) -> bool:
    """Return True if ``text`` has the shape of a token this store makes (it may still be unknown)."""
    return isinstance(text, str) and _TOKEN.fullmatch(text) is not None


def workspace_bytes(ws: Workspace) -> int:
    """Return the bytes of the arrays, tensors and tables a workspace holds (each buffer counted once).

    Walks the workspace's dataclasses and LSTM Lens objects (data set, runs,
    trainers, snapshots), models and optimizers; a tensor made with
    ``torch.from_numpy`` shares its array's buffer and is not counted twice.
    Python scalars and strings are left out: they are small beside the arrays.
    """
    seen_objects: set[int] = set()
    seen_buffers: dict[int, int] = {}  # start address -> bytes counted from it
    total = 0
    stack: list[object] = [ws]
    while stack:
        obj = stack.pop()
        if id(obj) in seen_objects or obj is None:
            continue
        seen_objects.add(id(obj))
        if isinstance(obj, (np.ndarray, torch.Tensor)):
            total += count_buffer(seen_buffers, obj)
        elif isinstance(obj, pd.DataFrame):
            total += int(obj.memory_usage(deep=True).sum())
        elif isinstance(obj, (pd.Series, pd.Index)):
            total += int(obj.memory_usage(deep=True))
        elif isinstance(obj, torch.nn.Module):
            stack.extend(obj.parameters())
            stack.extend(obj.buffers())
        elif isinstance(obj, torch.optim.Optimizer):
            for state in obj.state.values():
                stack.extend(state.values())
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif dataclasses.is_dataclass(obj) or type(obj).__module__.startswith("lstm_viz."):
            stack.extend(getattr(obj, "__dict__", {}).values())
    return total


@dataclass
class _Entry:
    workspace: Workspace
    live: Live | None  # is the session that holds it still connected? None: no way to tell, so it has gone
    last_seen: float
    size: int | None = None  # bytes, measured once its session has gone
    extras: dict = dataclasses.field(default_factory=dict)  # small page choices a reload should keep too


def _is_live(entry: _Entry) -> bool:
    """Only a plain True is connected: a session torn down under us, or a test runtime's stand-in, has gone."""
    try:
        return entry.live is not None and entry.live() is True
    except Exception:
        return False


class WorkspaceStore:
    """Workspaces by token, in memory, bounded in age, count and bytes (see the module docstring).

    Thread-safe. Parameters are the limits for workspaces whose sessions have
    gone; ``clock`` and ``size`` can be replaced in tests.

    Parameters
    ----------
    keep_s : float
        Seconds a workspace is kept after its session was last seen.
    max_bytes : int
        Bytes (:func:`workspace_bytes`) all kept workspaces of gone sessions may hold together.
    max_count : int
        How many workspaces of gone sessions are kept.
    """

    def __init__(self, keep_s: float, max_bytes: int, max_count: int, clock: Callable[[], float] = time.monotonic,
                 size: Callable[[Workspace], int] = workspace_bytes) -> None:
        self.keep_s, self.max_bytes, self.max_count = float(keep_s), int(max_bytes), int(max_count)
        self.clock, self.size = clock, size
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._swept = clock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def claim(self, token: object, live: Live | None, wait_s: float = 0.0) -> tuple[str, Workspace, Outcome]:
        """Return (token, workspace, outcome) for a new session that brought ``token`` (or None).

        Outcomes: ``"back"``: the workspace kept under exactly ``token``, now held
        by this session; ``"new"``: no token was given, a fresh workspace;
        ``"unknown"``: the token is malformed, expired or was never made here, a
        fresh workspace under a new token; ``"busy"``: the session holding it is
        still connected after ``wait_s`` seconds, a fresh workspace under a new token.

        Parameters
        ----------
        token : str or None
            What the URL carried.
        live : callable or None
            Whether the new session is still connected.
        wait_s : float
            How long to wait for the holder to go: a reload opens the new page
            while the old one may still be closing its connection.
        """
        if not token:
            return (*self.create(live), "new")
        if not is_token(token):
            return (*self.create(live), "unknown")
        deadline = self.clock() + wait_s
        while True:
            with self._lock:
                entry = self._entries.get(token)
                if entry is None:
                    break
                if not _is_live(entry):
                    entry.live, entry.last_seen, entry.size = live, self.clock(), None
                    return token, entry.workspace, "back"
            if self.clock() >= deadline:
                return (*self.create(live), "busy")
            time.sleep(CLAIM_POLL_S)
        return (*self.create(live), "unknown")

    def create(self, live: Live | None) -> tuple[str, Workspace]:
        """Keep a fresh workspace under a new token; return both."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        ws = Workspace()
        with self._lock:
            self._entries[token] = _Entry(ws, live, self.clock())
            self._sweep()
        return token, ws

    def touch(self, token: str) -> None:
        """Note that the session holding ``token`` used its workspace now (and sweep, now and then)."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is not None:
                entry.last_seen, entry.size = self.clock(), None
            if self.clock() - self._swept >= SWEEP_EVERY_S:
                self._sweep()

    def extras(self, token: str) -> dict:
        """Return the small dict kept beside ``token``'s workspace (the page's language …); {} if none is kept."""
        with self._lock:
            entry = self._entries.get(token)
            return entry.extras if entry is not None else {}

    def sweep(self) -> list[str]:
        """Evict what is over the limits now; return the evicted tokens (oldest first)."""
        with self._lock:
            return self._sweep()

    def _sweep(self) -> list[str]:
        now = self._swept = self.clock()
        gone: list[tuple[str, _Entry]] = []
        for token, entry in self._entries.items():
            if _is_live(entry):
                entry.last_seen, entry.size = now, None
            else:
                gone.append((token, entry))
        gone.sort(key=lambda item: item[1].last_seen)
        evicted = [token for token, entry in gone if now - entry.last_seen > self.keep_s]
        kept = [(token, entry) for token, entry in gone if now - entry.last_seen <= self.keep_s]
        unmeasured = [entry for _, entry in kept if entry.size is None]
        for entry in unmeasured[:MEASURE_PER_SWEEP]:  # the oldest first: they are the first to be evicted
            try:
                entry.size = int(self.size(entry.workspace))
            except (RuntimeError, ValueError, TypeError):  # a run still stopping changed what was walked:
                entry.size = None  # measure it at a later sweep; a sweep never breaks the page that ran it
        held = sum(entry.size or 0 for _, entry in kept)  # one not measured yet counts from a later sweep
        while kept and (len(kept) > self.max_count or held > self.max_bytes):
            token, entry = kept.pop(0)
            held -= entry.size or 0
            evicted.append(token)
        for token in evicted:
            del self._entries[token]
        return evicted


def _env(name: str, default: float) -> float:
    """Return ``$name`` as a positive number, or ``default`` when unset or not one."""
    try:
        value = float(os.environ.get(name, "").strip())
    except ValueError:
        return default
    return value if value > 0 else default


STORE = WorkspaceStore(  # one per server process: the class's kept workspaces
    keep_s=_env(KEEP_MIN_ENV, 120.0) * 60,
    max_bytes=int(_env(KEEP_MB_ENV, 1024.0) * 2**20),
    max_count=int(_env(KEEP_COUNT_ENV, 200.0)),
)
