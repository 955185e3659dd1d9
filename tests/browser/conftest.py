"""Fixtures for the real-browser journeys: one ``streamlit run app.py`` server and one headless chromium per session.

Playwright drives Debian's ``chromium`` (``apt-get install chromium``), never
a browser it downloaded. Where no chromium is installed, every test here skips
with the reason; in CI (``.ci/run``) it is installed and they run.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.helpers import HEIGHT, WIDTH, App

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    # The network is closed: don't let chromium try to update, sync or greet.
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
EXPECT_TIMEOUT_MS = 30_000  # expect()'s 5 s default is too short when other jobs share the two cores
ABSENT_S = 4
SERVER_START_S = 90  # the first start imports torch and plotly on a busy 2-core machine


def chromium_path() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(base: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"streamlit did not answer /_stcore/health in {SERVER_START_S} s:\n"
                       f"{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium installed (apt-get install chromium, as .ci/run does)")
    return path


@pytest.fixture(scope="session")
def server(chromium, tmp_path_factory) -> str:
    """Start ``streamlit run app.py`` on a free loopback port; yield its base URL; kill its process group after."""
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            # A closed tab's run gives up its training place after this many seconds (30 in class).
            # Turns are off (a run keeps its place until it ends), so a journey can watch a run wait
            # behind another; taking turns is tested in tests/test_slots.py and tests/load/load_test.py.
            env={**os.environ, "LSTM_LENS_ABSENT_S": str(ABSENT_S), "LSTM_LENS_TURN_S": "3600"},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base, proc, log)
        yield base
    finally:
        for sig, wait_s in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=wait_s)
                break
            except subprocess.TimeoutExpired:
                continue


@pytest.fixture(scope="session")
def browser(chromium):
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_app(browser, server):
    """Return a function that opens a fresh browser context (a new Streamlit session) as an :class:`App`."""
    contexts = []

    def open_app() -> App:
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US")
        context.set_default_timeout(30_000)
        contexts.append(context)
        return App(context.new_page(), server)

    yield open_app
    for context in contexts:
        context.close()


@pytest.fixture
def app(new_app) -> App:
    """One fresh browser session; the test fails if it logged a console error or showed an exception."""
    session = new_app()
    yield session
    session.assert_clean()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    return SCREENSHOTS


_MEASURED: dict[str, float] = {}


@pytest.fixture(scope="session")
def timings() -> dict[str, float]:
    """Seconds measured in the browser: tests write them here, tests/conftest.py prints them at the end of the run."""
    return _MEASURED


@pytest.fixture(autouse=True)
def _report_timings(request):
    """Hand what a test measured to its report: the report reaches the process that prints (pytest-xdist)."""
    yield
    request.node.user_properties.extend(("lens timing", item) for item in _MEASURED.items())
    _MEASURED.clear()
