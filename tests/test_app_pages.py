"""Every page in a simulated browser session (Streamlit's AppTest): empty, trained, in Chinese, Stop, refusals."""
from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from lstm_viz.i18n import TABLES
from pages.ui.nav import PAGES
from tests.app_session import APP, fresh, tiny_settings, trained_session

PAGE_FILES = [f"pages/{spec.file}" for spec in PAGES]


def specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def text_of(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.title, *at.subheader, *at.info, *at.success)]
    return "\n".join(str(p) for p in parts)


@pytest.fixture(scope="module")
def trained() -> AppTest:
    return trained_session()


def test_every_page_opens_in_a_fresh_session():
    at = fresh()
    assert not at.exception and at.title[0].value == TABLES["en"]["page.home.title"]
    for page in PAGE_FILES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page
    sidebar = "\n".join(c.value for c in at.sidebar.caption)
    assert TABLES["en"]["ws.data.none"] in sidebar and TABLES["en"]["ws.model.none"] in sidebar


def test_the_home_button_loads_the_airline_sample_and_opens_training():
    at = fresh()
    at.button(key="home.start").click().run()
    assert not at.exception
    assert at.session_state["ws"].dataset.name == "airline"
    assert at.title[0].value == TABLES["en"]["page.train.title"]
    assert at.number_input(key="train.hidden_size").value == 32 and at.slider(key="train.window").value == 12


def test_training_then_every_page_renders(trained):
    at = trained
    ws = at.session_state["ws"]
    assert ws.run.status == "done" and ws.run.epochs_done == 4
    loss_chart = specs(at)[0]
    assert len(loss_chart["data"]) >= 2  # training and validation loss
    for page in PAGE_FILES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, page
    sidebar = "\n".join(c.value for c in at.sidebar.caption)
    assert "4 epochs" in sidebar


def test_the_gates_page_animates_through_time_and_through_training(trained):
    at = trained
    at.switch_page("pages/gates.py").run()
    assert not at.exception
    time_fig, training_fig = specs(at)[:2]
    assert len(time_fig["frames"]) == 12  # one per step of the first test window
    assert len(training_fig["frames"]) == len(at.session_state["ws"].run.snapshots) >= 2
    for fig in (time_fig, training_fig):
        assert fig["layout"]["sliders"] and fig["layout"]["updatemenus"]  # play / pause and a slider
    at.segmented_control(key="gates.order").set_value("variance").run()
    at.selectbox(key="gates.segment").set_value("series").run()
    assert not at.exception
    assert len(specs(at)[0]["frames"]) > 12  # the whole series (144 steps) gets more frames


def test_the_forecast_page_shows_scores_and_a_verdict(trained):
    at = trained
    at.switch_page("pages/forecast.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 4 and "RMSE" in table.columns
    verdicts = [*at.success, *at.warning, *at.info]
    assert verdicts
    at.toggle(key="forecast.baselines").set_value(False).run()
    at.segmented_control(key="forecast.mode").set_value("one_step").run()
    assert not at.exception


def test_chinese_renders_every_page(trained):
    at = trained
    at.segmented_control(key="lang").set_value("zh").run()
    assert not at.exception
    for page in PAGE_FILES:
        at.switch_page(page).run()
        assert not at.exception, page
    at.switch_page("pages/downloads.py").run()
    assert TABLES["zh"]["page.downloads.title"] in text_of(at)
    at.segmented_control(key="lang").set_value("en").run()


def test_stop_keeps_the_partial_model():
    at = trained_session()
    first = at.session_state["ws"].run
    at.number_input(key="train.epochs").set_value(5000).run()
    at.button(key="train.go").click().run()
    ws = at.session_state["ws"]
    deadline = time.perf_counter() + 20
    while (ws.candidate is None or ws.candidate.epochs_done < 2) and time.perf_counter() < deadline:
        time.sleep(0.02)
    at.select_slider(key="train.batch_size").set_value(8).run()  # an unrelated widget: the run goes on
    assert ws.training
    at.button(key="train.stop").click().run()
    assert not at.exception and not ws.training
    assert ws.run is not first and ws.run.status == "stopped" and 2 <= ws.run.epochs_done < 5000
    assert any("5000" in s.value for s in at.success)


def test_a_run_over_the_budget_is_refused_and_the_model_stays(trained):
    at = trained
    at.switch_page("pages/train.py").run()
    ws = at.session_state["ws"]
    model = ws.run
    at.number_input(key="train.hidden_size").set_value(512)
    at.number_input(key="train.epochs").set_value(5000)
    at.run()
    at.button(key="train.go").click().run()
    assert not at.exception
    assert at.error and "(60 s)" in at.error[0].value
    assert ws.run is model and not ws.training
    tiny_settings(at)


def test_every_text_key_the_pages_use_exists_in_both_languages():
    import ast
    import re

    pattern = re.compile(r"(?:page|nav|sidebar|ws)\.[a-z0-9_.]*[a-z0-9_]")
    sources = [APP, *sorted((APP.parent / "pages").rglob("*.py")),
               *sorted((APP.parent / "lstm_viz" / "workspace").glob("*.py"))]
    keys = set()
    for path in sources:
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        keys |= {node.value for node in ast.walk(tree)
                 if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                 and pattern.fullmatch(node.value) and not node.value.endswith((".py", ".csv"))}
    keys |= {spec.title for spec in PAGES} | {f"nav.section.{spec.section}" for spec in PAGES}
    assert len(keys) > 150
    missing = {lang: sorted(k for k in keys if k not in TABLES[lang]) for lang in ("en", "zh")}
    assert missing == {"en": [], "zh": []}


def test_an_unexpected_error_shows_words_not_a_traceback(trained, monkeypatch):
    from lstm_viz import workspace

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(workspace, "forecast", broken)
    at = trained
    at.switch_page("pages/forecast.py").run()
    assert not at.exception
    assert at.error and "RuntimeError" in at.error[0].value
    assert at.session_state["ws"].run is not None  # the model is still there
    assert at.sidebar.caption  # and the sidebar was drawn
