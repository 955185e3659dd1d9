"""The unit explorer in a real browser: a lesson link, Train, open Units, pick a unit and a time range, see the alike
ranges shaded.

What AppTest cannot see: that plotly.js really draws one shape per shaded range and row (the ``path``s of the
chart's shape layers), that the shading is on screen in its colours, and that the page holds on a phone.
"""
from __future__ import annotations

import io
import re
import time
from urllib.parse import urlencode

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from lstm_viz import lesson
from lstm_viz.figures.units import MATCH_FILL, QUERY_FILL
from lstm_viz.i18n import TABLES
from tests.browser.helpers import App, plot_selector
from tests.browser.test_journeys import watch_off

pytestmark = pytest.mark.browser

EN = TABLES["en"]
HIDDEN, EPOCHS = 6, 5
CHART = "units.lines_chart"
ROWS = 3  # the series, h, c
# Shapes as plotly.js drew them: every <path> in the chart's shape layers, beside the figure's own list.
SHAPES_JS = """(selector) => {
  const gd = document.querySelector(selector);
  if (!gd || !gd._fullLayout) return null;
  return {drawn: gd.querySelectorAll('g.shapelayer path').length,
          rects: gd._fullLayout.shapes.filter((s) => s.type === 'rect').length,
          shapes: gd._fullLayout.shapes.length,
          units: gd._fullData.filter((t) => t.showlegend).map((t) => t.name)};
}"""


def over_white(rgba: str) -> np.ndarray:
    """Return the colour a translucent ``rgba(r, g, b, a)`` fill shows on the white plot."""
    *rgb, alpha = (float(v) for v in re.findall(r"[\d.]+", rgba))
    return np.array(rgb) * alpha + 255.0 * (1.0 - alpha)


def share_near(pixels: np.ndarray, colour: np.ndarray, tolerance: float = 10.0) -> float:
    return float(np.mean(np.abs(pixels - colour).max(axis=-1) <= tolerance))


def test_pick_a_unit_and_a_range_and_see_the_alike_ranges(app: App, tmp_path, timings):
    start = time.perf_counter()
    # As a class would start: the teacher's lesson link (the airline sample, a tiny model), then Train.
    app.goto(f"/train?{urlencode(lesson.to_query({'sample': 'airline', 'hidden_size': HIDDEN, 'epochs': EPOCHS}))}")
    expect(app.alert("Success", "Your teacher's lesson is ready")).to_be_visible()
    expect(app.page.get_by_role("spinbutton", name="Hidden size (units)", exact=True)).to_have_value(str(HIDDEN))
    watch_off(app)
    app.button("Train").click()
    expect(app.sidebar()).to_contain_text(f"Trained: {EPOCHS} epochs, {HIDDEN} units", timeout=120_000)
    app.idle()

    app.nav("units")
    expect(app.page.locator("h1").first).to_have_text(EN["page.units.title"])
    app.wait_for_plot(CHART, "s.traces >= 1")

    # One unit: clear the pick (it starts with the two best-ranked units), then take the first unit offered.
    picker = app.page.locator('[data-testid="stMultiSelect"]')
    picker.get_by_role("button", name="Clear all").click()
    app.idle()
    expect(app.main().get_by_text(EN["page.units.pick_some"])).to_be_visible()
    picker.get_by_role("combobox").click()
    option = app.page.get_by_role("option", name=re.compile(r"^unit \d+$")).first
    chosen = option.inner_text().strip()
    option.click()
    app.page.keyboard.press("Escape")
    app.idle()

    # A longer time range: drag the range slider's start handle about 12 steps back, in one move (one rerun).
    handle = app.page.get_by_role("slider", name=re.compile("Time range to search from . start"))
    end_handle = app.page.get_by_role("slider", name=re.compile("Time range to search from . end"))
    # The start handle's max is where the end handle is; the end handle's max is the last step.
    first, last = int(handle.input_value()), int(end_handle.get_attribute("max"))
    app.page.locator('[data-testid="stSlider"]').first.scroll_into_view_if_needed()  # the mouse acts in view only
    thumb = handle.locator("xpath=../..").bounding_box()
    track = app.page.locator('[data-testid="stSlider"]').first.get_by_role("group").bounding_box()
    app.page.mouse.move(thumb["x"] + thumb["width"] / 2, thumb["y"] + thumb["height"] / 2)
    app.page.mouse.down()
    app.page.mouse.move(track["x"] + track["width"] * (first - 12) / last, thumb["y"] + thumb["height"] / 2, steps=8)
    app.page.mouse.up()
    app.idle()
    expect(handle).not_to_have_value(str(first))
    first = int(handle.input_value())
    end = int(end_handle.input_value())
    length = end + 1 - first
    assert 18 <= length <= 30, (first, end)  # about 12 steps longer than the 12 it started with

    # The loosest "alike" the page allows: this journey is about drawing the matches (the engine's tests find them).
    tolerance = app.page.get_by_role("slider", name=EN["page.units.tolerance"])
    tolerance.focus()
    tolerance.press("End")
    expect(tolerance).to_have_value("1")
    app.idle()

    app.wait_for_plot(CHART, f"s.traces === {1 + 2}")  # the series, then the unit's h and c
    shapes = app.page.evaluate(SHAPES_JS, plot_selector(CHART))
    assert shapes["units"] == [chosen], shapes
    matches = shapes["rects"] // ROWS - 1
    assert shapes["rects"] == ROWS * (matches + 1) and matches >= 1, shapes
    assert shapes["drawn"] == shapes["shapes"], shapes  # every shape of the figure has its path on screen
    said = app.main().get_by_text(re.compile(rf"other ranges? of {length} steps look alike for"))
    expect(said).to_contain_text(f"{matches} other range")
    timings["Units: Home → trained → a unit and a range searched"] = time.perf_counter() - start

    # On screen: the chart is not blank, and both the chosen range and its matches are shaded in their colours.
    chart = app.page.locator(plot_selector(CHART))
    chart.scroll_into_view_if_needed()
    pixels = np.asarray(Image.open(io.BytesIO(chart.screenshot(animations="disabled"))).convert("RGB"), float)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50
    assert share_near(pixels, over_white(MATCH_FILL)) > 0.01
    assert share_near(pixels, over_white(QUERY_FILL)) > 0.005

    # The phone: the same page at 390 × 844, looked at by a person (saved beside the test's other files).
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.page.wait_for_timeout(600)
    chart.scroll_into_view_if_needed()
    phone = tmp_path / "units-phone.png"
    app.page.screenshot(path=phone, animations="disabled")
    shot = np.asarray(Image.open(phone).convert("RGB"), float)
    assert shot.shape[1] == 390 and len(np.unique(shot.reshape(-1, 3), axis=0)) > 50
    print(f"phone screenshot: {phone}")
    app.assert_clean()
