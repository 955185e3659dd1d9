"""Look at Plotly heatmaps in a real browser: are they in the page, and are their pixels the right colours?

Two independent checks, both per heatmap subplot:

- the DOM: plotly.js draws a heatmap trace as one ``<image>`` in its subplot's
  ``g.heatmaplayer`` (:data:`HEATMAPS_JS` counts them); a trace whose layer was
  removed draws nothing;
- the pixels: a screenshot of the subplot's plot area, sampled at the centres
  of cells, must show the colour the state's fixed colour scale gives the cell's
  current value (:func:`lstm_viz.figures.style.value_colours`), and must not be
  one flat colour.

:class:`PaintLog` records the per-subplot image counts at every animation frame
the browser paints (a ``requestAnimationFrame`` callback runs just before each
paint), so a heatmap that vanishes for a single frame while playing is caught.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from playwright.sync_api import Page

from lstm_viz.figures.style import value_colours
from tests.browser.helpers import SHOWN_PLOT_JS

SAMPLES_PER_AXIS = 6  # cells sampled along each axis of a heatmap: 36 per subplot
COLOUR_TOLERANCE = 12  # per 0…255 channel: the scale's 256-colour table vs plotly.js's own interpolation
MIN_MATCHING = 0.9  # share of sampled cells that must match (one or two may sit under the cursor's outline)

# For each heatmap trace: its state name, subplot, how many <image>s its subplot's heatmap layer holds, its plot area
# in the viewport, and sample cells (their current values, from Plotly's calcdata) with their viewport pixels.
HEATMAPS_JS = """([selector, perAxis]) => {
  const gd = (""" + SHOWN_PLOT_JS + """)(selector);
  if (!gd || !gd._fullData || !gd.calcdata) return null;
  const out = [];
  gd._fullData.forEach((trace, k) => {
    if (trace.type !== 'heatmap' || trace.visible !== true) return;
    const id = trace.xaxis + trace.yaxis;
    const group = gd.querySelector(`g.cartesianlayer g.subplot.${id}`);
    const images = group ? group.querySelectorAll('g.heatmaplayer image').length : 0;
    const xa = gd._fullLayout[trace.xaxis.replace('x', 'xaxis')];
    const ya = gd._fullLayout[trace.yaxis.replace('y', 'yaxis')];
    const paper = gd.getBoundingClientRect();
    const cd = gd.calcdata[k][0];
    const box = {x: paper.left + xa._offset, y: paper.top + ya._offset, width: xa._length, height: ya._length};
    const samples = [];
    const pick = (n) => {
      const m = Math.min(n, perAxis);
      return Array.from({length: m}, (_, j) => Math.floor((j + 0.5) * n / m));
    };
    for (const r of pick(cd.z.length)) for (const c of pick(cd.z[0].length)) {
      const px = paper.left + xa._offset + xa.c2p((cd.x[c] + cd.x[c + 1]) / 2);
      const py = paper.top + ya._offset + ya.c2p((cd.y[r] + cd.y[r + 1]) / 2);
      samples.push({row: r, col: c, value: Number(cd.z[r][c]), x: px, y: py});
    }
    out.push({trace: k, name: trace.name, subplot: id, images, box, samples});
  });
  return out;
}"""

SCROLL_TO_JS = """([selector, k]) => {
  const gd = (""" + SHOWN_PLOT_JS + """)(selector);
  const trace = gd._fullData.filter(t => t.type === 'heatmap')[k];
  gd.querySelector(`g.cartesianlayer g.subplot.${trace.xaxis + trace.yaxis}`).scrollIntoView({block: 'center'});
}"""

# Per heatmap subplot, the number of <image>s in its heatmap layer; one entry per rAF callback, i.e. per painted frame.
PAINT_LOG_JS = """([selector, key]) => {
  const gd = (""" + SHOWN_PLOT_JS + """)(selector);
  const ids = gd._fullData.filter(t => t.type === 'heatmap').map(t => t.xaxis + t.yaxis);
  const log = window[key] = {ids, frames: [], stop: false};
  const tick = () => {
    if (log.stop) return;
    const active = gd.layout.sliders && gd.layout.sliders.length ? gd.layout.sliders[0].active : null;
    const count = (id) => gd.querySelectorAll(`g.cartesianlayer g.subplot.${id} g.heatmaplayer image`).length;
    log.frames.push([performance.now(), active, ids.map(count)]);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@dataclass
class HeatmapLook:
    """What one heatmap subplot showed: its state, ``<image>`` count, and sampled pixels vs expected colours."""

    name: str
    subplot: str
    images: int
    matching: float  # share of sampled cells whose pixel has the expected colour
    distinct: int  # distinct colours among the sampled pixels
    worst: str  # the worst sample, for the failure message

    @property
    def drawn(self) -> bool:
        return self.images == 1 and self.matching >= MIN_MATCHING and self.distinct > 1


def look_at_heatmaps(page: Page, selector: str) -> list[HeatmapLook]:
    """Scroll each heatmap subplot of the plot at ``selector`` into view, screenshot it, and compare its pixels."""
    from PIL import Image

    n_traces = len(page.evaluate(HEATMAPS_JS, [selector, SAMPLES_PER_AXIS]) or [])
    assert n_traces, f"no Plotly heatmaps at {selector}"
    looks = []
    for k in range(n_traces):
        page.evaluate(SCROLL_TO_JS, [selector, k])
        trace = page.evaluate(HEATMAPS_JS, [selector, SAMPLES_PER_AXIS])[k]  # positions after scrolling
        box = trace["box"]
        clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": box["height"]}
        shot = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")
        pixels = np.asarray(shot, dtype=np.int16)
        expected = value_colours(trace["name"], [s["value"] for s in trace["samples"]])
        seen, errors = [], []
        for sample, colour in zip(trace["samples"], expected):
            px = min(max(int(sample["x"] - box["x"]), 0), pixels.shape[1] - 1)
            py = min(max(int(sample["y"] - box["y"]), 0), pixels.shape[0] - 1)
            got = tuple(int(v) for v in pixels[py, px])
            seen.append(got)
            errors.append((max(abs(a - b) for a, b in zip(got, hex_rgb(colour))), sample, colour, got))
        worst = max(errors, key=lambda e: e[0])
        looks.append(HeatmapLook(
            name=trace["name"], subplot=trace["subplot"], images=trace["images"],
            matching=float(np.mean([e[0] <= COLOUR_TOLERANCE for e in errors])), distinct=len(set(seen)),
            worst=f"cell (unit row {worst[1]['row']}, step {worst[1]['col']}) value {worst[1]['value']:.3f}: "
                  f"pixel {worst[3]} vs expected {hex_rgb(worst[2])}"))
    return looks


def assert_heatmaps_drawn(page: Page, selector: str, n_states: int, when: str) -> list[HeatmapLook]:
    """Fail unless each of the ``n_states`` heatmap subplots holds its image and shows its colours."""
    looks = look_at_heatmaps(page, selector)
    assert len(looks) == n_states, f"{when}: {len(looks)} heatmap traces, expected {n_states}"
    bad = [look for look in looks if not look.drawn]
    assert not bad, f"{when}: heatmaps not drawn:\n" + "\n".join(
        f"  {b.name} ({b.subplot}): {b.images} image(s), {b.matching:.0%} of sampled cells in the right colour, "
        f"{b.distinct} distinct colour(s); worst {b.worst}" for b in bad)
    return looks


class PaintLog:
    """Record, at every painted frame, how many heatmap images each heatmap subplot of a plot holds."""

    def __init__(self, page: Page, selector: str, key: str = "__paintLog") -> None:
        self.page, self.key = page, key
        page.evaluate(PAINT_LOG_JS, [selector, key])

    def frames(self) -> tuple[list[str], list[tuple[float, int | None, list[int]]]]:
        """Stop logging; return the heatmap subplots and, per painted frame, (ms, slider step, image counts)."""
        log = self.page.evaluate(f"() => {{ window.{self.key}.stop = true; return window.{self.key}; }}")
        return log["ids"], [tuple(frame) for frame in log["frames"]]

    def assert_every_frame_drawn(self, when: str) -> list[tuple[float, int | None, list[int]]]:
        """Stop logging; fail if any painted frame lacked a heatmap; return the frames logged."""
        ids, frames = self.frames()
        assert frames, f"{when}: the browser painted no frame"
        missing = [(active, [i for i, n in zip(ids, counts) if n != 1]) for _, active, counts in frames
                   if any(n != 1 for n in counts)]
        assert not missing, (f"{when}: {len(missing)} of {len(frames)} painted frames lacked heatmaps "
                             f"(slider step, subplots): {missing[:5]}")
        return frames


# -- driving a Plotly animation's own controls ------------------------------------------------------

# Resolves once the plot has gone `quiet` painted frames without a redraw, a transition or a slider move.
SETTLED_JS = """([selector, quiet]) => new Promise(resolve => {
  const gd = (""" + SHOWN_PLOT_JS + """)(selector);
  let still = 0, last = gd.layout.sliders[0].active;
  const moved = () => { still = 0; };
  gd.on('plotly_afterplot', moved);
  const tick = () => {
    const now = gd.layout.sliders[0].active;
    if (now !== last || gd._transitioning) { still = 0; last = now; } else still++;
    if (still >= quiet) { gd.removeListener('plotly_afterplot', moved); resolve(now); }
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""
SLIDER_JS = "(selector) => (" + SHOWN_PLOT_JS + ")(selector).layout.sliders[0].active"
STEPS_JS = "(selector) => (" + SHOWN_PLOT_JS + ")(selector).layout.sliders[0].steps.length"


def settled(page: Page, selector: str, quiet: int = 6) -> int:
    """Wait until the animation at ``selector`` is at rest; return its slider step."""
    return page.evaluate(SETTLED_JS, [selector, quiet])


def slider_step(page: Page, selector: str) -> int:
    return page.evaluate(SLIDER_JS, selector)


def wait_for_step(page: Page, selector: str, step: int, timeout_ms: int = 120_000) -> None:
    """Wait until the slider of the animation at ``selector`` reaches ``step`` or beyond."""
    page.wait_for_function(f"(selector) => ({SLIDER_JS})(selector) >= {int(step)}", arg=selector,
                           polling="raf", timeout=timeout_ms)


def press(page: Page, selector: str, which: int) -> None:
    """Press the animation's Play (0) or Pause (1) button."""
    button = page.locator(selector).locator("g.updatemenu-button").nth(which)
    button.scroll_into_view_if_needed()
    button.click()


# Clicks Pause as the frame of slider step `step` (or a later one) starts, from plotly.js's own frame event: the
# slider's `active` follows a frame only after it is drawn, and a click from the test process would come later still.
# Pause interrupts Play, and plotly.js rejects the interrupted Plotly.animate promise with no reason, which its
# buttons never catch: every Plotly animation's Pause logs "Uncaught (in promise) undefined" (the code before this
# fix did too). That one rejection is not the app's: it is marked handled, so an exception with a reason still fails.
PAUSE_AT_JS = """([selector, step]) => { window.__pausedAt = new Promise(resolve => {
  const gd = (""" + SHOWN_PLOT_JS + """)(selector);
  const pause = gd.querySelectorAll('g.updatemenu-button')[1];
  const index = Object.fromEntries(gd.layout.sliders[0].steps.map((s, k) => [String(s.args[0][0]), k]));
  const onFrame = (event) => {
    if (index[event.name] < step) return;
    gd.removeListener('plotly_animatingframe', onFrame);
    window.addEventListener('unhandledrejection', e => { if (e.reason === undefined) e.preventDefault(); },
                            {once: true});
    pause.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    resolve(index[event.name]);
  };
  gd.on('plotly_animatingframe', onFrame);
}); }"""


def pause_at(page: Page, selector: str, step: int) -> int:
    """Press Play, then Pause as the frame of ``step`` starts; return the step where the animation rests.

    Where it rests is plotly.js's call: the frame that had started when Pause came, or one before it when
    Pause cut that frame short (seen when the test machine was busy: 1 of 5 clean-clone runs). It never
    goes past it. The caller then checks that the picture at rest is that step's, every heatmap drawn.
    """
    page.evaluate(PAUSE_AT_JS, [selector, int(step)])  # listening before Play is pressed
    press(page, selector, 0)
    paused_at = page.evaluate("() => window.__pausedAt")
    rest = settled(page, selector)
    assert rest <= paused_at, f"paused as step {paused_at} started, but the slider went on to {rest}"
    return rest


def drag_slider(page: Page, selector: str, share: float) -> None:
    """Drag the slider's handle with the mouse to ``share`` (0…1) of its rail."""
    plot = page.locator(selector)
    grip, rail = plot.locator(".slider-grip-rect").first, plot.locator(".slider-rail-rect").first
    grip.scroll_into_view_if_needed()
    start, line = grip.bounding_box(), rail.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    target = line["x"] + share * line["width"]
    for k in range(1, 6):  # a few moves, as a hand would, so the slider sees a drag
        page.mouse.move(start["x"] + (target - start["x"]) * k / 5, start["y"] + start["height"] / 2)
    page.mouse.up()


def play_rate(frames: list[tuple[float, int | None, list[int]]], first: int, last: int) -> float | None:
    """Return the slider steps advanced per second between the painted frames showing ``first`` and ``last``."""
    shown = [(ms, active) for ms, active, _ in frames if active is not None and first <= active <= last]
    starts = [ms for ms, active in shown if active == first]
    ends = [ms for ms, active in shown if active == last and starts and ms > starts[-1]]
    if not ends:
        return None
    return (last - first) / ((ends[0] - starts[-1]) / 1000)
