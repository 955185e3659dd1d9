"""The Data page with a workbook and a year × month table (AppTest): pick a sheet, flip the layout, train on each."""
from __future__ import annotations


import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from lstm_viz.i18n import tr
from tests.app_session import fresh, tiny_settings, wait_until_trained
from tests.workbooks import MONTHS, monthly_sales, xlsx, year_month_table

def two_sheet_workbook() -> bytes:
    """Sheet "first": 36 months of sales; sheet "second": 60 months of costs, dates as Excel serials."""
    costs = [["date", "costs"]]
    for k in range(60):  # the first of each month, as Excel stores dates: days since 1899-12-30
        day = pd.Timestamp(2015, 1, 1) + pd.DateOffset(months=k)
        costs.append([(day - pd.Timestamp(1899, 12, 30)).days, 50 + 8 * np.cos(k / 2) + 0.5 * k])
    return xlsx({"first": monthly_sales(), "second": costs})


def data_page() -> AppTest:
    at = fresh()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="data.upload").set_value((name, data, "application/octet-stream")).run()


def train_tiny(at: AppTest) -> None:
    at.switch_page("pages/train.py").run()
    assert not at.exception
    tiny_settings(at)
    at.button(key="train.go").click().run()
    wait_until_trained(at)
    assert not at.exception, [e.value for e in at.exception]
    run = at.session_state["ws"].run
    assert run is not None and run.epochs_done == 4 and np.isfinite(run.last.train_loss)


def test_an_xlsx_upload_offers_its_sheets_and_trains_on_the_second():
    at = data_page()
    upload(at, "shop.xlsx", two_sheet_workbook())
    assert not at.exception and not at.error, [e.value for e in at.error]
    ws = at.session_state["ws"]
    assert ws.dataset.target == "sales" and ws.dataset.n_points == 36
    picker = at.selectbox(key="data.sheet")
    assert picker.options == ["first", "second"] and picker.value == "first"
    picker.set_value("second").run()
    assert not at.exception and not at.error
    assert ws.dataset.target == "costs" and ws.dataset.n_points == 60 and ws.dataset.series.freq == "MS"
    assert ws.dataset.time_column == "date"  # the Excel serial numbers were read as dates
    report = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert any(tr("readers.note.serial_dates", "en", column="date") in line for line in report)
    train_tiny(at)
    assert at.session_state["ws"].run.dataset.target == "costs"


def test_a_year_by_month_table_reads_as_one_series_both_ways_and_trains():
    at = data_page()
    upload(at, "bureau.csv", year_month_table())
    assert not at.exception and not at.error, [e.value for e in at.error]
    ws = at.session_state["ws"]
    assert ws.dataset.n_points == 120 and ws.dataset.series.freq == "MS"
    toggle = at.radio(key="data.shape")
    assert toggle.value == "series"
    toggle.set_value("columns").run()
    assert not at.exception and ws.dataset.n_points == 10 and ws.dataset.target in MONTHS
    very_short = tr("readers.short", "en", n=10, need=0).split("(")[0]
    assert any(w.value.startswith(very_short) for w in at.warning), "ten yearly points are flagged as very short"
    at.radio(key="data.shape").set_value("series").run()
    assert not at.exception and ws.dataset.n_points == 120
    train_tiny(at)
    assert at.session_state["ws"].run.dataset.n_points == 120


def test_the_seattle_columns_are_drawn_as_sparklines():
    at = data_page()
    at.selectbox(key="data.sample").set_value("seattle").run()
    at.button(key="data.load_sample").click().run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) >= 2  # the sparklines and the preview
