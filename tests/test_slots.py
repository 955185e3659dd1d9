"""The server's line for training places: first come first served, Stop leaves it, pages see their place."""
from __future__ import annotations

import threading
import time

import pytest
from lstm_viz import jobs, slots
from lstm_viz import workspace
from lstm_viz.config import Config
from lstm_viz.slots import Load, SlotQueue
from tests.app_session import fresh, tiny_settings, until

TINY = Config(hidden_size=4, window=12, epochs=3, lr=0.01, batch_size=32, seed=0, max_snapshots=3, num_threads=1)
LONG = TINY.replace(epochs=5000, hidden_size=8)



def waiter(queue: SlotQueue, run_id: int, wanted=lambda: True) -> tuple[threading.Thread, list]:
    got: list = []
    thread = threading.Thread(target=lambda: got.append(queue.wait_turn(run_id, wanted, poll_s=0.01)), daemon=True)
    thread.start()
    return thread, got


@pytest.fixture
def one_slot(monkeypatch) -> SlotQueue:
    """The process-wide line with a single place, so a second run has to wait."""
    queue = SlotQueue(1)
    monkeypatch.setattr(slots, "QUEUE", queue)
    return queue


# -- the line itself -------------------------------------------------------------------------


def test_the_line_is_first_come_first_served():
    queue = SlotQueue(1)
    assert queue.wait_turn(1, lambda: True)
    for run_id in (2, 3, 4):
        queue.join(run_id)
    assert [queue.ahead(r) for r in (1, 2, 3, 4)] == [None, 0, 1, 2]
    threads = {r: waiter(queue, r) for r in (4, 3, 2)}  # they start waiting in reverse order …
    queue.leave(1)
    assert until(lambda: threads[2][1] == [True])  # … and still take the place in line order
    assert threads[3][1] == [] and threads[4][1] == [] and queue.ahead(3) == 0
    assert queue.load() == Load(training=1, waiting=2, slots=1)
    queue.leave(2)
    assert until(lambda: threads[3][1] == [True]) and threads[4][1] == []


def test_free_places_are_taken_up_to_the_number_of_slots():
    queue = SlotQueue(2)
    for run_id in (1, 2, 3):
        queue.join(run_id)
    polls = []  # the third run's checks while it waits: each one is a chance to take a place
    threads = [waiter(queue, 1), waiter(queue, 2), waiter(queue, 3, lambda: polls.append(1) or True)]
    assert until(lambda: queue.load().training == 2)
    assert until(lambda: len(polls) >= 5)  # it has looked for a free place several times since …
    assert queue.load() == Load(training=2, waiting=1, slots=2) and queue.ahead(3) == 0
    assert threads[2][1] == []
    queue.leave(1)
    assert until(lambda: threads[2][1] == [True])


def test_a_run_nobody_wants_any_more_leaves_the_line():
    queue = SlotQueue(1)
    queue.wait_turn(1, lambda: True)
    wanted = threading.Event()
    wanted.set()
    thread, got = waiter(queue, 2, wanted.is_set)
    queue.join(3)
    assert queue.ahead(3) == 1
    wanted.clear()
    thread.join(5)
    assert got == [False] and queue.ahead(2) is None and queue.ahead(3) == 0
    queue.leave(2)  # leaving twice is harmless
    queue.leave(99)
    assert queue.load() == Load(training=1, waiting=1, slots=1)


def test_slots_come_from_the_environment_or_the_cores(monkeypatch):
    monkeypatch.setenv(slots.SLOTS_ENV, "3")
    assert slots.default_slots() == 3
    monkeypatch.setenv(slots.SLOTS_ENV, "0")
    assert slots.default_slots() == 1
    monkeypatch.setenv(slots.SLOTS_ENV, "lots")
    assert slots.default_slots() == 1
    monkeypatch.delenv(slots.SLOTS_ENV)
    assert slots.default_slots() == 1
    with pytest.raises(ValueError):
        SlotQueue(0)


def test_pages_redraw_slower_in_line_and_on_a_crowded_server():
    quiet, busy, crowded = Load(2, 0, 2), Load(2, 3, 2), Load(2, 18, 2)
    assert slots.refresh_interval(0.3, quiet, waiting=False) == 0.3
    assert slots.refresh_interval(0.3, busy, waiting=False) == 0.6
    assert slots.refresh_interval(0.3, crowded, waiting=False) == 0.9
    assert slots.refresh_interval(0.3, crowded, waiting=True) == slots.WAITING_REFRESH_S > 0.9
    assert [slots.crowd_level(Load(2, w, 2)) for w in (0, 1, 4, 5, 40)] == [1, 2, 2, 3, 3]


# -- runs in the line ------------------------------------------------------------------------


def airline() -> workspace.Workspace:
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    return ws


def in_background(ws: workspace.Workspace, cfg: Config) -> None:
    """Press Train: start the run and send it to the server's line."""
    workspace.start_run(ws, cfg)
    workspace.train_in_background(ws)


def student_here() -> threading.Event:
    """A student's presence the test can end (``clear()``: the tab is gone)."""
    here = threading.Event()
    here.set()
    return here


def test_a_second_run_waits_for_the_first_then_trains(one_slot):
    first, second = airline(), airline()
    in_background(first, LONG)
    assert until(lambda: first.candidate.epochs_done >= 1)
    in_background(second, TINY)
    done = first.candidate.epochs_done
    assert until(lambda: first.candidate.epochs_done >= done + 3)  # the first run went on training meanwhile
    assert workspace.queue_place(second.candidate) == 0 and second.candidate.epochs_done == 0
    assert workspace.queue_place(first.candidate) is None
    workspace.stop_run(first)
    assert until(lambda: not second.training)
    assert second.run.status == "done" and second.run.epochs_done == TINY.epochs
    assert until(lambda: one_slot.load() == Load(0, 0, 1))  # each thread leaves the line just after its run ends


def test_live_pages_redraw_by_phase_in_line_and_training(one_slot):
    first, second = airline(), airline()
    assert workspace.live_phase(first) is None and workspace.live_interval(first, 0.3) is None  # nothing in flight
    in_background(first, LONG)
    assert until(lambda: workspace.queue_place(first.candidate) is None and one_slot.load().training == 1)
    assert workspace.live_phase(first) == ("training", 1) and workspace.live_interval(first, 0.3) == 0.3
    in_background(second, TINY)
    assert workspace.live_phase(second) == ("waiting",)
    assert workspace.live_interval(second, 0.3) == slots.WAITING_REFRESH_S
    assert workspace.live_interval(second, 0.6, while_waiting=False) is None
    assert workspace.live_phase(first) == ("training", 2) and workspace.live_interval(first, 0.3) == 0.6  # someone waits
    workspace.stop_run(second)
    workspace.stop_run(first)


def test_stopping_a_run_in_line_keeps_the_model_and_frees_its_place(one_slot):
    busy, ws = airline(), airline()
    workspace.train_to_end(ws, TINY)
    model = ws.run
    in_background(busy, LONG)
    in_background(ws, TINY.replace(seed=1))
    assert workspace.queue_place(ws.candidate) == 0
    assert not workspace.stop_run(ws)
    assert ws.run is model and not ws.training and one_slot.load().waiting == 0
    workspace.stop_run(busy)
    assert until(lambda: one_slot.load() == Load(0, 0, 1))


def test_the_train_page_shows_the_place_in_line_then_the_run(one_slot):
    one_slot.wait_turn(-1, lambda: True)  # another student's run holds the only place
    at = fresh()
    at.button(key="home.start").click().run()
    tiny_settings(at, epochs=3)
    at.button(key="train.go").click().run()
    ws = at.session_state["ws"]
    assert not at.exception and ws.training and ws.run is None
    waiting = [box.value for box in at.info]
    assert any("Your run is next" in text for text in waiting), waiting
    assert any("Waiting to train: 0 ahead" in c.value for c in at.sidebar.caption)
    at.button(key="train.stop").click().run()  # Stop works in line too: nothing trained, nothing kept
    assert not ws.training and ws.run is None and one_slot.load().waiting == 0
    at.button(key="train.go").click().run()
    one_slot.leave(-1)
    assert until(lambda: not ws.training)
    at.run()
    assert not at.exception and ws.run.status == "done"
    assert any("Training finished" in box.value for box in at.success)


def test_a_teaching_job_waits_in_the_same_line_and_can_be_cancelled_there(one_slot):
    one_slot.wait_turn(-1, lambda: True)  # a student's run holds the only place
    ran = threading.Event()
    job = jobs.start("compare", lambda job: ran.set() or 42)
    assert until(lambda: job.note is not None and job.note[0] == "waiting")
    assert job.note[1] == {"ahead": 0, "slots": 1} and job.running and not ran.is_set()
    one_slot.leave(-1)
    assert job.wait(10) and job.result == 42 and ran.is_set()

    one_slot.wait_turn(-1, lambda: True)
    queued = jobs.start("compare", lambda job: 1 / 0)
    queued.cancel()
    assert queued.wait(10) and (queued.error.key, queued.error.params) == ("jobs.cancelled", {})
    assert one_slot.load() == Load(training=1, waiting=0, slots=1)


# -- a student who has gone does not hold up the class -------------------------------------


def test_presence_forgives_a_short_absence():
    now, connected = [0.0], [True]
    present = slots.Presence(lambda: connected[0], grace_s=30, clock=lambda: now[0])
    assert present()
    connected[0] = False
    now[0] = 10.0
    assert present()  # gone 0 s so far: the clock starts now
    now[0] = 39.0
    assert present()  # 29 s
    connected[0] = True
    assert present()  # back (a reload): the clock resets
    connected[0] = False
    now[0] = 50.0
    assert present()
    now[0] = 80.5
    assert not present()


def test_a_run_in_line_whose_student_left_gives_up_its_place(one_slot):
    busy, ws = airline(), airline()
    workspace.train_to_end(ws, TINY)
    model = ws.run
    in_background(busy, LONG)
    here = student_here()
    ws.presence = here.is_set
    in_background(ws, TINY.replace(seed=1))
    assert workspace.queue_place(ws.candidate) == 0
    here.clear()  # the tab is closed (after the grace period, as Presence would say)
    assert until(lambda: not ws.training)
    assert ws.run is model and one_slot.load().waiting == 0
    assert (ws.failure.key, ws.failure.params) == ("ws.run_abandoned", {"seconds": int(slots.ABSENT_S), "epoch": 0,
                                                                        "epochs": TINY.epochs})
    workspace.stop_run(busy)


def test_a_training_run_whose_student_left_stops_and_frees_its_slot(one_slot):
    ws = airline()
    here = student_here()
    ws.presence = here.is_set
    in_background(ws, LONG)
    assert until(lambda: ws.candidate is not None and ws.candidate.epochs_done >= 2)
    here.clear()
    assert until(lambda: not ws.training)
    assert ws.run.status == "stopped" and 2 <= ws.run.epochs_done < LONG.epochs  # what it learned is kept
    assert ws.failure.key == "ws.run_abandoned" and ws.failure.params["epoch"] == ws.run.epochs_done
    assert until(lambda: one_slot.load() == Load(0, 0, 1))


def test_the_grace_period_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(slots.ABSENT_ENV, "5")
    assert slots.absent_seconds() == 5.0
    monkeypatch.setenv(slots.ABSENT_ENV, "soon")
    assert slots.absent_seconds() == 30.0
    monkeypatch.delenv(slots.ABSENT_ENV)
    assert slots.absent_seconds() == 30.0


def test_a_teaching_job_whose_student_left_stops(one_slot):
    here = student_here()

    def work(job):
        for k in range(10_000):
            job.report(k / 10_000)
            time.sleep(0.001)
        return "finished"

    running = jobs.start("compare", work, present=here.is_set)
    assert until(lambda: running.progress > 0)
    one_slot.join(-2)
    gone_in_line = jobs.start("compare", work, present=lambda: False)
    here.clear()
    gone = ("jobs.gone", {"seconds": int(slots.ABSENT_S)})
    assert running.wait(10) and (running.error.key, running.error.params) == gone and running.result is None
    assert gone_in_line.wait(10) and (gone_in_line.error.key, gone_in_line.error.params) == gone
    one_slot.leave(-2)
    assert one_slot.load() == Load(0, 0, 1)


def test_a_long_run_passes_its_slot_to_the_next_in_line_after_its_turn():
    queue = SlotQueue(1)
    assert queue.wait_turn("big", lambda: True)
    assert queue.take_turns("big", lambda: True, turn_s=0.0)  # nobody waits: it keeps the slot
    queue.join("small")
    assert queue.take_turns("big", lambda: True, turn_s=3600.0)  # its turn is not over yet
    assert queue.ahead("small") == 0 and queue.load().training == 1
    order = []
    small = threading.Thread(target=lambda: order.append(("small", queue.wait_turn("small", lambda: True))))
    small.start()
    # Turn over: "big" goes to the back and waits; "small" trains (and leaves), then "big" has its slot back.
    big = threading.Thread(target=lambda: order.append(("big", queue.take_turns("big", lambda: True, turn_s=0.0))))
    big.start()
    small.join(10)
    assert order == [("small", True)] and queue.ahead("big") == 0
    queue.leave("small")
    big.join(10)
    assert order == [("small", True), ("big", True)] and queue.load().training == 1
    # A run no longer wanted gives its place up instead of waiting for another turn.
    queue.join("next")
    assert queue.take_turns("big", lambda: False, turn_s=0.0) is False
    assert queue.ahead("big") is None


def test_a_run_back_for_another_turn_waits_behind_runs_that_have_trained_less():
    queue = SlotQueue(1)
    assert queue.wait_turn("big", lambda: True)
    queue.join("a")
    got = []
    worker = threading.Thread(target=lambda: got.append(queue.take_turns("big", lambda: True, turn_s=0.0)))
    worker.start()
    assert queue.wait_turn("a", lambda: True)  # "big" had its turn: "a" trains
    queue.join("b")  # arrives after "big" went back into line, but has trained nothing yet
    assert queue.ahead("b") == 0 and queue.ahead("big") == 1
    queue.leave("a")
    assert queue.wait_turn("b", lambda: True)
    queue.leave("b")
    worker.join(10)
    assert got == [True] and queue.load().training == 1
