"""A student brings an Excel workbook and a year × month table, in a real browser, and trains on each.

The files go through the real ``<input type=file>``; the sheet picker and the
"one monthly series / columns" toggle are used as a student would; each data set
trains a small model to the end, and the Data page's sparklines and preview are
checked in Plotly's own data (and saved as a screenshot to look at).
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from lstm_viz.i18n import TABLES
from tests.browser.helpers import App
from tests.browser.test_journeys import train
from tests.workbooks import monthly_sales, xlsx, year_month_table

pytestmark = pytest.mark.browser

EN = TABLES["en"]
def write_workbook(path) -> None:
    """Two sheets: "first" 36 months of sales; "second" 60 days of weather, three numeric columns."""
    weather = [["date", "rain", "temp", "wind"]]
    rng = np.random.default_rng(0)
    for k in range(60):
        weather.append([pd.Timestamp(2023, 3, 1) + pd.Timedelta(days=k), float(max(0.0, rng.normal(-1, 2))),
                        12 + 6 * np.sin(k / 9) + rng.normal(0, 0.5), 3 + rng.random()])
    path.write_bytes(xlsx({"first": monthly_sales(), "second": weather}))


def write_year_month(path) -> None:
    path.write_bytes(year_month_table())


def test_an_xlsx_and_a_year_by_month_table_each_train(app: App, tmp_path):
    workbook, table = tmp_path / "shop.xlsx", tmp_path / "bureau.csv"
    write_workbook(workbook)
    write_year_month(table)
    app.goto("/data")

    app.upload(workbook)
    expect(app.alert("Success", "36 points")).to_be_visible()
    app.select(EN["readers.sheet"], "second")
    expect(app.alert("Success", "60 points")).to_be_visible()
    app.expect_selected("Value to forecast", "temp")  # not the mostly-dry rain column
    app.wait_for_plot("data.sparklines", "s.traces === 3 && s.scatterPoints.every(n => n === 60)")
    app.wait_for_plot("data.preview", "s.scatterPoints[0] === 60")
    app.screenshot(tmp_path / "readers_workbook_data.png")  # to look at: sparklines above the preview
    app.nav("train")
    train(app, epochs=5)
    expect(app.sidebar()).to_contain_text("on temp")

    app.nav("data")
    app.upload(table)
    expect(app.alert("Success", "120 points")).to_be_visible()
    toggle = app.page.locator('[data-testid="stRadio"]').filter(has_text=EN["readers.shape.series.month"])
    expect(toggle).to_be_visible()
    app.wait_for_plot("data.preview", "s.scatterPoints[0] === 120")
    values = app.trace_y("data.preview", 0)
    assert values[:3] == pytest.approx([100.0, 110.0, 117.3], abs=0.05)  # January, February, March of 2001
    toggle.get_by_text(EN["readers.shape.columns"].replace("{period}", "month")).click()
    app.idle()
    app.wait_for_plot("data.preview", "s.scatterPoints[0] === 10")
    toggle.get_by_text(EN["readers.shape.series.month"]).click()
    app.idle()
    app.wait_for_plot("data.preview", "s.scatterPoints[0] === 120")
    app.screenshot(tmp_path / "readers_year_month_data.png")
    app.nav("train")
    train(app, epochs=5)
    expect(app.sidebar()).to_contain_text("120 points")


def test_the_year_by_month_choice_reads_in_chinese_on_a_phone(app: App, tmp_path):
    table = tmp_path / "年鉴.csv"
    write_year_month(table)
    app.goto("/data")
    app.upload(table)
    app.sidebar().get_by_text("简体中文", exact=True).click()
    app.idle()
    ZH = TABLES["zh"]
    toggle = app.page.locator('[data-testid="stRadio"]').filter(has_text=ZH["readers.shape.series.month"])
    expect(toggle).to_be_visible()
    expect(toggle).to_contain_text(ZH["readers.shape.columns"].replace("{period}", ZH["readers.period.month"]))
    # The choice survives the language switch: "one monthly series" is still the one ticked.
    expect(toggle.get_by_role("radio", name=ZH["readers.shape.series.month"])).to_be_checked()
    app.page.set_viewport_size({"width": 390, "height": 844})
    app.idle()
    toggle.scroll_into_view_if_needed()
    shot = tmp_path / "readers_zh_phone.png"
    app.page.screenshot(path=shot, animations="disabled", caret="hide")
    from PIL import Image

    with Image.open(shot) as img:
        pixels = np.asarray(img.convert("L"), dtype=float)
    assert pixels.std() > 10, "the phone screenshot is not blank"
