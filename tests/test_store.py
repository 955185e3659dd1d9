"""Work kept across a reload (lstm_viz/workspace/store.py): only the exact token opens it; the store stays bounded."""
from __future__ import annotations

import threading

import pytest

from lstm_viz import workspace
from lstm_viz.config import Config
from lstm_viz.workspace import store

TINY = Config(hidden_size=4, window=12, epochs=3, lr=0.01, batch_size=32, seed=0, max_snapshots=3, num_threads=1)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_store(keep_s: float = 60.0, max_bytes: int = 10**12, max_count: int = 100, size: int = 1):
    """A store on a hand-moved clock where every workspace weighs ``size`` bytes."""
    clock = Clock()
    return store.WorkspaceStore(keep_s, max_bytes, max_count, clock=clock, size=lambda ws: size), clock


GONE = None  # a session that cannot say it is connected counts as gone


def test_tokens_are_long_random_and_url_safe():
    kept, _ = make_store()
    tokens = {kept.create(GONE)[0] for _ in range(200)}
    assert len(tokens) == 200
    assert all(store.is_token(token) and len(token) == 32 for token in tokens)


def test_a_reload_gets_the_same_workspace_back():
    kept, _ = make_store()
    token, ws = kept.create(GONE)
    workspace.load_sample(ws, "airline")
    again, back, outcome = kept.claim(token, GONE)
    assert (again, outcome) == (token, "back") and back is ws and back.dataset.name == "airline"


def test_two_sessions_never_reach_each_others_work():
    kept, _ = make_store()
    token_a, ws_a = kept.create(GONE)
    token_b, ws_b = kept.create(GONE)
    workspace.load_sample(ws_a, "airline")
    workspace.load_sample(ws_b, "sunspots")
    assert kept.claim(token_a, GONE)[1] is ws_a and kept.claim(token_b, GONE)[1] is ws_b
    forged = store.secrets.token_urlsafe(store.TOKEN_BYTES)
    flipped = token_a[:-1] + ("A" if token_a[-1] != "A" else "B")
    for attempt in (forged, flipped, token_a[:-1], token_a[:16], token_a.swapcase(), token_a + "x", " " + token_a,
                    token_a.upper(), "*", "", None, 12345, [token_a]):
        token, ws, outcome = kept.claim(attempt, GONE)
        assert ws is not ws_a and ws is not ws_b and ws.dataset is None, attempt
        assert token not in (token_a, token_b) and token != attempt  # a token the client chose is never adopted
        assert outcome == ("new" if not attempt else "unknown")


def test_a_token_held_by_a_connected_page_gives_another_page_a_fresh_workspace():
    kept, _ = make_store()
    first_open = True
    token, ws = kept.create(lambda: first_open)
    other_token, other, outcome = kept.claim(token, lambda: True)
    assert outcome == "busy" and other is not ws and other_token != token
    first_open = False  # the first page closed: now the same address brings the work back
    assert kept.claim(token, lambda: True)[1:] == (ws, "back")


def test_a_reload_waits_for_the_old_page_to_close():
    kept = store.WorkspaceStore(60, 10**9, 10)  # the real clock: claim() polls the old page
    closed = threading.Event()
    token, ws = kept.create(lambda: not closed.is_set())
    threading.Timer(0.2, closed.set).start()
    assert kept.claim(token, lambda: True, wait_s=30)[1:] == (ws, "back")
    assert closed.is_set()


def test_work_of_a_page_gone_longer_than_the_time_limit_is_evicted():
    kept, clock = make_store(keep_s=60)
    token, ws = kept.create(GONE)
    clock.now += 59
    assert kept.sweep() == [] and kept.claim(token, GONE)[1] is ws  # opening it counts as seen
    clock.now += 61
    assert kept.sweep() == [token]
    assert kept.claim(token, GONE)[2] == "unknown"


def test_a_touch_keeps_it_and_a_connected_page_is_never_evicted():
    kept, clock = make_store(keep_s=60, max_count=1)
    connected = True
    token_live, ws_live = kept.create(lambda: connected)
    token_gone, _ = kept.create(GONE)
    clock.now += 40
    kept.touch(token_gone)
    clock.now += 40  # 80 s since the start, 40 s since the touch
    assert kept.sweep() == []
    clock.now += 1000
    assert kept.sweep() == [token_gone]
    assert kept.claim(token_live, lambda: True, wait_s=0)[2] == "busy"  # still there, and still its page's
    connected = False
    assert kept.claim(token_live, GONE)[1] is ws_live


def test_over_the_memory_cap_the_oldest_leaves_first():
    kept, clock = make_store(max_bytes=250, size=100)
    tokens = []
    for _ in range(2):
        tokens.append(kept.create(GONE)[0])
        clock.now += 1
    assert kept.sweep() == []
    token = kept.create(GONE)[0]  # creating sweeps: 300 bytes > 250, the oldest goes
    assert kept.sweep() == []
    # (the kept ones first: opening an unknown token makes a fresh workspace, which counts too)
    assert kept.claim(tokens[1], GONE)[2] == "back" and kept.claim(token, GONE)[2] == "back"
    assert kept.claim(tokens[0], GONE)[2] == "unknown"


def test_over_the_count_cap_the_oldest_leaves_first():
    kept, clock = make_store(max_count=3)
    tokens = []
    for _ in range(5):
        tokens.append(kept.create(GONE)[0])
        clock.now += 1
    assert len(kept) == 3
    assert [kept.claim(token, GONE)[2] for token in reversed(tokens)] == ["back", "back", "back", "unknown", "unknown"]


def test_workspace_bytes_counts_data_model_and_history_once():
    ws = workspace.Workspace()
    empty = store.workspace_bytes(ws)
    workspace.load_sample(ws, "airline")
    with_data = store.workspace_bytes(ws)
    assert with_data - empty >= ws.dataset.series.values.nbytes
    workspace.train_to_end(ws, TINY)
    params = sum(p.numel() * p.element_size() for p in ws.run.model.parameters())
    snapshot = ws.run.snapshots[-1]
    trained = store.workspace_bytes(ws)
    assert trained - with_data >= params + snapshot.fitted.nbytes + snapshot.test_pred.nbytes
    # The trainer's tensors share the split's arrays (torch.from_numpy): counted once, so well under twice.
    split_bytes = sum(a.nbytes for a in (ws.run.split.X_train, ws.run.split.X_test))
    assert trained - with_data < 2 * split_bytes + 50 * params + 10**6


def test_a_run_in_flight_comes_back_with_its_workspace():
    kept, _ = make_store()
    token, ws = kept.create(GONE)
    workspace.load_sample(ws, "airline")
    workspace.start_run(ws, TINY.replace(epochs=2000))
    try:
        workspace.train_in_background(ws)
        back = kept.claim(token, GONE)[1]
        assert back is ws and back.training
        while back.run is None:  # the same run keeps training for the page that came back
            back.job.wait(0.05)
        assert back.run is back.candidate or back.run.epochs_done >= 1
    finally:
        workspace.stop_run(ws)


def test_a_class_leaving_at_once_is_measured_a_few_at_a_time_and_never_over_evicted(monkeypatch):
    monkeypatch.setattr(store, "MEASURE_PER_SWEEP", 2)
    measured = []
    clock = Clock()
    kept = store.WorkspaceStore(60, 250, 100, clock=clock, size=lambda ws: measured.append(ws) or 100)
    connected = True
    tokens = []
    for _ in range(5):
        tokens.append(kept.create(lambda: connected)[0])
        clock.now += 1
    assert measured == []  # pages still open are not measured (nor counted)
    connected = False  # the whole class closes its tabs
    assert kept.sweep() == [] and len(measured) == 2  # 200 bytes measured so far
    assert kept.sweep() == tokens[:2] and len(measured) == 4  # 400 > 250: the two oldest go
    assert kept.sweep() == tokens[2:3] and len(measured) == 5  # 300 > 250: one more
    assert kept.sweep() == [] and len(kept) == 2  # 200 bytes: the two newest stay


def test_a_workspace_that_cannot_be_measured_now_is_measured_later_and_breaks_nothing():
    calls = []

    def size(ws):
        calls.append(ws)
        if len(calls) == 1:
            raise RuntimeError("dictionary changed size during iteration")  # a run still stopping
        return 10

    clock = [0.0]
    kept = store.WorkspaceStore(keep_s=10_000, max_bytes=10**9, max_count=10, clock=lambda: clock[0], size=size)
    left, ws = kept.create(lambda: False)  # a page that has gone: its workspace is measured by the sweeps
    here, _ = kept.create(lambda: True)
    for _ in range(2):
        clock[0] += 3600
        kept.touch(here)  # sweeps (the first measurement raised inside it)
    assert calls == [ws, ws]  # measured again at the next sweep
