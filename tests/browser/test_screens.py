"""Every page at the three test screens, in English and 中文: nothing cut, nothing spilling, the phone's sidebar closed.

One server and one browser session for the whole module: it trains one small
model once, then visits every page in each language and, at each size
(1024×768 projector with the sidebar open, 1400×900 laptop, 390×844 phone),
checks that no text overflows its box (:data:`OVERFLOW_JS`) and saves a
screenshot of the screen as a student sees it (``$LSTM_LENS_SCREENS`` or a temp
folder). The README's screenshots in ``docs/screenshots/`` are taken here too, in the
trained state: 30 epochs, 16 hidden units, the airline sample.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lstm_viz.i18n import LANGUAGES, TABLES
from pages.ui.nav import PAGES
from pages.ui.screen import MOBILE_PX
from tests.browser.helpers import HEIGHT, WIDTH, App, at_path, shrink_png

pytestmark = pytest.mark.browser

SIZES = {"projector": (1024, 768), "laptop": (1400, 900), "phone": (390, 844)}
PHONE = SIZES["phone"]
HIDDEN, EPOCHS = 16, 30
TRAIN_TIMEOUT_MS = 120_000
# What each page must have drawn before it is looked at (a Plotly chart key, or None).
READY = {"data": "data.preview", "train": "train.loss_chart", "gates": "gates.time_chart",
         "forecast": "forecast.chart", "units": "units.lines_chart"}
# The README's pictures: whole pages at 1400 px, and two screens as a projector and a phone show them.
README_PAGES = {"home", "data", "train", "gates", "forecast", "downloads"}
README_SCREENS = {("train", "projector", "en"), ("forecast", "phone", "zh")}

# Text that must fit its box. A box whose text is wider than it (scrollWidth > clientWidth) shows
# "60 …" or cuts the word; a box that pokes out of the main area is hidden behind the edge.
# Plotly draws in SVG, where nothing clips a title: a title or annotation must lie inside its SVG,
# and no two of a chart's titles and annotations may overlap.
OVERFLOW_JS = r"""() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return ['no stMain'];
  const bounds = main.getBoundingClientRect();
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const said = (el) => (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50);
  const faults = [];
  const boxes = 'h1, h2, h3, [data-testid="stMetricValue"], [data-testid="stMetricLabel"], '
    + '[data-testid="stButton"] button, [data-testid="stDownloadButton"] button, '
    + '[data-testid="stButtonGroup"] button, [data-testid="stWidgetLabel"], [data-testid="stTab"]';
  for (const box of main.querySelectorAll(boxes)) {
    if (!shown(box)) continue;
    for (const el of [box, ...box.querySelectorAll('*')]) {
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !(el instanceof SVGElement)) {
        faults.push(`cut: "${said(el)}" needs ${el.scrollWidth} px, has ${el.clientWidth}`);
        break;
      }
    }
    if (box.tagName === 'BUTTON') {
      const label = box.querySelector('[data-testid="stMarkdownContainer"]');
      if (label && said(label) && !shown(label)) faults.push(`button label hidden: "${said(label)}"`);
    }
    const r = box.getBoundingClientRect();
    if (r.right > bounds.right + 1 || r.left < bounds.left - 1)
      faults.push(`outside the page: "${said(box)}" spans ${Math.round(r.left)}…${Math.round(r.right)} px`);
  }
  for (const plot of main.querySelectorAll('.js-plotly-plot')) {
    const svg = plot.querySelector('svg.main-svg');
    if (!svg || !shown(svg)) continue;
    const frame = svg.getBoundingClientRect();
    const texts = [...plot.querySelectorAll('.gtitle, .annotation-text, .g-xtitle text, .g-ytitle text, g.legend')]
      .filter((el) => said(el) && shown(el));
    const rects = texts.map((el) => el.getBoundingClientRect());
    texts.forEach((el, k) => {
      const r = rects[k];
      if (r.left < frame.left - 1 || r.right > frame.right + 1)
        faults.push(`chart text cut: "${said(el)}" spans ${Math.round(r.left - frame.left)}…`
                    + `${Math.round(r.right - frame.left)} px of ${Math.round(frame.width)}`);
      for (let j = 0; j < k; j++) {
        const q = rects[j];
        const w = Math.min(r.right, q.right) - Math.max(r.left, q.left);
        const h = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
        if (w > 2 && h > 2) faults.push(`chart texts overlap: "${said(texts[j])}" and "${said(el)}"`);
      }
    });
  }
  return faults;
}"""

# Plotly redraws a chart a moment after its box changes size; wait until every chart fills its box.
CHARTS_SETTLED_JS = r"""() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].every((plot) => {
  const svg = plot.querySelector('svg.main-svg');
  return !svg || Math.abs(svg.getBoundingClientRect().width - plot.getBoundingClientRect().width) <= 2;
})"""
SIDEBAR = '[data-testid="stSidebar"]'
SIDEBAR_OPEN_JS = f"""() => document.querySelector('{SIDEBAR}').getAttribute('data-collapsed')"""


def stem(spec) -> str:
    return spec.file.removesuffix(".py")


STEMS = [stem(spec) for spec in PAGES]


def shots_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get("LSTM_LENS_SCREENS")
    return Path(chosen) if chosen else tmp_path_factory.mktemp("screens")


class Tour:
    """One trained browser session that walks the pages; remembers its language and size."""

    def __init__(self, app: App, folder: Path) -> None:
        self.app, self.folder, self.lang, self.size = app, folder, "en", (WIDTH, HEIGHT)

    def resize(self, size: tuple[int, int]) -> None:
        if size != self.size:
            self.app.page.set_viewport_size({"width": size[0], "height": size[1]})
            self.size = size
            # Streamlit closes the sidebar when the window turns narrow and opens it again when it
            # widens: wait for that, or a click on its button races the sidebar's own move.
            expect(self.app.page.locator(SIDEBAR)).to_have_attribute(
                "data-collapsed", "true" if size[0] < MOBILE_PX else "false")
        self.app.page.wait_for_function(CHARTS_SETTLED_JS, polling=100, timeout=20_000)
        self.app.page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")

    def sidebar_open(self) -> bool:
        return self.app.page.evaluate(SIDEBAR_OPEN_JS) == "false"

    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        if not self.sidebar_open():
            self.app.page.locator('[data-testid="stExpandSidebarButton"]').click()
        self.app.page.locator(f'{SIDEBAR} [data-testid="stButtonGroup"]').get_by_role(
            "radio", name=LANGUAGES[lang]).click()
        self.app.idle()
        self.lang = lang

    def visit(self, page_stem: str) -> None:
        """Follow the sidebar link to ``page_stem`` (opening the sidebar first on a phone)."""
        app = self.app
        if not self.sidebar_open():
            app.page.locator('[data-testid="stExpandSidebarButton"]').click()
            expect(app.page.locator(SIDEBAR)).to_have_attribute("data-collapsed", "false")
        href = app.base + "/" + ("" if page_stem == STEMS[0] else page_stem)
        link = app.page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]')
        link.click()
        app.page.wait_for_url(at_path(href[len(app.base):]))
        app.idle()
        if page_stem in READY:
            app.wait_for_plot(READY[page_stem], "s.traces >= 1")

    def look(self, page_stem: str, size_name: str) -> list[str]:
        """Resize, check for overflowing text, save the screen; return the faults found."""
        self.resize(SIZES[size_name])
        faults = self.app.page.evaluate(OVERFLOW_JS)
        path = self.folder / f"{page_stem}-{size_name}-{self.lang}.png"
        self.app.page.screenshot(path=path, animations="disabled", caret="hide")
        if (page_stem, size_name, self.lang) in README_SCREENS:
            shrink_png(path)  # the others stay in a scratch folder: save the time
        return faults

    def readme_shots(self, page_stem: str, folder: Path) -> None:
        """Save the README's pictures of this page (see README_PAGES, README_SCREENS)."""
        for size_name in SIZES:
            if (page_stem, size_name, self.lang) in README_SCREENS:
                shutil.copyfile(self.folder / f"{page_stem}-{size_name}-{self.lang}.png",
                                folder / f"{page_stem}-{size_name}-{self.lang}.png")
        if page_stem in README_PAGES and self.lang == "en":
            self.resize(SIZES["laptop"])
            self.app.screenshot(folder / f"{page_stem}.png")  # whole page; back at 1400 × 900 after


def train_once(app: App) -> None:
    en = TABLES["en"]
    app.goto("/")
    app.button(en["page.home.start_button"]).click()
    app.page.wait_for_url(at_path("/train"))
    app.idle()
    app.set_number("Hidden size (units)", HIDDEN)
    app.set_number("Epochs", EPOCHS)
    app.button("Train").click()
    expect(app.sidebar()).to_contain_text(f"Trained: {EPOCHS} epochs, {HIDDEN} units", timeout=TRAIN_TIMEOUT_MS)
    app.idle()
    app.wait_for_plot("train.loss_chart", f"s.scatterPoints[0] === {EPOCHS}")


@pytest.fixture(scope="module")
def tour(browser, server, tmp_path_factory, timings):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US")
    context.set_default_timeout(30_000)
    app = App(context.new_page(), server)
    start = time.perf_counter()
    train_once(app)
    timings["screens: Home → trained model (30 epochs, 16 units)"] = time.perf_counter() - start
    yield Tour(app, shots_dir(tmp_path_factory))
    context.close()


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("page_stem", STEMS)
def test_page_fits_every_screen(tour, page_stem, lang, screenshots, timings):
    start = time.perf_counter()
    tour.resize(SIZES["laptop"])
    tour.set_language(lang)
    tour.visit(page_stem)
    faults = {size: tour.look(page_stem, size) for size in SIZES}
    tour.readme_shots(page_stem, screenshots)
    timings[f"screens: {page_stem} in {lang}, opened and looked at in 3 sizes"] = time.perf_counter() - start
    tour.app.assert_clean()
    bad = {size: found for size, found in faults.items() if found}
    assert not bad, f"{page_stem} ({lang}): text does not fit:\n" + "\n".join(
        f"  {size} {SIZES[size]}: {fault}" for size, found in bad.items() for fault in found)


@pytest.mark.parametrize("page_stem", ["gates", "data"])
def test_phone_sidebar_closes_after_picking_a_page(tour, page_stem):
    tour.resize(PHONE)
    tour.visit(page_stem)
    expect(tour.app.page.locator(SIDEBAR)).to_have_attribute("data-collapsed", "true")


IPHONE_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
             "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


def test_a_real_phone_gets_its_sidebar_closed_once(browser, server):
    """On a phone's user agent Streamlit closes the sidebar itself; the page's closer must not open it again."""
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, user_agent=IPHONE_UA,
                                  is_mobile=True, has_touch=True, locale="en-US")
    try:
        app = App(context.new_page(), server)
        app.goto("/")
        tour = Tour(app, Path("."))
        tour.size = PHONE
        tour.visit("downloads")  # a page with nothing to wait for in a new session
        expect(app.page.locator(SIDEBAR)).to_have_attribute("data-collapsed", "true")
        app.idle()  # still closed once the new page has run
        expect(app.page.locator(SIDEBAR)).to_have_attribute("data-collapsed", "true")
        app.assert_clean()
    finally:
        context.close()
