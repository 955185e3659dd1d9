"""Drawing faults a student saw in a real browser, checked where they showed: at the pixels and the DOM.

- One cell by hand: no worked line runs off the right edge of a 1024-px projector column.
- A typed hidden size of 0: the box shows what Train will train, with a sentence.
- New data: the Gates page says its pictures are of the previous model.
- A long hourly series: the forecast chart opens on the test part, with the whole series a drag away.
- Chinese mode: the uploader's own texts are Chinese.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from lstm_viz.i18n import TABLES
from tests.browser.helpers import App, plot_selector
from tests.browser.test_journeys import TRAIN_TIMEOUT_MS, start_from_home

pytestmark = pytest.mark.browser

EN = TABLES["en"]
OVERFLOWING_MATH_JS = """() => Array.from(document.querySelectorAll('.katex-display'))
    .filter(el => el.scrollWidth > el.clientWidth + 2).map(el => [el.scrollWidth, el.clientWidth])"""


def train_tiny(app: App, hidden: int = 4, epochs: int = 5) -> None:
    """On the Train page: a tiny model, trained to the end."""
    for label, value in ((EN["page.train.hidden_size"], hidden), (EN["page.train.epochs"], epochs)):
        app.set_number(label, value)
    app.button(EN["page.train.train"]).click()
    units = "unit" if hidden == 1 else "units"  # the sidebar's words agree with their number
    expect(app.sidebar()).to_contain_text(f"Trained: {epochs} epochs, {hidden} {units}", timeout=TRAIN_TIMEOUT_MS)
    app.idle()


def test_one_cell_by_hand_fits_a_projector_column(app):
    app.page.set_viewport_size({"width": 1024, "height": 768})
    app.goto("/")
    start_from_home(app)
    app.button(EN["page.train.train"]).click()  # the quick-start model: 32 units, so z has 33 values
    expect(app.sidebar()).to_contain_text("32 units", timeout=TRAIN_TIMEOUT_MS)
    expect(app.sidebar()).to_contain_text("Trained:", timeout=TRAIN_TIMEOUT_MS)
    app.nav("one_cell")
    expect(app.page.locator(".katex-display").first).to_be_visible()
    assert app.page.locator(".katex-display").count() >= 11
    assert app.page.evaluate(OVERFLOWING_MATH_JS) == []


def test_a_typed_hidden_size_of_0_and_new_data_say_what_they_do(app, tmp_path):
    app.goto("/")
    start_from_home(app)
    box = app.page.get_by_role("spinbutton", name=EN["page.train.hidden_size"], exact=True)
    box.fill("0")
    box.press("Enter")
    app.idle()
    expect(box).to_have_value("1")  # the box shows what Train will use …
    expect(app.alert("Warning", "0 was changed to 1")).to_be_visible()  # … and says so
    train_tiny(app, hidden=1)

    # A year of hours: the Gates page still shows the airline model and must say so.
    hours = pd.date_range("2023-01-01", periods=8760, freq="h")
    t = np.arange(8760)
    load = 50 + 10 * np.sin(2 * np.pi * t / 24) + 20 * np.sin(2 * np.pi * t / 8760)
    path = tmp_path / "hourly_load.csv"
    pd.DataFrame({"time": hours.strftime("%Y-%m-%d %H:%M"), "load": load.round(2)}).to_csv(path, index=False)
    app.nav("data")
    app.upload(path)
    app.nav("gates")
    expect(app.alert("Info", "not load, the data set loaded now")).to_be_visible()

    # Trained on it, the forecast opens on the last day (24 test hours) and the day forecast after it.
    app.nav("train")
    train_tiny(app)
    app.nav("gates")
    expect(app.alert("Info", "data set loaded now")).to_have_count(0)
    app.nav("forecast")
    app.wait_for_plot("forecast.chart", "s.traces >= 3")
    view = app.page.evaluate(
        "(sel) => { const axis = document.querySelector(sel).layout.xaxis; return [axis.range, axis.rangeslider.visible]; }",
        plot_selector("forecast.chart"))
    low, high = (pd.Timestamp(v) for v in view[0])
    assert view[1] is True
    assert pd.Timedelta(days=2) < high - low < pd.Timedelta(days=14)  # not the whole year
    assert high >= hours[-1] and low < hours[-24]
    expect(app.page.get_by_text(re.compile("strip below it shows all 8760 points"))).to_be_visible()


def test_the_uploader_speaks_chinese(app):
    app.goto("/data")
    app.page.get_by_text("简体中文", exact=True).click()
    app.idle()
    texts = app.page.evaluate("""() => {
        const after = (sel) => getComputedStyle(document.querySelector(sel), '::after').content;
        return [after('[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'),
                after('[data-testid="stFileUploaderDropzoneInstructions"] span')];
    }""")
    assert texts == ['"上传"', '"每个文件不超过 20 MB"']
