"""Drive LSTM Lens in a real browser page: wait for Streamlit, click by label, read Plotly's data, take screenshots.

:class:`App` wraps one Playwright page. Every wait for the app to go idle also
checks that no Streamlit exception box is on the page, and the page's console
errors and uncaught exceptions are collected from the start, so a test fails
on the first problem a student would see (or would not see, but the browser
logged).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import ConsoleMessage, Locator, Page, expect

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
SIDEBAR = '[data-testid="stSidebarUserContent"]'
RUN_PAUSE_MS = 300  # a click reaches the server and starts a run within this; then wait for the run to end
WIDTH, HEIGHT = 1400, 900
MAX_PNG_BYTES = 400_000

# Console errors that are provably not the app's. Keep this list tiny: each entry says why.
FOREIGN_NOISE = (
    # The closed network: Streamlit fetches the Material Symbols favicon (page_icon) from
    # fonts.gstatic.com; any request to a host other than our loopback server is not the app's.
    lambda url, base: urlsplit(url).hostname not in (None, urlsplit(base).hostname),
    # Opening a page URL directly (/data), Streamlit's frontend first probes /data/_stcore/health and
    # /data/_stcore/host-config (404), then the real base path (streamlit/streamlit#7074).
    lambda url, base: re.fullmatch(re.escape(base) + r"/[^/]+/_stcore/(health|host-config)", url) is not None,
)

# The chart a student sees under ``selector``: a live chart is two stacked slots (pages/ui/charts.plot_live),
# and the one on top (highest z-index) is the one showing.
SHOWN_PLOT_JS = """(selector) => {
  let best = null, bestZ = -Infinity;
  for (const gd of document.querySelectorAll(selector)) {
    const slot = gd.closest('[class*="-slot"]');  // its wrapper (Streamlit's element container) is the grid item
    const z = slot ? Number(getComputedStyle(slot.parentElement).zIndex) || 0 : 0;
    if (z > bestZ) { best = gd; bestZ = z; }
  }
  return best;
}"""
# Plotly keeps each trace's decoded arrays (typed arrays, not the base64 Streamlit sends) in gd._fullData.
PLOT_STATE_JS = """(selector) => {
  const gd = (""" + SHOWN_PLOT_JS + """)(selector);
  if (!gd || !gd._fullData) return null;
  const sum = (values) => { let s = 0; for (const v of values) s += Number(v) || 0; return s; };
  const state = {traces: gd._fullData.length, bars: 0, barSum: 0, heatmaps: 0, heatSum: 0, scatterPoints: [],
                 slider: gd.layout.sliders && gd.layout.sliders.length ? gd.layout.sliders[0].active : null};
  for (const trace of gd._fullData) {
    if (trace.type === 'bar' || trace.type === 'histogram') { state.bars++; state.barSum += sum(trace.x); }
    if (trace.type === 'heatmap' && trace.z) {
      state.heatmaps++;
      for (const row of trace.z) state.heatSum += sum(row);
    }
    if (trace.type === 'scatter') state.scatterPoints.push(trace.x ? trace.x.length : 0);
  }
  return state;
}"""
TRACE_Y_JS = """([selector, k]) => {
  const gd = (""" + SHOWN_PLOT_JS + """)(selector);
  return gd && gd._fullData && gd._fullData[k] ? Array.from(gd._fullData[k].y, Number) : null;
}"""


def at_path(path: str) -> re.Pattern:
    """Match a page address ending in ``path``, then maybe a query (the app keeps the session token there: ``?s=…``)."""
    return re.compile(re.escape(path) + r"(\?[^#/]*)?$")


def plot_selector(key: str) -> str:
    """Return the CSS selector of the Plotly graph div drawn by ``st.plotly_chart(..., key=key)``."""
    return f'.st-key-{key.replace(".", "-")} .js-plotly-plot'


@dataclass
class App:
    """One browser page on the LSTM Lens server at ``base`` (no trailing slash)."""

    page: Page
    base: str
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda err: self.problems.append(f"uncaught exception in the page: {err}"))

    def _on_console(self, msg: ConsoleMessage) -> None:
        if msg.type != "error":
            return
        url = msg.location.get("url", "") if msg.location else ""
        if msg.text.startswith("Failed to load resource") and any(rule(url, self.base) for rule in FOREIGN_NOISE):
            return
        self.problems.append(f"console error: {msg.text} (at {url or 'unknown'})")

    # -- waiting -----------------------------------------------------------------------------------

    def idle(self, timeout_ms: int = 60_000) -> None:
        """Wait until the script run that a click or a load started has ended; fail on an exception box."""
        self.page.wait_for_timeout(RUN_PAUSE_MS)
        self.page.locator(IDLE).wait_for(timeout=timeout_ms)
        self.assert_clean()

    def assert_clean(self) -> None:
        """Fail if the page shows a Streamlit exception or the browser logged an error."""
        boxes = self.page.locator(EXCEPTION)
        if boxes.count():
            raise AssertionError(f"Streamlit exception on {self.page.url}:\n{boxes.first.inner_text()}")
        assert not self.problems, "the browser reported problems:\n" + "\n".join(self.problems)

    def goto(self, path: str = "/") -> float:
        """Open ``path`` and wait for its first run to end; return the seconds that took."""
        start = time.perf_counter()
        self.page.goto(self.base + path)
        self.page.locator(IDLE).wait_for(timeout=90_000)
        seconds = time.perf_counter() - start
        self.idle()
        return seconds

    # -- widgets -----------------------------------------------------------------------------------

    def button(self, label: str) -> Locator:
        return self.page.locator('[data-testid="stButton"]').get_by_role("button", name=label, exact=True)

    def click(self, label: str) -> None:
        """Click the button labelled ``label`` and wait for the run it starts."""
        self.button(label).click()
        self.idle()

    def set_number(self, label: str, value: int) -> None:
        """Type ``value`` into the number input labelled ``label`` (Enter commits it)."""
        box = self.page.get_by_role("spinbutton", name=label, exact=True)
        box.fill(str(value))
        box.press("Enter")
        self.idle()
        expect(box).to_have_value(str(value))

    def selectbox(self, label: str) -> Locator:
        return self.page.locator('[data-testid="stSelectbox"]').filter(
            has=self.page.get_by_text(label, exact=True))

    def select(self, label: str, option: str) -> None:
        """Pick ``option`` in the selectbox labelled ``label``."""
        self.selectbox(label).get_by_role("combobox").click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.idle()
        self.expect_selected(label, option)

    def expect_selected(self, label: str, option: str) -> None:
        """Check the selectbox labelled ``label`` shows ``option`` (its value sits in the combobox input)."""
        expect(self.selectbox(label).get_by_role("combobox")).to_have_value(option)

    def upload(self, path: Path) -> None:
        """Put ``path`` into the Data page's uploader through its real ``<input type=file>``."""
        self.page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(path)
        expect(self.page.locator('[data-testid="stFileChipName"]')).to_contain_text(path.name)
        self.idle()

    def nav(self, stem: str) -> None:
        """Follow the sidebar link to the page whose URL path is ``/stem``."""
        self.page.locator(f'[data-testid="stSidebarNav"] a[href$="/{stem}"]').click()
        self.page.wait_for_url(at_path(f"/{stem}"))
        self.idle()

    def alert(self, kind: str, text: str) -> Locator:
        """Return the ``kind`` ("Success", "Error", "Warning", "Info") message box that contains ``text``."""
        return self.page.locator(f'[data-testid="stAlertContent{kind}"]').filter(has_text=text)

    def sidebar(self) -> Locator:
        return self.page.locator(SIDEBAR)

    def main(self) -> Locator:
        """The page's main area (on Train, the live epoch count is there, not in the sidebar)."""
        return self.page.locator('[data-testid="stMain"]')

    # -- plots -------------------------------------------------------------------------------------

    def plot_state(self, key: str) -> dict | None:
        """Return a summary of the Plotly chart drawn with ``key``: trace counts, data sums, slider position."""
        return self.page.evaluate(PLOT_STATE_JS, plot_selector(key))

    def wait_for_plot(self, key: str, test_js: str, timeout_ms: int = 60_000) -> None:
        """Wait until ``test_js`` (an expression of ``s``, :meth:`plot_state`'s result) is true."""
        self.page.wait_for_function(
            f"(selector) => {{ const s = ({PLOT_STATE_JS})(selector); return !!s && ({test_js}); }}",
            arg=plot_selector(key), polling=50, timeout=timeout_ms)

    def trace_y(self, key: str, k: int) -> list[float] | None:
        return self.page.evaluate(TRACE_Y_JS, [plot_selector(key), k])

    def press_play(self, key: str) -> None:
        """Press the ▶ Play button of the Plotly animation drawn with ``key`` (the first of its updatemenu buttons)."""
        play = self.page.locator(plot_selector(key)).locator("g.updatemenu-button").first
        play.scroll_into_view_if_needed()
        expect(play).to_contain_text("Play")
        play.click()

    # -- screenshots -------------------------------------------------------------------------------

    def screenshot(self, path: Path) -> None:
        """Save the whole page, 1400 px wide, as a small PNG (Streamlit scrolls inside the page, so grow the viewport)."""
        self.idle()
        height = self.page.evaluate(
            "() => Math.max(...['stMain', 'stMainBlockContainer', 'stSidebarContent'].map("
            "id => { const el = document.querySelector(`[data-testid=${id}]`); return el ? el.scrollHeight : 0; }))")
        self.page.set_viewport_size({"width": WIDTH, "height": max(HEIGHT, int(height) + 40)})
        try:
            self.page.wait_for_timeout(600)  # let Plotly and the layout settle at the new size
            self.page.locator(IDLE).wait_for()
            path.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=path, full_page=True, animations="disabled", caret="hide")
        finally:
            self.page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
        shrink_png(path)
        self.assert_clean()


def shrink_png(path: Path) -> None:
    """Re-save a screenshot with a 256-colour palette: a quarter of the bytes, no visible loss on flat UI colours."""
    from PIL import Image

    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)
    size = path.stat().st_size
    assert size < MAX_PNG_BYTES, f"{path.name} is {size:,} bytes; screenshots must stay under {MAX_PNG_BYTES:,}"
