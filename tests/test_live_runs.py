"""A run as the student watches it: slices of batches, Stop keeps what the page showed, pacing, failures, absence.

No timed asserts: each test checks the order of events (what was shown, what was
kept, who trained first), waiting for conditions rather than for fixed times.
"""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

from lstm_viz import jobs, slots
from lstm_viz import workspace
from lstm_viz.data import series as series_module
from lstm_viz.config import Config
from lstm_viz.errors import LensError
from lstm_viz.i18n import tr
from lstm_viz.slots import SlotQueue
from lstm_viz.workspace import runs
from tests.app_session import until

TINY = Config(hidden_size=4, window=12, epochs=3, lr=0.01, batch_size=32, seed=0, max_snapshots=3, num_threads=1)
LONG = TINY.replace(epochs=5000, hidden_size=8)
SLOW_EPOCHS = TINY.replace(epochs=50, hidden_size=32, batch_size=1)  # 120 batches an epoch: many slices each


def airline() -> workspace.Workspace:
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    return ws



def weights(model) -> list[np.ndarray]:
    return [p.detach().numpy().copy() for p in model.parameters()]


@pytest.fixture
def one_slot(monkeypatch) -> SlotQueue:
    queue = SlotQueue(1)
    monkeypatch.setattr(slots, "QUEUE", queue)
    return queue


class FakePresence(slots.Presence):
    """A student's page the test connects and disconnects, on a clock the test moves."""

    def __init__(self) -> None:
        self.here, self.now = True, 0.0
        super().__init__(lambda: self.here, grace_s=slots.ABSENT_S, clock=lambda: self.now)


def steady_steps(run: workspace.Run) -> int:
    """Wait until the run's optimizer steps stop growing for a while (the slice in progress ended)."""
    seen = -1
    while True:
        now = run.trainer.optimizer_steps
        if now == seen:
            return now
        seen = now
        time.sleep(0.3)


# -- Stop keeps exactly what the page showed -------------------------------------------------------


def test_stop_keeps_the_epoch_the_page_showed_while_the_run_went_on(one_slot):
    ws = airline()
    run = workspace.start_run(ws, LONG)
    workspace.train_in_background(ws)
    assert until(lambda: run.epochs_done >= 3)
    with run.lock:  # a page draws the run
        shown = workspace.show_epoch(run)
        on_page = weights(run.model)
    assert until(lambda: run.epochs_done >= shown.epoch + 5)  # the run goes on after the redraw
    assert workspace.stop_run(ws, epoch=shown.epoch)
    assert ws.run is run and run.status == "stopped" and run.epochs_done == shown.epoch
    assert (run.last.epoch, run.last.train_loss, run.last.val_loss) == (shown.epoch, shown.train_loss, shown.val_loss)
    assert run.snapshots[-1].epoch == shown.epoch
    for a, b in zip(on_page, weights(ws.run.model)):
        np.testing.assert_array_equal(a, b)


def test_stop_before_an_epoch_was_shown_keeps_the_previous_model_even_if_promoted(one_slot):
    ws = airline()
    workspace.train_to_end(ws, TINY)
    old = ws.run
    run = workspace.start_run(ws, LONG.replace(seed=1))
    with run.lock:
        assert workspace.show_epoch(run) is None  # the page showed "the first epoch is running"
    workspace.train_in_background(ws)
    assert until(lambda: ws.run is run)  # promoted after its first epoch, not yet redrawn
    assert not workspace.stop_run(ws, epoch=0)
    assert ws.run is old and old.status == "done" and ws.candidate is None and not ws.training


def test_stop_inside_a_slow_epoch_never_promotes_it(one_slot, monkeypatch):
    monkeypatch.setattr(runs, "BACKGROUND_SLICE_S", 0.0)  # one batch a slice: every epoch is "slow"
    ws = airline()
    workspace.train_to_end(ws, TINY)
    old = ws.run
    run = workspace.start_run(ws, SLOW_EPOCHS)
    workspace.train_in_background(ws)
    assert until(lambda: run.trainer.optimizer_steps >= 2)
    with ws.lock:  # between two slices, in the middle of epoch 1
        assert run.epochs_done == 0
        started = time.perf_counter()
        assert not workspace.stop_run(ws)
    print(f"\nStop inside a slow epoch answered in {time.perf_counter() - started:.3f} s (lock held)")
    assert ws.run is old and ws.candidate is None


def test_a_slow_epoch_is_trained_in_slices_that_let_the_page_in(one_slot, monkeypatch):
    monkeypatch.setattr(runs, "BACKGROUND_SLICE_S", 0.0)  # one batch a slice: every epoch is "slow"
    ws = airline()
    run = workspace.start_run(ws, SLOW_EPOCHS)
    workspace.train_in_background(ws)
    seen_inside_epoch_1: list[int] = []
    while run.epochs_done == 0 and not run.trainer.finished:
        with run.lock:  # what a page redraw gets between two slices
            if run.epochs_done == 0:
                seen_inside_epoch_1.append(run.trainer.optimizer_steps)
        time.sleep(0.02)
    workspace.stop_run(ws)
    # The page got the lock several times while epoch 1 was still being trained, at growing batch counts.
    assert len(set(seen_inside_epoch_1)) >= 2 and seen_inside_epoch_1 == sorted(seen_inside_epoch_1)


# -- a failed run always leaves a message ------------------------------------------------------------


def test_data_that_overflow_when_scaled_are_refused_with_a_message_and_keep_the_model(monkeypatch):
    ws = airline()
    workspace.train_to_end(ws, TINY)
    old = ws.run
    values = np.r_[np.linspace(1.0, 50.0, 40), np.full(12, 1e99)]
    csv = "t,y\n" + "\n".join(f"{k},{v:.6g}" for k, v in enumerate(values))
    with pytest.raises(LensError) as err:  # the reader refuses such a file first …
        workspace.load_upload(ws, csv.encode(), "huge.csv")
    assert err.value.key == "safety.outlier" and ws.run is old
    # … and should any data pass it and still overflow once scaled, Train refuses them too.
    monkeypatch.setattr(series_module, "MAX_SPREAD_RATIO", float("inf"))
    workspace.load_upload(ws, csv.encode(), "huge.csv")
    ws.dataset.test_size = 12
    with pytest.raises(LensError) as err:
        workspace.start_run(ws, TINY)
    assert err.value.key == "run.data_overflow"
    assert "infinite" in err.value.message("en") and "无穷大" in err.value.message("zh")
    assert ws.run is old and ws.candidate is None


def test_a_run_that_fails_in_its_first_epoch_says_so(one_slot):
    ws = airline()
    workspace.train_to_end(ws, TINY)
    old = ws.run
    run = workspace.start_run(ws, TINY.replace(epochs=20))
    with torch.no_grad():
        run.model.head.weight.fill_(float("inf"))  # every loss is infinite from the first batch
    workspace.train_in_background(ws)
    assert until(lambda: not ws.training)
    assert run.status == "diverged" and run.epochs_done == 0
    assert ws.run is old and (ws.failure.key, ws.failure.params) == ("run.diverged_at_once", {"kept": True})
    assert "learning rate" in tr(ws.failure.key, "en", **ws.failure.params)


# -- watch it learn: pacing sleeps, and never holds the class up ---------------------------------------


def test_a_paced_run_sleeps_between_epochs_until_another_run_waits(one_slot, monkeypatch):
    monkeypatch.setattr(runs, "WATCH_RUN_S", 1e6)  # so slow that only a waiting classmate can end the pause
    ws, other = airline(), airline()
    run = workspace.start_run(ws, TINY.replace(epochs=30), watch=True)
    workspace.train_in_background(ws)
    assert until(lambda: run.epochs_done == 1)
    assert steady_steps(run) == run.trainer.optimizer_steps and run.epochs_done == 1  # asleep, no core used
    assert ws.training and one_slot.load().training == 1
    theirs = workspace.start_run(other, TINY.replace(seed=3))
    workspace.train_in_background(other)  # a classmate joins the line: pacing ends at once
    assert until(lambda: not other.training)
    assert run.status == "done" and run.epochs_done == 30  # mine finished first, at full speed
    assert theirs.status == "done"


def test_a_paced_run_learns_the_same_as_an_unpaced_one(one_slot, monkeypatch):
    monkeypatch.setattr(runs, "WATCH_RUN_S", 0.3)
    paced, plain = airline(), airline()
    workspace.start_run(paced, TINY.replace(epochs=6), watch=True)
    workspace.train_in_background(paced)
    assert until(lambda: not paced.training)
    workspace.train_to_end(plain, TINY.replace(epochs=6))
    np.testing.assert_array_equal(paced.run.trainer.losses()[1], plain.run.trainer.losses()[1])


# -- a student who has gone -----------------------------------------------------------------------------


def test_a_closed_page_pauses_the_run_at_once_and_a_quick_return_resumes_it(one_slot):
    ws = airline()
    ws.presence = page = FakePresence()
    run = workspace.start_run(ws, LONG)
    workspace.train_in_background(ws)
    assert until(lambda: run.epochs_done >= 2)
    page.here = False  # the tab closed (or is reloading): away 0 s so far on the page's clock
    paused_at = steady_steps(run)
    assert steady_steps(run) == paused_at and ws.training  # no batch while nobody watches, run kept
    page.here = True  # a reload reattached within the grace period
    assert until(lambda: run.trainer.optimizer_steps > paused_at)
    page.here, page.now = False, 100.0
    assert until(lambda: page.away_s() is not None)
    page.now = 100.0 + slots.ABSENT_S  # gone for the whole grace period
    assert until(lambda: not ws.training)
    assert run.status == "stopped" and ws.failure.key == "ws.run_abandoned"


def test_a_closed_page_gives_its_slot_up_soon_when_others_wait(one_slot):
    ws, other = airline(), airline()
    ws.presence = page = FakePresence()
    run = workspace.start_run(ws, LONG)
    workspace.train_in_background(ws)
    assert until(lambda: run.epochs_done >= 1)
    page.here = False
    steady_steps(run)
    workspace.start_run(other, TINY)
    workspace.train_in_background(other)
    assert workspace.queue_place(other.candidate) == 0 and ws.training  # away for 0 s: not yet
    page.now = jobs.AWAY_WHILE_OTHERS_WAIT_S
    assert until(lambda: not other.training)
    assert (ws.failure.key, ws.failure.params) == ("ws.run_abandoned", {
        "seconds": int(jobs.AWAY_WHILE_OTHERS_WAIT_S), "epoch": run.epochs_done, "epochs": LONG.epochs})
    assert other.run.status == "done"
