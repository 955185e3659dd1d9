"""The gate animations play with every heatmap drawn on every frame, looked at in a real browser.

For each animated figure (Gates through time, Gates through training, on the
Gates page and in the downloaded offline HTML opened as a file:// page), at
1400×900 and 1024×768: drag the slider near the start, press Play, pause in the
middle, play on to the end. At each stop every heatmap subplot must hold its
image and show its cells in the colours of their current values
(``tests/browser/pixels.py``), and no frame the browser paints on the way may
lack a heatmap. The live Train view's still heatmaps are looked at too.

Before the fix (frames that animated the cursor's scatter traces and the bar
traces with ``redraw: false``) the through-time checks failed at the first
painted frame after Play: plotly.js had removed all six heatmap layers.

The first Gates page run also writes ``docs/screenshots/gates_play.gif`` from
screenshots taken while it plays, and the measured seconds per frame (wall and
renderer CPU) are printed at the end of the run.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page

from lstm_viz import figures
from lstm_viz.recorder import STATE_NAMES, LayerTrace
from tests.browser.helpers import plot_selector
from tests.browser.pixels import (
    STEPS_JS, PaintLog, assert_heatmaps_drawn, drag_slider, pause_at, play_rate, press, settled,
    wait_for_step,
)
from tests.browser.test_journeys import HEATMAP_DRAWN, open_gates, start_from_home, train

pytestmark = pytest.mark.browser

VIEWPORTS = [(1400, 900), (1024, 768)]
N_STATES = 6  # f, i, o, g, c, h
GIF_FRAMES, GIF_WIDTH, MAX_GIF_BYTES = 14, 700, 2_000_000


def viewport_id(size) -> str:
    return f"{size[0]}x{size[1]}"


def synthetic_layer(n_steps: int, hidden: int, seed: int) -> LayerTrace:
    """An LSTM layer's states with values spread over each state's whole colour range."""
    rng = np.random.default_rng(seed)
    values = {}
    for name in STATE_NAMES["lstm"]:
        a = rng.standard_normal((n_steps, hidden)) * 1.5
        values[name] = 1 / (1 + np.exp(-a)) if name in ("i", "f", "o") else np.tanh(a)
    return LayerTrace("lstm", 0, 0, {k: v.astype(np.float32) for k, v in values.items()})


def offline_figure(kind: str):
    n_steps, hidden = 40, 10
    x = np.sin(np.arange(n_steps) / 3).astype(np.float32)
    if kind == "time":
        return figures.gates_figure(synthetic_layer(n_steps, hidden, 0), x, frame_ms=60)
    snapshots = [(5 * k, synthetic_layer(n_steps, hidden, k)) for k in range(8)]
    return figures.gates_training_figure(snapshots, x, frame_ms=60)


def play_through(page: Page, selector: str, when: str, timings: dict | None = None, label: str = "") -> None:
    """Drag near the start, Play, Pause in the middle, Play to the end; look at every heatmap at each stop.

    Every painted frame on the way is checked for its heatmap images (:class:`PaintLog`).
    """
    n_steps = page.evaluate("(s) => document.querySelector(s).layout.sliders[0].steps.length", selector)
    assert n_steps >= 4, f"{when}: only {n_steps} frames"
    last = n_steps - 1
    log = PaintLog(page, selector)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")

    drag_slider(page, selector, 0.05)
    start = settled(page, selector)
    assert start < n_steps // 3, f"{when}: the slider dragged to 5 % stands at step {start} of {n_steps}"
    assert_heatmaps_drawn(page, selector, N_STATES, f"{when}, after dragging the slider to step {start}")

    middle = (start + last) // 2
    paused = pause_at(page, selector, middle)
    assert start < paused < last, f"{when}: paused at step {paused}, expected a step after {start}, before {last}"
    assert_heatmaps_drawn(page, selector, N_STATES, f"{when}, paused in the middle at step {paused}")

    cpu_before = thread_seconds(cdp)
    press(page, selector, 0)
    wait_for_step(page, selector, last)
    cpu_after = thread_seconds(cdp)
    assert settled(page, selector) == last
    assert_heatmaps_drawn(page, selector, N_STATES, f"{when}, at the end (step {last})")

    frames = log.assert_every_frame_drawn(when)
    steps_seen = {active for _, active, _ in frames}
    assert len(steps_seen) >= 3 and last in steps_seen, f"{when}: the painted frames showed steps {sorted(steps_seen)}"
    if timings is not None:
        # From the middle to the end: no screenshot or check runs in between.
        rate = play_rate(frames, paused, last)
        if rate:
            timings[f"{label}: seconds per frame while playing (wall)"] = 1 / rate
        timings[f"{label}: renderer CPU seconds per frame while playing"] = (cpu_after - cpu_before) / (last - paused)


def thread_seconds(cdp) -> float:
    """CPU seconds the renderer's main thread has used (Chrome's ThreadTime metric)."""
    return next(m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] == "ThreadTime")


# -- the offline HTML, opened as a file ---------------------------------------------------------------------

@pytest.fixture
def page_at(browser):
    """Return a function that opens a fresh page of the given size; fail on any console error it logged."""
    contexts, problems = [], []

    def open_page(size) -> Page:
        context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-US")
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda err: problems.append(f"uncaught exception: {err}"))
        page.on("console", lambda msg: problems.append(f"console error: {msg.text}") if msg.type == "error" else None)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", VIEWPORTS, ids=viewport_id)
@pytest.mark.parametrize("kind", ["time", "training"])
def test_offline_gates_html_keeps_every_heatmap_while_playing(page_at, tmp_path, kind, size, timings):
    fig = offline_figure(kind)
    path = tmp_path / f"gates_{kind}.html"
    path.write_text(figures.figure_to_html(fig), encoding="utf-8")
    page = page_at(size)
    page.goto(path.as_uri())
    selector = ".js-plotly-plot"
    page.wait_for_function(f"() => document.querySelectorAll('{selector} g.heatmaplayer image').length === {N_STATES}")
    assert_heatmaps_drawn(page, selector, N_STATES, f"offline {kind} HTML, before Play")
    play_through(page, selector, f"offline {kind} HTML at {viewport_id(size)}", timings,
                 f"offline gates {kind} HTML {viewport_id(size)}")


# -- the app: Quick start → Train → Gates -------------------------------------------------------------------

def test_gates_page_animations_keep_every_heatmap(app, screenshots, timings):
    app.goto("/")
    start_from_home(app)
    train(app)
    app.wait_for_plot("train.gates_chart", HEATMAP_DRAWN)
    assert_heatmaps_drawn(app.page, plot_selector("train.gates_chart"), N_STATES, "Train page's live gates, trained")

    open_gates(app)
    app.wait_for_plot("gates.training_chart", HEATMAP_DRAWN)
    for size in VIEWPORTS:
        app.page.set_viewport_size({"width": size[0], "height": size[1]})
        for key, label in (("gates.time_chart", "through time"), ("gates.training_chart", "through training")):
            selector = plot_selector(key)
            settled(app.page, selector)
            play_through(app.page, selector, f"Gates page {label} at {viewport_id(size)}", timings,
                         f"Gates page {label} {viewport_id(size)}")
    app.assert_clean()

    app.page.set_viewport_size({"width": VIEWPORTS[0][0], "height": VIEWPORTS[0][1]})
    write_gif(record_play(app.page, plot_selector("gates.time_chart")), screenshots / "gates_play.gif")
    app.assert_clean()


# The figure's top: from its title to the bottom of the third heatmap row (input, f, i, o and their bars).
GIF_CLIP_JS = """(selector) => {
  const gd = document.querySelector(selector);
  const heat = gd._fullData.filter(t => t.type === 'heatmap');
  const ya = gd._fullLayout[heat[Math.min(2, heat.length - 1)].yaxis.replace('y', 'yaxis')];
  const paper = gd.getBoundingClientRect();
  return {x: paper.left, y: paper.top, width: paper.width, height: ya._offset + ya._length + 8};
}"""


def record_play(page: Page, selector: str) -> list[bytes]:
    """Screenshot the top of the through-time figure at evenly spaced steps while it plays (Play, pause there, shoot).

    The window grows to the figure's height first (Streamlit scrolls inside the page), as the README screenshots do.
    """
    height = page.evaluate("(s) => document.querySelector(s).getBoundingClientRect().height", selector)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": int(height) + 300})
    try:
        drag_slider(page, selector, 0.0)
        first = settled(page, selector)
        last = page.evaluate(STEPS_JS, selector) - 1
        targets = sorted({int(round(v)) for v in np.linspace(first + 1, last, GIF_FRAMES)})
        page.evaluate("(s) => document.querySelector(s).scrollIntoView({block: 'center'})", selector)
        shots = [page.screenshot(clip=page.evaluate(GIF_CLIP_JS, selector), animations="disabled")]
        shown = first
        for target in targets:
            at = pause_at(page, selector, target) if target < last else play_to_end(page, selector, last)
            assert shown <= at <= target, f"the GIF's frame for step {target} shows step {at}, after step {shown}"
            shown = at
            shots.append(page.screenshot(clip=page.evaluate(GIF_CLIP_JS, selector), animations="disabled"))
        return shots
    finally:
        page.set_viewport_size(size)


def play_to_end(page: Page, selector: str, last: int) -> int:
    press(page, selector, 0)
    wait_for_step(page, selector, last)
    return settled(page, selector)


def write_gif(shots: list[bytes], path: Path) -> None:
    """Assemble screenshots into a small looping GIF."""
    from PIL import Image

    assert len(shots) >= 4, f"only {len(shots)} screenshots taken while playing"
    frames = []
    for shot in shots:
        img = Image.open(io.BytesIO(shot)).convert("RGB")
        frames.append(img.resize((GIF_WIDTH, round(img.height * GIF_WIDTH / img.width)), Image.Resampling.LANCZOS))
    palette = frames[len(frames) // 2].quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small = [frame.quantize(palette=palette, dither=Image.Dither.NONE) for frame in frames]
    path.parent.mkdir(parents=True, exist_ok=True)
    small[0].save(path, save_all=True, append_images=small[1:], duration=350, loop=0, optimize=True)
    size = path.stat().st_size
    assert size < MAX_GIF_BYTES, f"{path.name} is {size:,} bytes; keep it under {MAX_GIF_BYTES:,}"
