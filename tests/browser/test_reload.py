"""A reload in a real browser: the work comes back by the URL's token; a second tab never shares it; lesson links.

Against the real server (conftest's ``server``), where a session can tell
whether another one is still connected, which AppTest cannot.
"""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from lstm_viz import lesson
from lstm_viz.i18n import TABLES
from lstm_viz.workspace import store
from tests.browser.helpers import App
from tests.browser.test_journeys import HIDDEN, TRAIN_TIMEOUT_MS, press_train_from_home, start_from_home, train

pytestmark = pytest.mark.browser

EN = TABLES["en"]
TRAINED = re.compile(r"Trained: (\d+) epochs, (\d+) units")


def token_in(app: App) -> str:
    """The session token in the page's address (the app puts it there on every run)."""
    expect(app.page).to_have_url(re.compile(rf"[?&]{store.TOKEN_PARAM}="))
    token = parse_qs(urlsplit(app.page.url).query)[store.TOKEN_PARAM][-1]
    assert store.is_token(token)
    return token


def reload(app: App, timings: dict, name: str) -> None:
    start = time.perf_counter()
    app.page.reload()
    app.idle(timeout_ms=90_000)
    timings[name] = time.perf_counter() - start


def test_a_reload_keeps_the_data_the_model_and_the_settings(app, timings):
    app.goto("/")
    start_from_home(app)
    train(app, epochs=5)
    token = token_in(app)
    expect(app.sidebar()).to_contain_text(f"Trained: 5 epochs, {HIDDEN} units")

    reload(app, timings, "reload of a trained session → page idle")
    assert token_in(app) == token
    expect(app.sidebar()).to_contain_text(f"Trained: 5 epochs, {HIDDEN} units")
    expect(app.sidebar()).to_contain_text("Passengers")
    app.wait_for_plot("train.loss_chart", "s.scatterPoints[0] === 5")  # the history came back, drawn
    expect(app.page.get_by_role("spinbutton", name="Hidden size (units)", exact=True)).to_have_value(str(HIDDEN))
    expect(app.alert("Warning", "another tab")).to_have_count(0)

    app.nav("gates")  # the other pages see the same model, and the token stays in the address
    expect(app.sidebar()).to_contain_text(f"Trained: 5 epochs, {HIDDEN} units")
    assert token_in(app) == token


def test_a_run_in_flight_at_reload_goes_on_for_the_page_that_came_back(app, timings):
    requested = 3000
    press_train_from_home(app, requested)
    running = re.compile(rf"Training: epoch (\d+) of {requested}")
    # The Train page follows the run itself (the sidebar there says so): read the epoch from the main area.
    expect(app.main()).to_contain_text(running, timeout=TRAIN_TIMEOUT_MS)
    before = int(running.search(app.main().inner_text()).group(1))

    start = time.perf_counter()
    app.page.reload()
    # The same run, further along: not a new run, and not the one abandoned when the old page went away.
    expect(app.main()).to_contain_text(running, timeout=TRAIN_TIMEOUT_MS)
    timings["reload during a run → the run shown training again"] = time.perf_counter() - start
    app.idle(timeout_ms=90_000)
    app.page.wait_for_function(
        "([selector, before]) => {"
        " const m = document.querySelector(selector).innerText.match(/Training: epoch (\\d+)/);"
        " return m && Number(m[1]) > before; }", arg=['[data-testid="stMain"]', before], polling=200,
        timeout=TRAIN_TIMEOUT_MS)
    expect(app.alert("Error", "was away")).to_have_count(0)
    app.button("Stop").click()
    stopped = re.compile(rf"Stopped after (\d+) of {requested} epochs: {HIDDEN} units")
    expect(app.sidebar()).to_contain_text(stopped, timeout=30_000)
    app.idle()
    assert int(stopped.search(app.sidebar().inner_text()).group(1)) > before


def test_the_address_open_in_a_second_browser_gets_a_fresh_workspace_until_the_first_closes(new_app):
    first = new_app()
    first.goto("/")
    start_from_home(first)
    train(first, epochs=3)
    address = first.page.url
    token = token_in(first)

    second = new_app()  # another browser (context): the address pasted while the first page is open
    second.page.goto(address)
    second.idle(timeout_ms=90_000)
    expect(second.alert("Warning", "open in another tab or browser")).to_be_visible()
    expect(second.sidebar()).not_to_contain_text("Trained:")
    assert token_in(second) != token

    first.page.context.close()  # the first page has gone: now the address is its owner's work again
    third = new_app()
    third.page.goto(address)
    third.idle(timeout_ms=90_000)
    expect(third.sidebar()).to_contain_text(f"Trained: 3 epochs, {HIDDEN} units")
    assert token_in(third) == token
    second.assert_clean()
    third.assert_clean()


def test_a_lesson_link_opens_the_setup_ready_to_train_and_a_reload_keeps_the_students_work(app, timings):
    setup = {"sample": "sunspots", "test_size": 30, "hidden_size": 8, "window": 15, "epochs": 6, "lr": 0.005,
             "batch_size": 16}
    start = time.perf_counter()
    app.goto(f"/train?{urlencode(lesson.to_query(setup))}")
    timings["lesson link opened → Train page idle"] = time.perf_counter() - start
    expect(app.alert("Success", "Your teacher's lesson is ready")).to_be_visible()
    expect(app.page.get_by_role("spinbutton", name="Hidden size (units)", exact=True)).to_have_value("8")
    expect(app.page.get_by_role("spinbutton", name="Epochs", exact=True)).to_have_value("6")
    expect(app.page.locator("h1").first).to_have_text(EN["page.train.title"])
    token = token_in(app)
    assert set(parse_qs(urlsplit(app.page.url).query)) == {store.TOKEN_PARAM}  # the lesson left the address

    app.button("Train").click()
    expect(app.sidebar()).to_contain_text("Trained: 6 epochs, 8 units", timeout=TRAIN_TIMEOUT_MS)
    app.idle()
    reload(app, timings, "reload after a lesson run → page idle")
    expect(app.sidebar()).to_contain_text("Trained: 6 epochs, 8 units")
    expect(app.alert("Success", "Your teacher's lesson is ready")).to_have_count(0)  # not loaded again
    assert token_in(app) == token


def test_a_tampered_lesson_link_says_what_it_replaced(app):
    app.goto("/train?lesson=1&sample=airline&hidden_size=99999&lr=banana")
    expect(app.alert("Warning", "hidden_size = “99999”")).to_be_visible()
    expect(app.alert("Warning", "lr = “banana”")).to_be_visible()
    expect(app.page.get_by_role("spinbutton", name="Hidden size (units)", exact=True)).to_have_value("32")


SCREENS = [(1024, 768), (1400, 900), (390, 844)]


def test_the_teachers_lesson_box_fits_every_screen_in_both_languages(app, tmp_path):
    """The lesson link wraps inside the page on a projector, a laptop and a phone, in English and 中文."""
    app.goto("/")
    start_from_home(app)
    app.page.locator('[data-testid="stSidebarNav"] a').first.click()  # back Home in the same session
    app.idle()
    for lang, title in (("en", "For teachers: a lesson link"), ("zh", "给老师：课程链接")):
        if lang == "zh":
            app.page.set_viewport_size({"width": 1400, "height": 900})  # the sidebar is open again
            app.sidebar().get_by_text("简体中文", exact=True).click()
            app.idle()
        box = app.page.locator(".st-key-home-lesson")
        expect(box).to_contain_text(title)
        code = box.locator('[data-testid="stCode"]')
        expect(code).to_contain_text("train?lesson=1&sample=airline")
        expect(code).not_to_contain_text(re.compile(rf"[?&]{store.TOKEN_PARAM}="))
        for width, height in SCREENS:
            app.page.set_viewport_size({"width": width, "height": height})
            app.page.wait_for_timeout(300)  # let the layout settle at the new size
            code.scroll_into_view_if_needed()
            bounds = code.bounding_box()
            assert bounds is not None and bounds["width"] > 0
            assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width + 1, (lang, width, bounds)
            app.page.screenshot(path=tmp_path / f"lesson-box-{lang}-{width}.png")
    app.page.set_viewport_size({"width": 1400, "height": 900})
    print("screenshots in", tmp_path)
