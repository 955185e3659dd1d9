"""Through the app (AppTest): a reload gets the work back by the URL's token, other sessions never do, and lesson links.

An AppTest session opened with ``query_params`` is a browser tab opened at that
address: a reload is a new session with the same ``?s=<token>``. (AppTest runs
without a server, so a session cannot tell whether another is still connected;
the "open in another tab" rule is tested in tests/test_store.py and in the browser.)
"""
from __future__ import annotations

from urllib.parse import parse_qs

from streamlit.testing.v1 import AppTest

from lstm_viz import lesson
from lstm_viz import workspace
from lstm_viz.i18n import tr
from lstm_viz.workspace import store
from pages.ui import settings
from tests.app_session import APP, TIMEOUT, fresh, tiny_settings, trained_session, wait_until_trained


def open_at(query: dict, page: str | None = None) -> AppTest:
    """A new session at an address with these query parameters (a reload, or a link opened)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception
    return at


def shown(boxes, text: str) -> bool:
    """True if one of these message boxes contains ``text``."""
    return any(text in box.value for box in boxes)


def token_of(at: AppTest) -> str:
    token = at.query_params[store.TOKEN_PARAM]
    assert store.is_token(token)
    return token


def test_every_session_gets_its_own_token_in_the_url():
    first, second = fresh(), fresh()
    assert token_of(first) != token_of(second)
    assert first.session_state["ws"] is not second.session_state["ws"]


def test_a_reload_brings_back_the_data_the_model_its_history_and_the_settings():
    at = trained_session()
    ws = at.session_state["ws"]
    epochs = ws.run.epochs_done
    again = open_at({store.TOKEN_PARAM: token_of(at)}, "pages/train.py")
    assert again.session_state["ws"] is ws and ws.run.epochs_done == epochs == len(ws.run.history)
    assert token_of(again) == token_of(at)
    assert again.session_state[settings.key("hidden_size")] == 4  # tiny_settings, not the default 32
    assert again.session_state[settings.key("window")] == ws.cfg.window
    assert not shown(again.info, "no longer") and not shown(again.warning, "another tab")
    key, params = workspace.model_summary(ws)
    model_line = tr(key, "en", **params)
    assert "**" not in model_line and any(c.value.replace("\\", "") == model_line for c in again.sidebar.caption)


def test_a_reload_keeps_the_language():
    at = fresh()
    at.segmented_control(key="lang").set_value("zh").run()
    again = open_at({store.TOKEN_PARAM: token_of(at)})
    assert again.session_state["lang"] == "zh"
    assert any(block.value == tr("page.home.tagline", "zh") for block in again.markdown)


def test_a_run_in_flight_at_reload_goes_on_for_the_page_that_came_back():
    at = fresh()
    at.button(key="home.start").click().run()
    tiny_settings(at, epochs=300)
    at.button(key="train.go").click().run()
    ws = at.session_state["ws"]
    assert ws.training
    run = ws.candidate  # before the reload: a quick run may end while the page comes back
    again = open_at({store.TOKEN_PARAM: token_of(at)}, "pages/train.py")
    assert again.session_state["ws"] is ws
    wait_until_trained(again, seconds=120)
    assert ws.run is run and run.epochs_done == 300


def test_another_or_a_forged_token_never_opens_someone_elses_work():
    owner = trained_session()
    ws, token = owner.session_state["ws"], token_of(owner)
    forged = store.secrets.token_urlsafe(store.TOKEN_BYTES)
    for attempt in (forged, token[:-1], token.upper(), token + "0", "../" + token):
        other = open_at({store.TOKEN_PARAM: attempt})
        assert other.session_state["ws"] is not ws and other.session_state["ws"].dataset is None
        assert token_of(other) not in (token, attempt)
        assert shown(other.info, "no longer on the server"), attempt
    nobody = open_at({})
    assert nobody.session_state["ws"] is not ws and not shown(nobody.info, "no longer")


TEACHER = {"sample": "sunspots", "test_size": "30", "horizon": "7", "hidden_size": "8", "num_layers": "2",
           "dropout": "0.15", "window": "15", "epochs": "40", "lr": "0.005", "batch_size": "16", "seed": "7"}


def test_a_lesson_link_opens_the_stated_setup_ready_to_train():
    at = open_at({lesson.LESSON_PARAM: lesson.VERSION, **TEACHER}, "pages/train.py")
    ws = at.session_state["ws"]
    assert (ws.dataset.name, ws.dataset.test_size, ws.dataset.horizon) == ("sunspots", 30, 7)
    expected = {"hidden_size": 8, "num_layers": 2, "dropout": 0.15, "window": 15, "epochs": 40, "lr": 0.005,
                "batch_size": 16, "seed": 7}
    assert {name: at.session_state[settings.key(name)] for name in expected} == expected
    assert not at.warning
    assert set(at.query_params) == {store.TOKEN_PARAM}  # a reload now keeps the student's own work
    at.button(key="train.go").click().run()
    wait_until_trained(at, seconds=120)
    assert ws.run.cfg.replace(max_snapshots=0) == ws.cfg.replace(**expected, max_snapshots=0)


def test_a_tampered_lesson_link_falls_back_with_a_message():
    at = open_at({lesson.LESSON_PARAM: lesson.VERSION, **TEACHER, "hidden_size": "100000", "lr": "0.003"})
    texts = [box.value for box in at.warning]  # (Markdown in the values is escaped)
    assert any("hidden\\_size" in text and "100000" in text for text in texts)
    assert any("lr" in text and "0\\.003" in text for text in texts)
    at.switch_page("pages/train.py").run()
    assert not at.exception
    assert at.session_state[settings.key("hidden_size")] == 32 and at.session_state[settings.key("lr")] == 0.01
    assert at.session_state[settings.key("epochs")] == 40  # the fields that were fine are kept


def test_a_lesson_link_with_someones_token_opens_a_fresh_workspace():
    owner = trained_session()
    at = open_at({lesson.LESSON_PARAM: lesson.VERSION, **TEACHER, store.TOKEN_PARAM: token_of(owner)})
    assert at.session_state["ws"] is not owner.session_state["ws"] and at.session_state["ws"].run is None
    assert token_of(at) != token_of(owner) and set(at.query_params) == {store.TOKEN_PARAM}


def test_home_shows_the_teacher_the_link_of_the_current_setup_and_it_opens_that_setup():
    teacher = trained_session()  # airline, hidden 4, 4 epochs
    teacher.switch_page("pages/home.py").run()
    links = [block.value for block in teacher.code if "lesson=" in block.value]
    assert len(links) == 1 and links[0].startswith("train?")
    query = {name: values[-1] for name, values in parse_qs(links[0].split("?", 1)[1]).items()}
    assert store.TOKEN_PARAM not in query and query["hidden_size"] == "4" and query["epochs"] == "4"
    student = open_at(query, "pages/train.py")
    ws = student.session_state["ws"]
    assert ws is not teacher.session_state["ws"] and ws.dataset.name == "airline"
    assert student.session_state[settings.key("hidden_size")] == 4
