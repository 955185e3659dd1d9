"""The live Train view as a class watches it: the first loss point soon after Train, redraws while it
learns, never a blank chart between two redraws, and Stop keeping the very epoch on the screen.

Timings are printed (median over the runs), not asserted: the machine is shared and slow. What is
asserted is the order of events: the first loss point comes long before the end of the run, the
charts redraw several times in between, and no 100 ms sample ever finds a chart area blank.
"""
from __future__ import annotations

import io
import json
import re
import statistics
import time
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from lstm_viz.i18n import TABLES
from tests.browser.helpers import App
from tests.browser.test_journeys import start_from_home

pytestmark = pytest.mark.browser

EN = TABLES["en"]
RUNS = 3  # quick-start runs measured; the median is printed
ATTEMPTS = 2  # Stops tried in one run, at different moments of the redraw cycle
QUICK_EPOCHS = 100  # what Home's "Load airline passengers and go to training" sets
CHARTS = ("train-loss_chart", "train-forecast_chart")
LIVE_BOX = '.st-key-{}:not([data-stale="true"])'  # Streamlit may keep stale copies of an element for a moment

# Every 100 ms: is each chart area there and drawn (a Plotly div, full size, with line paths that have a
# shape)? How many loss points does it hold (a new count is a redraw that brought new epochs)?
SAMPLER_JS = """(charts) => {
  // A live chart is two stacked slots (pages/ui/charts.plot_live): the area is drawn when either is.
  const drawnPlot = (gd) => {
    const r = gd.getBoundingClientRect();
    let lines = 0;
    for (const p of gd.querySelectorAll('.scatterlayer .trace path.js-line')) {
      const d = p.getAttribute('d');
      if (d && d.length > 4) lines++;
    }
    return r.height > 100 && r.width > 100 && lines > 0;
  };
  const state = (key) => {
    // Stale copies count: during a full redraw Streamlit keeps the old chart on screen (faded) until the new one
    // comes, and a student sees it; a chart not shown (display: none, zero opacity) does not count.
    const all = [...document.querySelectorAll(`.st-key-${key} .js-plotly-plot`)];
    const plots = all.filter((gd) => gd.checkVisibility({opacityProperty: true, visibilityProperty: true}));
    let drawn = false, points = -1;
    const slots = [];  // what each Plotly div was doing, for the message of a failure
    for (const gd of all) {
      if (!gd.__lensMount) gd.__lensMount = ++window.__lens.mounts;  // a new Plotly div: a slot was remounted
      const slot = gd.closest('[class*="-slot"]');
      let why = '';
      for (let e = gd; e && !why; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.opacity === '0' || cs.visibility === 'hidden')
          why = `${e.getAttribute('data-testid') || e.className.toString().slice(0, 60)} d=${cs.display} o=${cs.opacity} stale=${e.getAttribute('data-stale')}`;
      }
      slots.push([slot ? [...slot.classList].find((c) => c.includes('-slot')).slice(-5) : '?', gd.__lensMount,
                  plots.includes(gd), drawnPlot(gd), why]);
      if (!plots.includes(gd) || !drawnPlot(gd)) continue;
      drawn = true;
      const trace = gd._fullData && gd._fullData[0];
      if (trace && trace.x) points = Math.max(points, trace.x.length);
    }
    return {drawn, points, copies: document.querySelectorAll(`.st-key-${key}`).length, slots};
  };
  window.__lens = {samples: [], click: null, mounts: 0};
  window.__lens.timer = setInterval(() => {
    const s = {t: performance.now()};
    for (const key of charts) s[key] = state(key);
    window.__lens.samples.push(s);
  }, 100);
}"""
BOX_JS = """(key) => {
  const box = document.querySelector(`.st-key-${key}:not([data-stale="true"])`);
  if (!box) return null;
  const r = box.getBoundingClientRect();
  return r.width > 0 && r.height > 0 ? {x: r.x, y: r.y, width: r.width, height: r.height} : null;
}"""
CLICK_JS = """(label) => {
  const button = [...document.querySelectorAll('[data-testid="stButton"] button')]
    .find((b) => b.innerText.trim().endsWith(label));
  window.__lens.click = performance.now();
  button.click();
  return window.__lens.click;
}"""
# Read the epoch the page shows and press Stop in the same instant (no redraw can land in between).
STOP_AT_SHOWN_JS = """() => {
  const metric = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetric"]')]
    .find((m) => m.querySelector('[data-testid="stMetricLabel"]').innerText.trim().startsWith('Epoch'));  // "Epoch (of 3,000)"
  const shown = metric.querySelector('[data-testid="stMetricValue"]').innerText;
  const stop = [...document.querySelectorAll('[data-testid="stButton"] button')]
    .find((b) => b.innerText.trim().endsWith('Stop'));
  stop.click();
  return shown;
}"""


# Which of a live chart's stacked slots is under the student's eyes (the element at the chart's centre), and which
# one the page named as the newest (its hidden marker ``top<a><b>``: slot a on top, see pages/ui/charts.plot_live).
SEEN_SLOT_JS = """(key) => {
  const chart = document.querySelector(`.st-key-${key}`);
  const named_of = (el, kind) => {  // the digit after "-top" (the first of two) or after "-slot"
    const cls = el ? [...el.classList].find((c) => c.startsWith(`st-key-${key}-${kind}`)) : null;
    return cls ? Number(cls.charAt(`st-key-${key}-${kind}`.length)) : null;
  };
  const named = named_of(chart.querySelector(`[class*="st-key-${key}-top"]`), "top");
  const box = chart.getBoundingClientRect();
  const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
  const seen = named_of(hit && hit.closest(`[class*="st-key-${key}-slot"]`), "slot");
  return {named, seen};
}"""


def server_cpu_s(base: str) -> float | None:
    """CPU seconds (user + system) the streamlit server on ``base``'s port has used so far (Linux /proc)."""
    port = base.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                import os
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            continue
    return None


def quick_start(app: App) -> None:
    app.goto("/")
    start_from_home(app)


def measure_quick_start_run(app: App, base: str, shots: Path) -> dict:
    """Home → quick start → Train (watch it learn on, as a lesson starts); sample the charts until done."""
    quick_start(app)
    app.page.evaluate(SAMPLER_JS, list(CHARTS))
    cpu_before = server_cpu_s(base)
    click = app.page.evaluate(CLICK_JS, EN["page.train.train"])
    pictures = []
    main = app.main()
    done = f"Training finished: {QUICK_EPOCHS} of {QUICK_EPOCHS} epochs"
    seen_named = []  # per sample: is the slot under the student's eyes the one the page named as top?
    while not main.get_by_text(done).count():  # mid-run screenshots of the loss chart (pixels, not the DOM)
        if len(pictures) < 4 and app.page.locator(".st-key-train-loss_chart .js-plotly-plot").count():
            box = app.page.evaluate(BOX_JS, CHARTS[0])
            if box is not None:  # the chart's place on the screen, then the pixels there (a DOM node may be swapped)
                pictures.append(app.page.screenshot(clip=box, animations="disabled"))
        if app.page.locator(".st-key-train-loss_chart .js-plotly-plot").count() >= 2:
            found = app.page.evaluate(SEEN_SLOT_JS, "train-loss_chart")
            if found["named"] is not None and found["seen"] is not None:
                seen_named.append(found["seen"] == found["named"])
        app.page.wait_for_timeout(350)
        assert app.page.evaluate("() => performance.now()") - click < 180_000, "the run never ended"
    app.page.wait_for_timeout(1500)  # the page's full redraw after the run ends must not blank the charts either
    samples = app.page.evaluate("() => { clearInterval(window.__lens.timer); return window.__lens.samples; }")
    cpu_after = server_cpu_s(base)
    app.idle()

    def first(check):
        return next((s for s in samples if check(s)), None)

    first_point = first(lambda s: s[CHARTS[0]]["points"] >= 1)
    last_point = first(lambda s: s[CHARTS[0]]["points"] >= QUICK_EPOCHS)
    assert first_point is not None and last_point is not None, samples[-3:]
    (shots / f"samples_{len(list(shots.glob('samples_*.json')))}.json").write_text(json.dumps({"click": click, "samples": samples}))  # for a look after a failure
    # A sample taken just after the browser itself was frozen (its 100 ms timer late by more than 150 ms: the
    # shared test machine at a load of 20 on 2 cores) may catch the backlog of redraws being applied at once;
    # it is reported apart, the others must all show both charts.
    blanks, after_freeze = [], []
    for before, s in zip(samples, samples[1:]):
        if s["t"] < first_point["t"]:
            continue
        for key in CHARTS:
            if not s[key]["drawn"]:
                (after_freeze if s["t"] - before["t"] > 250 else blanks).append(
                    (round(s["t"] - click), key, before[key]["slots"], s[key]["slots"]))
    counts = [s[CHARTS[0]]["points"] for s in samples if first_point["t"] <= s["t"] <= last_point["t"]]
    redraws = sum(1 for a, b in zip(counts, counts[1:]) if b != a)
    for k, png in enumerate(pictures):
        from PIL import Image

        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"), np.float32)
        (shots / f"live_loss_{k}.png").write_bytes(png)
        assert pixels.std() > 5, f"mid-run screenshot {k} of the loss chart is blank (constant pixels)"
    return {
        "first_point_s": (first_point["t"] - click) / 1000,
        "run_s": (last_point["t"] - click) / 1000,
        "watched_s": (last_point["t"] - first_point["t"]) / 1000,
        "redraws": redraws,
        "redraws_per_s": redraws / max(1e-3, (last_point["t"] - first_point["t"]) / 1000),
        "blanks": blanks,
        "blank_after_freeze": after_freeze,
        "freezes": sum(1 for a, b in zip(samples, samples[1:]) if b["t"] - a["t"] > 250),
        "pictures": len(pictures),
        "seen_named": seen_named,
        "server_cpu_s": None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
    }


def test_a_quick_start_run_can_be_watched_without_blank_charts(new_app, server, tmp_path, timings):
    results = []
    for _ in range(RUNS):
        app = new_app()
        result = measure_quick_start_run(app, server, tmp_path)
        app.assert_clean()
        app.page.context.close()
        results.append(result)
        print(f"\nquick-start run: first loss point {result['first_point_s']:.2f} s after the click, last "
              f"{result['run_s']:.2f} s, {result['redraws']} redraws ({result['redraws_per_s']:.1f}/s), "
              f"server CPU {result['server_cpu_s']} s, blank samples {result['blanks']}, browser frozen "
              f"{result['freezes']} times, blank right after a freeze {result['blank_after_freeze']}")
    for key in ("first_point_s", "run_s", "redraws_per_s"):
        timings[f"quick start, median of {RUNS}: {key}"] = statistics.median(r[key] for r in results)
    for result in results:
        assert not result["blanks"], f"a chart area was blank between two redraws at (ms, chart) {result['blanks']}"
        # The order a class sees: a first point, then the curve growing over redraws, then the end. (How many
        # redraws is printed, not asserted: a browser frozen by a busy test machine redraws less.)
        assert result["first_point_s"] < result["run_s"] and result["redraws"] >= 1
        assert result["pictures"] >= 1
    # While a watched run redraws, the loss chart under the student's eyes is the slot the page names as top.
    # With the slots stacked in DOM order instead (no working z-index) it was in about a third of the samples.
    seen = [hit for result in results for hit in result["seen_named"]]
    print(f"\nthe slot named top was the one seen in {sum(seen)} of {len(seen)} samples")
    assert len(seen) >= 5 and sum(seen) >= 0.8 * len(seen), seen


def test_stop_keeps_the_epoch_on_the_screen_and_the_sidebar_agrees(app):
    requested = 3000
    quick_start(app)
    app.set_number("Epochs", requested)
    app.button(EN["page.train.train"]).click()
    main = app.main()
    outcomes: list[bool] = []
    for attempt in range(ATTEMPTS):
        expect(main).to_contain_text(re.compile(rf"Training: epoch ([5-9]|\d\d+) of {requested}"), timeout=120_000)
        app.page.wait_for_timeout(400 + 300 * attempt)  # land Stop at different moments of the redraw cycle
        shown = app.page.evaluate(STOP_AT_SHOWN_JS)
        displayed = int(shown.split("/")[0].replace(",", "").strip())
        kept = re.compile(rf"Training stopped after epoch (\d+) of {requested}")
        expect(main).to_contain_text(kept, timeout=30_000)
        app.idle()
        done = int(kept.search(main.inner_text()).group(1))
        print(f"\nStop: displayed epoch {displayed}, kept epoch {done}")
        # The server keeps the epoch it last drew: the one on screen, unless that redraw was still on its way
        # to a (frozen) browser at the click; never an epoch trained after the last redraw.
        outcomes.append(done == displayed)
        assert displayed <= done
        expect(app.sidebar()).to_contain_text(f"Stopped after {done} of {requested} epochs")
        app.wait_for_plot("train.loss_chart", f"s.scatterPoints[0] === {done}")
        if attempt < ATTEMPTS - 1:
            app.button(EN["page.train.train"]).click()
    print(f"\nStop kept exactly the displayed epoch in {sum(outcomes)} of {len(outcomes)} tries")
