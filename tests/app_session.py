"""Shared steps for the AppTest suites: a fresh session, the Train page's tiny settings, a trained session."""
from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT = 60


def fresh() -> AppTest:
    """A new session on the Home page."""
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()


def wait_until_trained(at: AppTest, seconds: float = 30) -> None:
    """Wait for the background run to end, then redraw the page."""
    ws = at.session_state["ws"]
    deadline = time.perf_counter() + seconds
    while ws.training and time.perf_counter() < deadline:
        time.sleep(0.02)
    assert not ws.training
    at.run()


def tiny_settings(at: AppTest, epochs: int = 4, watch: bool = False) -> None:
    """On the Train page: 4 hidden units and ``epochs`` epochs, a run of a moment ("watch it learn" off)."""
    at.number_input(key="train.hidden_size").set_value(4)
    at.number_input(key="train.epochs").set_value(epochs)
    at.toggle(key="train.watch").set_value(watch)
    at.run()


def trained_session() -> AppTest:
    """Home → load the airline sample → Train page → train a tiny model to the end."""
    at = fresh()
    at.button(key="home.start").click().run()
    assert not at.exception
    tiny_settings(at)
    at.button(key="train.go").click().run()
    wait_until_trained(at)
    return at


def until(check, seconds: float = 30.0) -> bool:
    """Wait for ``check()`` to hold (True), or give up after ``seconds`` (False): a condition, never a fixed sleep."""
    deadline = time.perf_counter() + seconds
    while not check():
        if time.perf_counter() > deadline:
            return False
        time.sleep(0.01)
    return True
