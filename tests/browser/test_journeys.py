"""A student's journeys through LSTM Lens in headless chromium, against a real ``streamlit run app.py``.

What AppTest cannot see is checked here: Plotly animations playing in the
browser, files going through the real ``<input type=file>``, page URLs opened
directly, and the browser console. Any console error, uncaught page exception
or Streamlit exception box fails the journey (``helpers.App``).

The README's screenshots are taken by ``test_screens.py``; the measured
seconds are printed at the end of the run.
"""
from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect

from lstm_viz.i18n import TABLES
from pages.ui.nav import PAGES
from tests.browser.helpers import App, at_path, plot_selector

pytestmark = pytest.mark.browser

EN = TABLES["en"]
HIDDEN, EPOCHS = 16, 30  # small enough that a run takes a few seconds on two shared cores
TRAIN_TIMEOUT_MS = 120_000
HEATMAP_DRAWN = "s.heatmaps >= 6 && s.heatSum !== 0"


def stem(spec) -> str:
    return spec.file.removesuffix(".py")


def start_from_home(app: App) -> None:
    """Press Home's one button: the airline sample with good settings, straight to the Train page."""
    app.button(EN["page.home.start_button"]).click()
    app.page.wait_for_url(at_path("/train"))
    app.idle()


def watch_off(app: App) -> None:
    """Turn "Watch it learn" off: these journeys are about what a run leaves, not about watching it (test_live_view)."""
    switch = app.page.get_by_role("switch", name=EN["page.train.watch"])
    if switch.is_checked():
        switch.click(force=True)
        app.idle()
        expect(switch).not_to_be_checked()


def press_train_from_home(app: App, epochs: int, hidden: int = HIDDEN) -> None:
    """A new student: Home → the airline sample → Train page, set the size and epochs, press Train (no waiting)."""
    app.goto("/")
    start_from_home(app)
    watch_off(app)
    app.set_number("Hidden size (units)", hidden)
    app.set_number("Epochs", epochs)
    app.button("Train").click()


def train(app: App, epochs: int = EPOCHS, timings: dict | None = None) -> None:
    """On the Train page: small settings, press Train, wait until the sidebar says the model is trained."""
    watch_off(app)
    app.set_number("Hidden size (units)", HIDDEN)
    app.set_number("Epochs", epochs)
    start = time.perf_counter()
    app.button("Train").click()
    app.wait_for_plot("train.loss_chart", "s.scatterPoints[0] >= 1", timeout_ms=TRAIN_TIMEOUT_MS)
    if timings is not None:
        timings["Train click → first loss point drawn"] = time.perf_counter() - start
    expect(app.sidebar()).to_contain_text(f"Trained: {epochs} epochs, {HIDDEN} units", timeout=TRAIN_TIMEOUT_MS)
    app.idle()


def open_gates(app: App, timings: dict | None = None) -> None:
    """Follow the sidebar to Gates and wait for the through-time heatmaps to be drawn."""
    start = time.perf_counter()
    app.page.locator('[data-testid="stSidebarNav"] a[href$="/gates"]').click()
    app.wait_for_plot("gates.time_chart", HEATMAP_DRAWN)
    if timings is not None:
        timings["end of training → Gates heatmap drawn (sidebar link clicked)"] = time.perf_counter() - start
    app.idle()
    expect(app.page.locator("h1").first).to_have_text(EN["page.gates.title"])


# -- 5. every page's URL opened directly ------------------------------------------------------------------
# First in the file, and a non-default page first, so the server's very first request is a page URL.

@pytest.mark.parametrize("spec", sorted(PAGES, key=lambda p: p.default), ids=stem)
def test_page_url_opens_directly(new_app, spec, timings):
    app = new_app()
    path = "/" if spec.default else f"/{stem(spec)}"
    timings[f"load {path} (navigation → script-state notRunning)"] = app.goto(path)
    app.page.wait_for_timeout(500)  # a "Page not found" dialog arrives a moment after the run
    assert app.page.get_by_text("Page not found").count() == 0, f"{path}: Streamlit says 'Page not found'"
    heading = app.page.locator("h1").first
    expect(heading).to_be_visible()
    expect(heading).not_to_have_text("")
    if f"page.{stem(spec)}.title" in EN:  # the lab pages' headings; teaching pages name theirs their own way
        expect(heading).to_have_text(EN[f"page.{stem(spec)}.title"])
    active = app.page.locator('[data-testid="stSidebarNavLink"][aria-current="page"]')
    expect(active).to_contain_text(EN[spec.title])
    expect(app.page).to_have_url(at_path(path))
    app.assert_clean()


# -- 1. the first lesson: sample → train → gates (play both) → forecast ----------------------------------

def test_first_lesson_from_home_to_forecast(app, timings):
    app.goto("/")
    expect(app.page.locator("h1").first).to_have_text("LSTM Lens")

    start_from_home(app)
    expect(app.page.get_by_text("Training on")).to_contain_text("Passengers: 144 points")
    train(app, timings=timings)
    app.wait_for_plot("train.loss_chart", f"s.scatterPoints[0] === {EPOCHS}")
    app.wait_for_plot("train.gates_chart", HEATMAP_DRAWN)

    open_gates(app, timings)
    app.wait_for_plot("gates.training_chart", HEATMAP_DRAWN)
    # Through time, frames move the bars (the heatmaps stay); through training, frames replace the heatmaps' z.
    for key, moving in (("gates.time_chart", "barSum"), ("gates.training_chart", "heatSum")):
        before = app.plot_state(key)
        app.press_play(key)
        app.wait_for_plot(key, f"Math.abs(s.{moving} - {before[moving]!r}) > 1e-6 && s.slider > {before['slider']}",
                          timeout_ms=20_000)
        after = app.plot_state(key)
        assert after[moving] != before[moving], f"{key}: Play did not change the data ({before} → {after})"
    app.assert_clean()

    app.nav("forecast")
    app.wait_for_plot("forecast.chart", "s.traces >= 3")
    scores = app.page.locator('[data-testid="stDataFrame"]')
    expect(scores).to_be_visible()
    expect(scores).to_contain_text("RMSE")
    expect(scores).to_contain_text("MASE")

    app.nav("data")
    app.wait_for_plot("data.preview", "s.scatterPoints[0] === 144")

    app.nav("downloads")
    expect(app.page.locator('[data-testid="stDownloadButton"]')).to_have_count(6)


# -- 2. the student's own files: semicolons with decimal commas, and GBK with Chinese headers -------------

def write_files(tmp_path):
    """Write a semicolon/decimal-comma file and a GBK file with Chinese headers, each with two value columns; 60 months."""
    months = pd.date_range("2015-01-01", periods=60, freq="MS")
    rng = np.random.default_rng(7)
    temperature = 10 + 8 * np.sin(np.arange(60) * 2 * np.pi / 12) + rng.normal(0, 0.5, 60)
    turnover = 50 + 0.5 * np.arange(60) + rng.normal(0, 1, 60)  # 48 … 82: read as 4 956 if the comma were lost

    def comma(x: float) -> str:
        return f"{x:.2f}".replace(".", ",")

    semicolon = tmp_path / "umsatz.csv"
    semicolon.write_text("Datum;Temperatur;Umsatz\n" + "".join(
        f"{d:%d.%m.%Y};{comma(a)};{comma(b)}\n" for d, a, b in zip(months, temperature, turnover)), encoding="utf-8")
    gbk = tmp_path / "sales_gbk.csv"
    price = 9 + rng.normal(0, 0.2, 60)
    gbk.write_bytes(("日期;单价;销量\n" + "".join(
        f"{d:%Y-%m-%d};{p:.2f};{b:.1f}\n" for d, p, b in zip(months, price, turnover))).encode("gbk"))
    return semicolon, gbk


def test_uploaded_files_pick_column_train_and_gates(app, tmp_path):
    semicolon, gbk = write_files(tmp_path)
    app.goto("/data")

    app.upload(semicolon)
    expect(app.alert("Success", "60 points")).to_be_visible()
    app.expect_selected("Time column", "Datum")
    app.select("Value to forecast", "Umsatz")
    expect(app.sidebar()).to_contain_text("Umsatz: 60 points, step monthly")
    app.wait_for_plot("data.preview", "s.scatterPoints[0] === 60")
    values = app.trace_y("data.preview", 0)
    assert 45 < min(values) and max(values) < 85, f"decimal commas misread: Umsatz ranges {min(values)} … {max(values)}"
    app.nav("train")
    expect(app.page.get_by_text("Training on")).to_contain_text("Umsatz")
    train(app)
    expect(app.sidebar()).to_contain_text("on Umsatz")
    open_gates(app)

    app.nav("data")
    app.upload(gbk)
    # The first choice is 销量 (sales, a trend), not 单价 (a price that is pure noise): lstm_viz.data.choose.
    expect(app.alert("Success", "销量")).to_be_visible()
    app.expect_selected("Time column", "日期")
    app.select("Value to forecast", "销量")
    expect(app.sidebar()).to_contain_text("销量: 60 points, step monthly")
    app.nav("train")
    train(app)
    expect(app.sidebar()).to_contain_text("on 销量")
    open_gates(app)


def test_sidebar_names_an_uploaded_file_at_once(app, tmp_path):
    """After an upload the sidebar must name the new data set in the same render, not one run later."""
    semicolon, _ = write_files(tmp_path)
    app.goto("/data")
    app.upload(semicolon)
    # The first choice is the column that follows on from itself best (lstm_viz.data.choose): Umsatz.
    expect(app.alert("Success", "Loaded “Umsatz”")).to_be_visible()
    app.page.wait_for_timeout(1_000)
    app.page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    said = app.sidebar().inner_text()
    assert "Umsatz: 60 points" in said, (
        "APP BUG (pages/data.py): the upload is read in the page body, after the sidebar was drawn, so the sidebar "
        "still describes the previous data set until the next rerun. Repro: open /data, upload a CSV; the page says "
        f"'Loaded “Umsatz”' but the sidebar says: {said!r}")


# -- 3. a binary file is refused in words, and the app goes on working -----------------------------------

def test_binary_upload_shows_error_then_sample_works(app, tmp_path):
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    app.goto("/data")
    app.upload(binary)
    expect(app.alert("Error", "“photo.csv” is not a text file")).to_be_visible()

    app.click(EN["page.data.load_sample"])
    expect(app.alert("Success", "Passengers")).to_be_visible()
    expect(app.sidebar()).to_contain_text("Passengers: 144 points")
    app.wait_for_plot("data.preview", "s.scatterPoints[0] === 144")
    app.nav("train")
    expect(app.page.get_by_text("Training on")).to_contain_text("Passengers")


# -- 4. Stop during training keeps the partial model ------------------------------------------------------

def test_stop_keeps_partial_model(app):
    requested = 3000  # a minute or more of training: surely still running when Stop is clicked
    press_train_from_home(app, requested)
    expect(app.main()).to_contain_text(re.compile(rf"Training: epoch ([3-9]|\d\d+) of {requested}"),
                                          timeout=TRAIN_TIMEOUT_MS)
    stop = app.button("Stop")
    expect(stop).to_be_enabled()
    stop.click()
    stopped = re.compile(rf"Stopped after (\d+) of {requested} epochs: {HIDDEN} units")
    expect(app.sidebar()).to_contain_text(stopped, timeout=30_000)
    app.idle()
    done = int(stopped.search(app.sidebar().inner_text()).group(1))
    assert 1 <= done < requested
    expect(app.alert("Success", f"Training stopped after epoch {done} of {requested}")).to_be_visible()
    app.wait_for_plot("train.loss_chart", f"s.scatterPoints[0] === {done}")

    open_gates(app)
    app.nav("forecast")
    expect(app.page.locator('[data-testid="stDataFrame"]')).to_contain_text("RMSE")
    expect(app.sidebar()).to_contain_text(f"Stopped after {done} of {requested} epochs")


# -- the animation controls in the browser's layout -------------------------------------------------------

GRIP_COVER_JS = """(selector) => {
  const grip = document.querySelector(selector).querySelector('.slider-container .slider-grip-rect');
  grip.scrollIntoView({block: 'center'});
  const box = grip.getBoundingClientRect();
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  const button = hit && hit.closest('.updatemenu-button');
  return button ? button.textContent : null;
}"""


def test_gate_animation_slider_handle_is_not_under_its_buttons(app):
    """At the first frame the slider's handle must be grabbable, not hidden under the Play / Pause buttons."""
    app.goto("/")
    start_from_home(app)
    train(app, epochs=5)
    open_gates(app)
    for key in ("gates.time_chart", "gates.training_chart"):
        covered_by = app.page.evaluate(GRIP_COVER_JS, plot_selector(key))
        assert covered_by is None, (
            f"APP BUG (lstm_viz/figures/animation.py _controls): in a 1400 px window the {key} slider's handle at the "
            f"first frame lies under the '{covered_by}' button (the buttons are wider than the 17 % the slider leaves "
            "them), so a student who grabs the handle presses the button instead. Repro: train on the airline sample, "
            "open /gates, look at the left end of either slider.")


# -- 6. two students press Train at once: the second waits in line, sees its place, then trains ----------

def test_second_student_waits_in_line_then_trains(new_app):
    """The server trains one run at a time (lstm_viz.slots); whoever comes second is told so, and not forgotten."""
    first, second = new_app(), new_app()
    press_train_from_home(first, 3000)
    expect(first.main()).to_contain_text(re.compile(r"Training: epoch \d+ of 3000"), timeout=TRAIN_TIMEOUT_MS)

    press_train_from_home(second, EPOCHS)
    expect(second.alert("Info", "Your run is next")).to_be_visible()
    expect(second.sidebar()).to_contain_text("Waiting to train: 0 ahead in line.")
    expect(second.button("Stop")).to_be_enabled()

    first.button("Stop").click()
    expect(first.sidebar()).to_contain_text(re.compile(r"Stopped after \d+ of 3000 epochs"), timeout=30_000)
    expect(second.sidebar()).to_contain_text(f"Trained: {EPOCHS} epochs, {HIDDEN} units", timeout=TRAIN_TIMEOUT_MS)
    second.idle()
    second.wait_for_plot("train.loss_chart", f"s.scatterPoints[0] === {EPOCHS}")
    expect(second.alert("Info", "Your run is next")).to_have_count(0)
    first.assert_clean()
    second.assert_clean()


def test_a_closed_tab_gives_up_its_place_to_the_next_student(new_app):
    """A student who closes the tab mid-run stops holding up the line (after ABSENT_S, see conftest)."""
    gone, waiting = new_app(), new_app()
    press_train_from_home(gone, 5000, hidden=128)  # about 50 s, near the 60 s budget
    expect(gone.main()).to_contain_text(re.compile(r"Training: epoch \d+ of 5000"), timeout=TRAIN_TIMEOUT_MS)

    press_train_from_home(waiting, EPOCHS)
    expect(waiting.alert("Info", "Your run is next")).to_be_visible()
    closed = time.perf_counter()
    gone.page.context.close()
    expect(waiting.sidebar()).to_contain_text(f"Trained: {EPOCHS} epochs, {HIDDEN} units", timeout=TRAIN_TIMEOUT_MS)
    # Had the closed tab's run gone on, the line would have waited for the rest of its ~50 s.
    assert time.perf_counter() - closed < 25
    waiting.assert_clean()
