"""Page messages for stale pictures, a model loaded onto another series, and a hidden size out of range (AppTest)."""
from __future__ import annotations

import json

from streamlit import config as st_config

from lstm_viz import workspace
from lstm_viz.i18n import tr
from tests.app_session import fresh, trained_session

MODEL_PAGES = ("pages/train.py", "pages/gates.py", "pages/forecast.py", "pages/downloads.py", "pages/one_cell.py")


def texts(elements) -> list[str]:
    return [element.value.replace("\\", "") for element in elements]


def test_every_model_page_says_when_its_pictures_are_of_another_data_set():
    at = trained_session()
    stale = tr("faults.stale.data", "en", model_data="Passengers", data="Sunspots")
    for page in MODEL_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert stale not in texts(at.info), page  # up to date: no notice
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data.sample").set_value("sunspots").run()
    at.button(key="data.load_sample").click().run()
    assert at.session_state["ws"].dataset.label == "Sunspots"
    for page in MODEL_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert stale in texts(at.info), page


def test_a_model_loaded_onto_another_series_gets_a_warning_on_the_pages():
    source = workspace.Workspace()
    workspace.load_sample(source, "airline")
    workspace.train_to_end(source, workspace.recommended_config(source.dataset).replace(hidden_size=4, epochs=2))
    model_bytes = workspace.model_file(source.run)

    at = fresh()
    at.switch_page("pages/data.py").run()
    at.selectbox(key="data.sample").set_value("sunspots").run()
    at.button(key="data.load_sample").click().run()
    at.switch_page("pages/downloads.py").run()
    uploader = at.file_uploader(key="downloads.model_upload")
    uploader.set_value(("airline.pt", model_bytes, "application/octet-stream")).run()
    assert not at.exception and at.session_state["ws"].run.loaded
    for page in ("pages/downloads.py", "pages/forecast.py", "pages/gates.py"):
        at.switch_page(page).run()
        warnings = [text for text in texts(at.warning) if "another series" in text]
        assert len(warnings) == 1, page
        assert "“Passengers”" in warnings[0] and "“Sunspots”" in warnings[0] and "monthly" in warnings[0], page


def test_a_model_loaded_onto_its_own_series_gets_no_warning():
    source = workspace.Workspace()
    workspace.load_sample(source, "airline")
    workspace.train_to_end(source, workspace.recommended_config(source.dataset).replace(hidden_size=4, epochs=2))
    at = fresh()
    at.button(key="home.start").click().run()
    at.switch_page("pages/downloads.py").run()
    at.file_uploader(key="downloads.model_upload").set_value(("m.pt", workspace.model_file(source.run), "x")).run()
    assert not at.exception and at.session_state["ws"].run.loaded and at.success
    assert not [text for text in texts(at.warning) if "another series" in text]


def test_a_hidden_size_of_0_is_shown_and_trained_as_1_with_a_sentence():
    at = fresh()
    at.button(key="home.start").click().run()
    box = at.number_input(key="train.hidden_size")
    box.set_value(0).run()
    assert not at.exception
    assert at.number_input(key="train.hidden_size").value == 1  # the box says what Train will use …
    warning = tr("faults.clamped", "en", name=tr("page.train.hidden_size", "en"), low=1, high=512, typed=0, value=1)
    assert warning in texts(at.warning)
    at.number_input(key="train.epochs").set_value(2).run()
    assert warning not in texts(at.warning)  # said once, next to the box
    at.button(key="train.go").click().run()
    assert not at.exception
    assert workspace.live_run(at.session_state["ws"]).cfg.hidden_size == 1  # … and Train trains it
    workspace.stop_run(at.session_state["ws"])


def test_a_typed_value_above_the_limit_comes_back_to_the_limit():
    at = fresh()
    at.button(key="home.start").click().run()
    at.number_input(key="train.epochs").set_value(99999).run()
    assert at.number_input(key="train.epochs").value == 5000
    assert any("99999" in text and "5000" in text for text in texts(at.warning))
    assert isinstance(at.number_input(key="train.hidden_size").value, int)


def test_the_uploaders_speak_chinese_in_chinese_mode():
    at = fresh()
    for page in ("pages/data.py", "pages/downloads.py"):
        at.switch_page(page).run()
        styles = "".join(element.proto.body for element in at.get("html"))
        assert "content:" not in styles, page  # English: Streamlit's own words (the page's layout rules stay)
    at.segmented_control(key="lang").set_value("zh").run()
    for page in ("pages/data.py", "pages/downloads.py"):
        at.switch_page(page).run()
        styles = "".join(element.proto.body for element in at.get("html"))
        button = tr("faults.uploader.button", "zh")
        limit = tr("faults.uploader.limit", "zh", mb=st_config.get_option("server.maxUploadSize"))
        assert f'content: "{button}"' in styles and f'content: "{limit}"' in styles, page


def test_chinese_mode_dates_the_charts_in_chinese():
    at = fresh()
    at.button(key="home.start").click().run()
    at.switch_page("pages/data.py").run()
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert "tickformatstops" not in layout["xaxis"]
    at.segmented_control(key="lang").set_value("zh").run()
    layout = json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]
    assert "%Y年%-m月" in [stop["value"] for stop in layout["xaxis"]["tickformatstops"]]


def test_the_teaching_pages_number_boxes_show_what_they_train():
    at = fresh()
    at.button(key="home.start").click().run()
    for page, key, typed, kept in (("pages/compare.py", "compare.hidden_size", 0, 1),
                                   ("pages/compare.py", "compare.epochs", 9000, 5000),
                                   ("pages/many_to_many.py", "m2m.n_out", 0, 1),
                                   ("pages/many_to_many.py", "m2m.hidden_size", 999, 256)):
        at.switch_page(page).run()
        at.number_input(key=key).set_value(typed).run()
        assert not at.exception, page
        assert at.number_input(key=key).value == kept, key
        assert any(f"{typed} was changed to {kept}" in text for text in texts(at.warning)), key
