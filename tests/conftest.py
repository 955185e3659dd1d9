"""Shared test set-up.

One torch thread per test process, so the two processes the suite runs in (pytest-xdist, ``-n 2`` in
pyproject.toml) don't oversubscribe two cores. The browser tests all run in one of them, one after the
other (one streamlit server, one chromium; their live-view checks sample a page every 100 ms), while the
other process runs the engine and AppTest tests.
"""
import pytest
import torch

torch.set_num_threads(1)


# Browser tests that sample a page frame by frame: they run last, when the engine tests in the other process
# are likely done and the two cores are theirs (a Pause landed 18 frames late once beside the engine tests).
FRAME_BY_FRAME = ("test_animations.py", "test_live_view.py")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups from the marks
def pytest_collection_modifyitems(items):
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))
    items.sort(key=lambda item: item.path.name in FRAME_BY_FRAME)  # stable: the rest keep their order


# Seconds the browser tests measured ("lens timing" user properties of their reports), printed at the end.
_TIMINGS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    for name, value in getattr(report, "user_properties", ()):
        if name == "lens timing":
            key, seconds = value
            _TIMINGS[key] = seconds


def pytest_terminal_summary(terminalreporter):
    if not _TIMINGS:
        return
    terminalreporter.section("LSTM Lens in the browser: measured seconds")
    for name, seconds in _TIMINGS.items():
        terminalreporter.write_line(f"{seconds:7.2f} s  {name}")
