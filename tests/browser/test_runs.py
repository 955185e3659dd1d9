"""Runs side by side in a real browser: two tiny runs, their loss curves overlaid, at 1400×900 and on a phone."""
from __future__ import annotations

import io
import time

import numpy as np
import pytest
from playwright.sync_api import expect

from lstm_viz.figures.runs import run_colour
from lstm_viz.i18n import TABLES
from tests.browser.helpers import App, plot_selector
from tests.browser.pixels import assert_heatmaps_drawn, hex_rgb
from tests.browser.test_journeys import start_from_home, watch_off

pytestmark = pytest.mark.browser

EN = TABLES["en"]
EPOCHS = 3
TRAIN_TIMEOUT_MS = 120_000
PHONE = {"width": 390, "height": 844}


def train_tiny(app: App, hidden: int, epochs: bool = True) -> None:
    """On the Train page: ``hidden`` units, a few epochs, Train; wait until the sidebar says it is trained."""
    app.set_number("Hidden size (units)", hidden)
    if epochs:
        app.set_number("Epochs", EPOCHS)
    app.button("Train").click()
    expect(app.sidebar()).to_contain_text(f"Trained: {EPOCHS} epochs, {hidden} units", timeout=TRAIN_TIMEOUT_MS)
    app.idle()


def run_colour_pixels(app: App, key: str) -> dict[str, int]:
    """Screenshot the chart drawn with ``key``; count the pixels near each of the first two runs' colours."""
    png = app.page.locator(plot_selector(key)).first.screenshot(animations="disabled")
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), np.int16).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 20, f"{key}: the chart is blank or one flat colour"
    return {colour: int((np.abs(pixels - hex_rgb(colour)).max(axis=1) <= 24).sum())
            for colour in (run_colour(0), run_colour(1))}


def test_two_runs_side_by_side_on_a_laptop_and_a_phone(app, tmp_path, timings):
    shots = tmp_path  # looked at by hand; the README's screenshots are test_screens.py's
    began = time.perf_counter()
    app.goto("/")
    start_from_home(app)
    watch_off(app)
    train_tiny(app, 4)
    train_tiny(app, 8, epochs=False)
    timings["Runs journey: home → two tiny runs trained"] = time.perf_counter() - began
    app.nav("runs")
    expect(app.page.locator("h1").first).to_have_text(EN["page.runs.title"])
    app.wait_for_plot("runs.loss_chart", f"s.scatterPoints.length === 4 && s.scatterPoints.every(n => n === {EPOCHS})")
    counts = run_colour_pixels(app, "runs.loss_chart")
    assert all(n > 50 for n in counts.values()), f"both runs' curves should be drawn in their colours: {counts}"
    app.page.screenshot(path=shots / "runs_1400.png", full_page=False, animations="disabled")

    app.page.set_viewport_size(PHONE)
    app.page.wait_for_timeout(300)  # the layout reflows; the chart redraws at its new width
    app.page.locator(plot_selector("runs.forecast_chart")).first.scroll_into_view_if_needed()
    counts = run_colour_pixels(app, "runs.forecast_chart")
    assert all(n > 20 for n in counts.values()), f"both runs' forecasts should be drawn on a phone: {counts}"
    width = app.page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
    assert width <= PHONE["width"], f"the Runs page is {width} px wide on a {PHONE['width']} px phone"
    app.page.screenshot(path=shots / "runs_390.png", full_page=False, animations="disabled")

    app.page.set_viewport_size({"width": 1400, "height": 900})
    app.nav("gates")
    # The heatmaps above it first: while they are drawn the page grows, and a click could land beside the box.
    app.wait_for_plot("gates.time_chart", "s.heatmaps >= 6 && s.heatSum !== 0")
    app.selectbox(EN["history.gates.compare"]).scroll_into_view_if_needed()
    app.select(EN["history.gates.compare"], "Run 1 · LSTM 4 units")
    for key, units in (("gates.compare_this", 8), ("gates.compare_other", 4)):
        app.page.locator(plot_selector(key)).first.scroll_into_view_if_needed()
        assert_heatmaps_drawn(app.page, plot_selector(key), 6, f"compare heatmaps ({key}, {units} units)")
    app.page.screenshot(path=shots / "gates_compare_1400.png", full_page=False, animations="disabled")
    timings["Runs journey: the whole of it"] = time.perf_counter() - began
