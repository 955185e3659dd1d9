"""The Data and Downloads pages through their uploaders (AppTest): good files load, bad ones are refused in words."""
from __future__ import annotations

import time

from streamlit.testing.v1 import AppTest

from lstm_viz import workspace
from lstm_viz.i18n import TABLES, tr
from lstm_viz.samples import sample_bytes
from tests.app_session import fresh


def shown(text: str) -> str:
    """Return Markdown text as the reader sees it (user text in messages is escaped)."""
    return text.replace("\\", "")


def data_page() -> AppTest:
    at = fresh()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes, key: str = "data.upload") -> AppTest:
    return at.file_uploader(key=key).set_value((name, data, "text/csv")).run()


def test_a_sample_loads_from_the_picker():
    at = data_page()
    at.selectbox(key="data.sample").set_value("sunspots").run()
    at.button(key="data.load_sample").click().run()
    assert not at.exception and not at.error
    ws = at.session_state["ws"]
    assert ws.dataset.name == "sunspots" and ws.dataset.test_size == 22
    assert any("309" in s.value for s in at.success)
    assert at.get("plotly_chart")  # the preview


def test_a_good_upload_loads_and_a_bad_one_keeps_it():
    at = data_page()
    good = "\n".join(["month,sales"] + [f"2019-{m:02d},{100 + 5 * m + (m % 3)}" for m in range(1, 13)]
                     + [f"2020-{m:02d},{160 + 5 * m + (m % 3)}" for m in range(1, 13)]).encode()
    upload(at, "sales.csv", good)
    assert not at.exception and not at.error
    ws = at.session_state["ws"]
    assert ws.dataset.name == "sales.csv" and ws.dataset.n_points == 24
    assert at.selectbox(key="data.target").value == "sales"
    assert any("sales: 24 points" in shown(c.value) for c in at.sidebar.caption)  # in the same render

    upload(at, "broken.csv", b"\x00\x01\x02\x03 not text at all \xff\xfe")
    assert not at.exception
    assert at.error and "broken.csv" in shown(at.error[0].value)
    assert ws.dataset.name == "sales.csv"  # the previous data set stays
    kept = TABLES["en"]["page.data.kept"].split("“")[0]
    assert any(kept in shown(c.value) and "“sales”" in shown(c.value) for c in at.caption)

    upload(at, "words.csv", b"name,colour\nann,red\nbob,blue\n")
    assert at.error and ws.dataset.name == "sales.csv"


def test_a_long_format_upload_offers_its_series():
    at = data_page()
    upload(at, "stocks_long.csv", sample_bytes("stocks_long"))
    assert not at.exception and not at.error
    assert at.selectbox(key="data.series_column").value == "symbol"
    names = at.selectbox(key="data.series_name").options
    assert len(names) == 6
    at.selectbox(key="data.series_name").set_value(names[2]).run()
    assert not at.exception
    assert at.session_state["ws"].dataset.series_name == names[2]


def test_the_test_size_and_horizon_change_the_data_set():
    at = data_page()
    at.button(key="data.load_sample").click().run()
    ws = at.session_state["ws"]
    at.number_input(key="data.test_size").set_value(30).run()
    assert ws.dataset.test_size == 30 and not at.error
    at.number_input(key="data.horizon").set_value(24).run()
    assert ws.dataset.horizon == 24


def test_a_model_file_loads_back_and_a_bad_one_is_refused():
    source = workspace.Workspace()
    workspace.load_sample(source, "airline")
    workspace.train_to_end(source, workspace.recommended_config(source.dataset).replace(hidden_size=4, epochs=2))
    model_bytes = workspace.model_file(source.run)

    at = fresh()
    at.button(key="home.start").click().run()
    at.switch_page("pages/downloads.py").run()
    assert not at.exception
    upload(at, "model.pt", b"definitely not a torch file", key="downloads.model_upload")
    assert not at.exception and at.error
    assert at.session_state["ws"].run is None

    upload(at, "model.pt", model_bytes, key="downloads.model_upload")
    assert not at.exception and not at.error
    ws = at.session_state["ws"]
    assert ws.run is not None and ws.run.loaded and ws.run.cfg.hidden_size == 4
    assert len(at.get("download_button")) == 6
    for page in ("pages/gates.py", "pages/forecast.py", "pages/train.py"):
        at.switch_page(page).run()
        assert not at.exception, page


def test_downloads_produce_files():
    ws = workspace.Workspace()
    workspace.load_sample(ws, "airline")
    workspace.train_to_end(ws, workspace.recommended_config(ws.dataset).replace(hidden_size=4, epochs=2))
    started = time.perf_counter()
    view = workspace.gate_trace(ws, "series")
    from lstm_viz import export

    assert export.trace_long_csv(view.trace, view.axis).startswith(b"layer,")
    assert export.trace_npz(view.trace, view.axis)[:2] == b"PK"
    assert time.perf_counter() - started < 10


def test_a_workbook_gets_advice_in_words_not_an_exception():
    at = data_page()
    at.button(key="data.load_sample").click().run()
    upload(at, "sales.xlsx", b"PK\x03\x04" + b"\x00" * 200 + b"xl/workbook.xml" + b"\x00" * 200)
    assert not at.exception
    assert at.error and "Save As" in shown(at.error[0].value)
    assert at.session_state["ws"].dataset.name == "airline"


def test_the_report_says_each_repair_once():
    at = data_page()
    days = [f"2021-01-{d:02d}" for d in range(1, 29)]
    rows = [f"{day},{10 + k % 7}" for k, day in enumerate(days)]
    rows.insert(5, f"{days[4]},99")  # 5 January twice
    rows.insert(12, "2021-01-12,")  # 12 January twice, once without a value
    rows[20] = rows[20].split(",")[0] + ",n/a"  # a missing value inside the series
    upload(at, "messy.csv", ("day,visits\n" + "\n".join(rows)).encode())
    assert not at.exception and not at.error
    report = [m.value[2:] for m in at.markdown if m.value.startswith("- ")]
    # Once each: the page used to add its own "rows repeated a time stamp" line to the reader's note.
    assert report == [tr("data.note.duplicates", "en", n=2), tr("data.note.missing_filled", "en", n=1),
                      tr("page.data.fact.season", "en", season=7)]
