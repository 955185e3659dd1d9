"""The one engine for background work (lstm_viz.jobs): results, errors as LensErrors end to end, pauses, turns.

No timed asserts: each test waits for a condition and checks the order of events.
"""
from __future__ import annotations

import threading

import pytest

from lstm_viz import jobs, slots
from lstm_viz import workspace
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.slots import Load, SlotQueue
from tests.app_session import until

TINY = Config(hidden_size=4, window=12, epochs=3, lr=0.01, batch_size=32, seed=0, max_snapshots=3, num_threads=1)


@pytest.fixture
def one_slot(monkeypatch) -> SlotQueue:
    queue = SlotQueue(1)
    monkeypatch.setattr(slots, "QUEUE", queue)
    return queue


def test_a_job_reports_progress_and_its_stage_then_returns_its_result(one_slot):
    go = threading.Event()

    def work(job):
        job.report(0.5, "compare.training", cell="lstm", epoch=1, epochs=2)
        go.wait(10)
        return "trained"

    job = jobs.start("compare", work, {"hidden_size": 4})
    assert until(lambda: job.progress == 0.5)
    assert job.running and job.note == ("compare.training", {"cell": "lstm", "epoch": 1, "epochs": 2})
    assert one_slot.load() == Load(training=1, waiting=0, slots=1)
    go.set()
    assert job.wait(10) and job.result == "trained" and job.error is None and job.progress == 1.0
    assert job.settings == {"hidden_size": 4} and one_slot.load() == Load(0, 0, 1)


def test_a_refusal_stays_itself_and_a_crash_becomes_a_lens_error(one_slot):
    def refuse(job):
        raise LensError("config.budget", cost=90, budget=60)

    refused = jobs.start("m2m", refuse)
    assert refused.wait(10) and refused.error.key == "config.budget" and refused.error.params["cost"] == 90
    crashed = jobs.start("task", lambda job: 1 / 0)
    assert crashed.wait(10) and isinstance(crashed.error, LensError) and crashed.error.key == "jobs.failed"
    assert "ZeroDivisionError" in crashed.error.params["detail"] and crashed.result is None
    assert "ZeroDivisionError" in crashed.error.message("zh")
    assert one_slot.load() == Load(0, 0, 1)


def test_a_job_whose_owner_no_longer_wants_it_ends_as_cancelled(one_slot):
    wanted = threading.Event()
    wanted.set()

    def work(job):
        while True:
            job.checkpoint()

    job = jobs.start("run", work, wanted=wanted.is_set)
    assert until(lambda: one_slot.load().training == 1)
    wanted.clear()
    assert job.wait(10) and job.error.key == "jobs.cancelled"


def test_a_crash_in_a_training_run_ends_it_with_a_message_and_keeps_the_model(one_slot):
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    workspace.train_to_end(ws, TINY)
    old = ws.run
    run = workspace.start_run(ws, TINY.replace(epochs=50, seed=1))

    def broken(seconds, max_epochs=None):
        raise RuntimeError("out of memory")

    run.trainer.run_for = broken
    workspace.train_in_background(ws)
    assert until(lambda: not ws.training)
    assert ws.failure.key == "ws.train_failed" and "RuntimeError: out of memory" in ws.failure.params["detail"]
    assert ws.run is old and ws.candidate is None and one_slot.load() == Load(0, 0, 1)


def test_every_stage_a_job_reports_has_words_in_both_languages():
    import re
    from pathlib import Path

    from lstm_viz.i18n import TABLES
    from pages.ui.jobs import STAGE_KEYS

    engine = Path(__file__).resolve().parent.parent / "lstm_viz"
    said = set()
    for path in engine.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        said |= set(re.findall(r'job\.report\([^,]+, "([\w.]+)"', text))
        said |= set(re.findall(r'self\.note = \("([\w.]+)"', text))
    assert {"waiting", "compare.training", "compare.scoring", "task.training", "m2m.training"} <= said
    assert said <= set(STAGE_KEYS), said - set(STAGE_KEYS)
    for key in STAGE_KEYS.values():
        assert key in TABLES["en"] and key in TABLES["zh"], key


class PagePresence(slots.Presence):
    """A student's page the test connects and disconnects, on a clock the test moves."""

    def __init__(self) -> None:
        self.here, self.now = True, 0.0
        super().__init__(lambda: self.here, grace_s=slots.ABSENT_S, clock=lambda: self.now)


def test_a_run_follows_its_workspace_to_the_page_a_reload_opened(one_slot):
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    ws.presence = closed = PagePresence()
    run = workspace.start_run(ws, TINY.replace(epochs=5000, hidden_size=8))
    workspace.train_in_background(ws)
    assert until(lambda: run.epochs_done >= 1)
    closed.here = False  # the reload closes the old page …
    assert until(lambda: closed.away_s() is not None)
    ws.presence = PagePresence()  # … and the new page reattaches to the workspace (pages/ui/state.py)
    closed.now = 2 * slots.ABSENT_S  # the old page is gone for good
    steps = run.trainer.optimizer_steps
    assert until(lambda: run.trainer.optimizer_steps > steps + 50)  # still training, for the new page
    assert ws.training and ws.failure is None
    workspace.stop_run(ws)
