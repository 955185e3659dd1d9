"""Charts that more than one page draws: the training view (live on Train) and the series preview."""
from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
import plotly.io
import streamlit as st

from lstm_viz import figures, slots
from lstm_viz.figures.dates import localize_dates
from lstm_viz.figures.gates import bar_marker, bar_range
from lstm_viz.figures.series import loss_hover
from lstm_viz import workspace
from lstm_viz.i18n import tr
from lstm_viz.numbers import format_number
from lstm_viz.workspace import Dataset, Run
from pages.ui import screen, state

FIGURES_KEY = "_figures"  # session state: name -> (key, figure), see cached()
LIVE_ROW_PX = 62  # heatmap rows in the live view: small, so the whole cell fits on a laptop screen
CHART_CONFIG = {"displaylogo": False}


def plot(fig, key: str) -> None:
    """Draw a Plotly figure with a stable key (so a refresh updates it in place); dates in the reader's language."""
    st.plotly_chart(localize_dates(fig, state.lang()), key=key, config=CHART_CONFIG, theme=None)


LIVE_CHART_KEYS = ("train.loss_chart", "train.forecast_chart", "train.gates_chart")


LIVE_SLOTS = 3  # figures stacked per live chart: the newest, and two older ones in case it is not drawn yet
# The stacking rules of live_chart_css, written out (see its docstring).
LIVE_CHART_STYLE = """<style>
.st-key-train-loss_chart {display: grid; grid-template-columns: minmax(0, 1fr);}
.st-key-train-loss_chart > div {grid-area: 1 / 1; width: 100%; min-width: 0;}
.st-key-train-loss_chart-top01 {display: none;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top01) > div:has(.st-key-train-loss_chart-slot0) {z-index: 2;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top01) > div:has(.st-key-train-loss_chart-slot1) {z-index: 1;}
.st-key-train-loss_chart-top02 {display: none;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top02) > div:has(.st-key-train-loss_chart-slot0) {z-index: 2;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top02) > div:has(.st-key-train-loss_chart-slot2) {z-index: 1;}
.st-key-train-loss_chart-top10 {display: none;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top10) > div:has(.st-key-train-loss_chart-slot1) {z-index: 2;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top10) > div:has(.st-key-train-loss_chart-slot0) {z-index: 1;}
.st-key-train-loss_chart-top12 {display: none;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top12) > div:has(.st-key-train-loss_chart-slot1) {z-index: 2;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top12) > div:has(.st-key-train-loss_chart-slot2) {z-index: 1;}
.st-key-train-loss_chart-top20 {display: none;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top20) > div:has(.st-key-train-loss_chart-slot2) {z-index: 2;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top20) > div:has(.st-key-train-loss_chart-slot0) {z-index: 1;}
.st-key-train-loss_chart-top21 {display: none;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top21) > div:has(.st-key-train-loss_chart-slot2) {z-index: 2;}
.st-key-train-loss_chart:has(.st-key-train-loss_chart-top21) > div:has(.st-key-train-loss_chart-slot1) {z-index: 1;}
.st-key-train-forecast_chart {display: grid; grid-template-columns: minmax(0, 1fr);}
.st-key-train-forecast_chart > div {grid-area: 1 / 1; width: 100%; min-width: 0;}
.st-key-train-forecast_chart-top01 {display: none;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top01) > div:has(.st-key-train-forecast_chart-slot0) {z-index: 2;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top01) > div:has(.st-key-train-forecast_chart-slot1) {z-index: 1;}
.st-key-train-forecast_chart-top02 {display: none;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top02) > div:has(.st-key-train-forecast_chart-slot0) {z-index: 2;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top02) > div:has(.st-key-train-forecast_chart-slot2) {z-index: 1;}
.st-key-train-forecast_chart-top10 {display: none;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top10) > div:has(.st-key-train-forecast_chart-slot1) {z-index: 2;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top10) > div:has(.st-key-train-forecast_chart-slot0) {z-index: 1;}
.st-key-train-forecast_chart-top12 {display: none;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top12) > div:has(.st-key-train-forecast_chart-slot1) {z-index: 2;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top12) > div:has(.st-key-train-forecast_chart-slot2) {z-index: 1;}
.st-key-train-forecast_chart-top20 {display: none;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top20) > div:has(.st-key-train-forecast_chart-slot2) {z-index: 2;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top20) > div:has(.st-key-train-forecast_chart-slot0) {z-index: 1;}
.st-key-train-forecast_chart-top21 {display: none;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top21) > div:has(.st-key-train-forecast_chart-slot2) {z-index: 2;}
.st-key-train-forecast_chart:has(.st-key-train-forecast_chart-top21) > div:has(.st-key-train-forecast_chart-slot1) {z-index: 1;}
.st-key-train-gates_chart {display: grid; grid-template-columns: minmax(0, 1fr);}
.st-key-train-gates_chart > div {grid-area: 1 / 1; width: 100%; min-width: 0;}
.st-key-train-gates_chart-top01 {display: none;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top01) > div:has(.st-key-train-gates_chart-slot0) {z-index: 2;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top01) > div:has(.st-key-train-gates_chart-slot1) {z-index: 1;}
.st-key-train-gates_chart-top02 {display: none;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top02) > div:has(.st-key-train-gates_chart-slot0) {z-index: 2;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top02) > div:has(.st-key-train-gates_chart-slot2) {z-index: 1;}
.st-key-train-gates_chart-top10 {display: none;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top10) > div:has(.st-key-train-gates_chart-slot1) {z-index: 2;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top10) > div:has(.st-key-train-gates_chart-slot0) {z-index: 1;}
.st-key-train-gates_chart-top12 {display: none;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top12) > div:has(.st-key-train-gates_chart-slot1) {z-index: 2;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top12) > div:has(.st-key-train-gates_chart-slot2) {z-index: 1;}
.st-key-train-gates_chart-top20 {display: none;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top20) > div:has(.st-key-train-gates_chart-slot2) {z-index: 2;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top20) > div:has(.st-key-train-gates_chart-slot0) {z-index: 1;}
.st-key-train-gates_chart-top21 {display: none;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top21) > div:has(.st-key-train-gates_chart-slot2) {z-index: 2;}
.st-key-train-gates_chart:has(.st-key-train-gates_chart-top21) > div:has(.st-key-train-gates_chart-slot1) {z-index: 1;}
</style>"""


def plot_live(fig, key: str, live: bool = True) -> None:
    """Draw a figure that changes on every redraw, with no blank frame in between (a stack of slots).

    Streamlit derives a chart's element id from its whole spec, so a figure whose data
    changed is unmounted and mounted afresh, and its area stays blank until Plotly has
    drawn it again: 0.2 to 0.5 s on a busy laptop, seen as a blinking chart
    (streamlit/streamlit#8782; #16052 would keep keyed charts in place). So the chart
    has :data:`LIVE_SLOTS` slots stacked in one grid cell. While a run trains (``live``)
    each redraw puts the new figure in the oldest slot *under* the one before it, which
    stays on top until the next redraw: a slot mounted afresh is blank until drawn, and on
    top it would show that blank (the chart lags one redraw, a fraction of a second; the
    numbers above it do not). The third slot covers a browser too slow to draw one figure
    before the next arrives. Once no redraw follows (``live`` False: the run has ended) the
    new figure goes straight to the top. A redraw with an unchanged figure (no epoch ended
    since the one before) raises the newest slot and remounts none: remounting the slots
    under it as well, before the browser had drawn the newest, blanked the whole chart.
    """
    store = st.session_state.setdefault("_live_buffers", {})
    spec = plotly.io.to_json(fig, validate=False)
    stack = store.get(key) or {"specs": [None] * LIVE_SLOTS, "figs": [None] * LIVE_SLOTS,
                               "order": list(range(LIVE_SLOTS))}  # order: oldest first, newest last
    store[key] = stack
    order, specs, figs = stack["order"], stack["specs"], stack["figs"]
    top, under = order[-1], order[-2]
    if spec != specs[order[-1]]:
        k = order.pop(0)  # the new figure goes in the oldest slot
        order.append(k)
        specs[k], figs[k] = spec, go.Figure(fig)  # a frozen copy: fig changes in place
        top, under = (order[-2], order[-1]) if live else (order[-1], order[-2])
    else:  # no new figure: raise the newest, which has had a redraw's time to be drawn, and remount nothing
        top, under = order[-1], order[-2]
    with st.container(key=key):
        for k in range(LIVE_SLOTS):
            with st.container(key=f"{key}.slot{k}"):
                if figs[k] is not None:
                    st.plotly_chart(figs[k], key=f"{key}.{k}", config=CHART_CONFIG, theme=None)
        with st.container(key=f"{key}.top{top}{under}"):  # hidden: names the top two slots for the CSS
            st.caption("·")


def live_chart_css() -> None:
    """Style the stacked live charts (:func:`plot_live`): all slots in one grid cell, the newest on top.

    Drawn once by the page (style-only HTML goes to Streamlit's event container), not by each redraw.
    The rules are one literal (raw HTML takes constants only, tests/test_safety.py); for each chart of
    :data:`LIVE_CHART_KEYS` and each (top, middle) pair of its :data:`LIVE_SLOTS` slots, a hidden marker
    container names the order; ``tests/test_live_chart_css.py`` rebuilds them from those two constants.
    """
    st.html(LIVE_CHART_STYLE)


def safe_label(text: object) -> str:
    """Escape user text (a column or file name) before Plotly draws it; Plotly reads a little HTML."""
    return html.escape(str(text), quote=False)


def series_preview(dataset: Dataset, lang: str) -> None:
    """Draw the data set with its training, validation and test parts shaded."""
    series = dataset.series
    fig = figures.series_figure(series.axis(), series.values, dataset.n_points - dataset.test_size,
                                title=safe_label(dataset.label), lang=lang, val_size=dataset.val_size)
    plot(fig, "data.preview")


def status_view(run: Run, lang: str, live: bool) -> None:
    """Draw where the run stands: progress (while live) or its outcome, and the latest numbers."""
    trainer = run.trainer
    ahead = workspace.queue_place(run) if live else None
    if ahead is not None:
        key = "page.train.waiting_next" if ahead == 0 else "page.train.waiting"
        st.info(tr(key, lang, ahead=ahead, slots=slots.QUEUE.slots), icon=":material/hourglass_top:")
        return
    key, params = trainer.status_message()
    text = tr(key, lang, **params)
    if live:
        st.progress(min(1.0, trainer.progress), text=text)
    elif trainer.status == "diverged":
        st.warning(text, icon=":material/warning:")
    elif trainer.status in ("done", "stopped", "early"):
        st.success(text, icon=":material/check_circle:")
    last = run.last
    if last is None:
        key = "page.train.loaded" if run.loaded else "page.train.first_epoch"
        st.info(tr(key, lang), icon=":material/hourglass_top:")
        return
    a, b, c, d = st.container(key=screen.pairs_key("train_metrics")).columns(4)
    epochs = format_number(run.cfg.epochs)  # in the label, so the number itself stays short
    a.metric(tr("page.train.m.epoch_of", lang, epochs=epochs), format_number(last.epoch),
             help=tr("page.train.m.epoch.help", lang, epochs=epochs))
    loss_help = tr("page.train.m.loss.help", lang)
    b.metric(tr("page.train.m.train_loss", lang), format_number(last.train_loss), help=loss_help)
    c.metric(tr("page.train.m.val_loss", lang), format_number(last.val_loss), help=loss_help)
    speed = last.epoch / last.elapsed_s if last.elapsed_s > 0 else float("nan")
    d.metric(tr("page.train.m.speed", lang), format_number(speed), help=tr("page.train.m.speed.help", lang))


def loss_view(run: Run, lang: str, live: bool) -> None:
    """Draw the training and validation loss per epoch."""
    if run.last is None:
        return
    epochs, train_loss, val_loss = run.trainer.losses()
    if run.split.val_size == 0:  # no validation part: no validation curve and no best epoch
        val_loss = None
    build = lambda: figures.loss_figure(epochs, train_loss, val_loss, lang=lang)  # noqa: E731
    refresh = lambda fig: _refresh_loss(fig, epochs, train_loss, val_loss, lang)  # noqa: E731
    plot_live(live_figure("train.loss", (run.run_id, lang), build, refresh), "train.loss_chart", live)
    best = run.trainer.best_epoch
    if best is not None:  # chosen on the validation part only; the test part is not looked at here
        st.caption(tr("eval.train.best", lang, epoch=best, val_loss=float(val_loss[list(epochs).index(best)])))


def forecast_view(run: Run, lang: str, live: bool) -> None:
    """Draw the series with the model's one-step predictions as they are now."""
    if run.last is None:
        return
    split = run.split
    pred = workspace.live_predictions(run)
    build = lambda: figures.forecast_figure(  # noqa: E731
        run.dataset.series.axis(), split.values, split.n_train, fitted=pred.fitted, test_pred=pred.test,
        window=split.window, lang=lang, title=tr("fig.forecast.title_short", lang),  # half a page wide
        val_size=split.val_size)
    refresh = lambda fig: _refresh_named(fig, {tr("fig.forecast.fitted", lang): pred.fitted,  # noqa: E731
                                               tr("fig.forecast.one_step", lang): pred.test})
    plot_live(live_figure("train.forecast", (run.run_id, lang), build, refresh), "train.forecast_chart", live)


def gates_view(run: Run, lang: str, live: bool) -> None:
    """Draw the top layer's gates and states on the first test window, as the model is now."""
    if run.last is None:
        return
    view = workspace.gate_trace(None, 0, run=run)
    layer = view.trace.layer(-1)
    build = lambda: figures.gates_figure(layer, view.lines, time=view.axis, lang=lang,  # noqa: E731
                                         animate=False, row_height=LIVE_ROW_PX, input_names=view.line_names)
    # Built once per run while it trains (a build costs about 0.3 s of the server's one interpreter
    # lock; a refresh a few ms), and once more when it ends.
    key = (run.run_id, lang) if live else (run.run_id, lang, run.epochs_done)
    plot_live(live_figure("train.gates", key, build, lambda fig: _refresh_gates(fig, layer)), "train.gates_chart",
              live)
    st.caption(tr("page.train.gates_caption", lang))


# -- live figures: built once per run, then only their numbers change -----------------------------
# Building a styled Plotly figure costs 20–200 ms, swapping a trace's arrays about 1 ms: while a
# model trains, the figures below are refreshed in place. Each refresh finds its traces by name and
# says False when the figure is not shaped as expected, which makes live_figure build it afresh.


def live_figure(name: str, key: tuple, build, refresh):
    """Return figure ``name``: built when ``key`` changes (or ``refresh`` declines), else refreshed in place."""
    store = st.session_state.setdefault(FIGURES_KEY, {})
    hit = store.get(name)
    if hit is not None and hit[0] == key and refresh(hit[1]):
        return hit[1]
    fig = build()
    store[name] = (key, fig)
    return fig


def _refresh_named(fig, series: dict) -> bool:
    """Replace the y values of the traces named in ``series``; False unless each is found once."""
    found = {trace.name: trace for trace in fig.data if trace.name in series}
    if len(found) != len(series) or any(len(found[n].x) != len(y) for n, y in series.items()):
        return False
    with fig.batch_update():
        for name, y in series.items():
            found[name].y = np.asarray(y, np.float32)
    return True


def _refresh_loss(fig, epochs, train_loss, val_loss, lang: str) -> bool:
    """Extend the loss curves and move the best-validation star."""
    train_name, val_name = tr("fig.loss.train", lang), tr("fig.loss.val", lang)
    if val_loss is None:
        found = [trace for trace in fig.data if trace.name == train_name]
        if len(found) != 1 or len(fig.data) != 1:
            return False
        found[0].x, found[0].y = epochs, np.asarray(train_loss, np.float32)
        found[0].hovertemplate = loss_hover(train_loss, None, lang)
        return True
    curves = {trace.name: trace for trace in fig.data if trace.name in (train_name, val_name)}
    stars = [trace for trace in fig.data if trace.name not in curves and trace.mode == "markers"]
    finite = np.isfinite(val_loss)
    if len(curves) != 2 or len(stars) != 1 or not finite.any():
        return False
    best = int(np.nanargmin(np.where(finite, val_loss, np.nan)))
    hover = loss_hover(train_loss, val_loss, lang)
    with fig.batch_update():
        for trace in (*curves.values(), stars[0]):
            trace.hovertemplate = hover
        curves[train_name].x, curves[train_name].y = epochs, np.asarray(train_loss, np.float32)
        curves[val_name].x, curves[val_name].y = epochs, np.asarray(val_loss, np.float32)
        stars[0].x, stars[0].y = epochs[best:best + 1], np.asarray(val_loss[best:best + 1], np.float32)
        stars[0].name = tr("fig.loss.best", lang, epoch=epochs[best])
    return True


def _refresh_gates(fig, layer) -> bool:
    """Swap in new heatmaps (units × time) and the bars of step 0; units in index order, as built."""
    heatmaps = {t.name: t for t in fig.data if t.type == "heatmap" and t.name in layer.values}
    bars = {t.name: t for t in fig.data if t.type == "histogram" and t.name in layer.values}
    if not heatmaps or heatmaps.keys() != bars.keys():
        return False
    with fig.batch_update():
        for name, trace in heatmaps.items():
            trace.z = np.ascontiguousarray(layer[name].T, np.float32)
        for name, trace in bars.items():
            vector = np.asarray(layer[name][0], np.float32)
            trace.x = vector
            trace.marker = bar_marker(name, vector)
            # The cell state is unbounded: its bar axis follows it, as a fresh build would size it.
            fig.layout[trace.xaxis.replace("x", "xaxis", 1)].range = bar_range(layer, name)
    return True


SHOWN_EPOCH_KEY = "_train_shown_epoch"  # the epoch the live view last drew (for Stop)


def progress_view(run: Run, lang: str, live: bool) -> None:
    """Draw the status, the loss curves and the forecast side by side (one fragment: one redraw).

    Each redraw notes the epoch it shows (:func:`lstm_viz.workspace.show_epoch`)
    and remembers it for Stop: training goes on after a redraw, but Stop keeps
    the epoch on the student's screen. (Not exactly when a redraw is still on its
    way to the browser at the click, a few ms on a laptop, seconds in a frozen
    browser: it then keeps the newer epoch. Neither a hidden widget's value nor
    the page address, tried as ways for the click to carry the epoch from the
    browser, followed the redraws.)
    """
    shown = workspace.show_epoch(run) if live else None
    if live:  # first: the status goes out before the charts, so a redraw cut short by Stop may be on screen
        st.session_state[SHOWN_EPOCH_KEY] = (run.run_id, shown.epoch if shown is not None else 0)
    with st.container():  # the status varies in length; the charts after it must keep their place
        status_view(run, lang, live)
    left, right = st.container(key=screen.wrap_key(20, "train_charts")).columns(2)
    with left:
        loss_view(run, lang, live)
    with right:
        forecast_view(run, lang, live)


def shown_epoch(run: Run | None) -> int | None:
    """The epoch of ``run`` the live view last drew in full (None: none drawn), for the Stop button."""
    kept = st.session_state.get(SHOWN_EPOCH_KEY)
    return kept[1] if run is not None and kept is not None and kept[0] == run.run_id else None


# How often each live part redraws while training on a quiet server (seconds), and whether it
# redraws while the run waits in line. Every redraw is a Streamlit fragment run, so the cheap
# numbers share one; the heatmaps, bigger to send, come a little less often. A busy server
# stretches these (lstm_viz.slots.refresh_interval).
LIVE_PARTS: tuple[tuple[str, object, float, bool], ...] = (
    ("progress", progress_view, 0.3, True),
    ("gates", gates_view, 0.6, False),
)


def cached_figure(name: str) -> tuple | None:
    """Return the (key, figure) last built by :func:`cached` under ``name``, or None."""
    return st.session_state.get(FIGURES_KEY, {}).get(name)


def cached(name: str, key: tuple, build):
    """Return the figure ``name`` built for ``key``, rebuilding only when ``key`` changes.

    Kept per user in session state (a figure holds that user's model's gates),
    one entry per name, so moving an unrelated widget does not rebuild a big animation.
    """
    store = st.session_state.setdefault(FIGURES_KEY, {})
    hit = store.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    fig = build()
    store[name] = (key, fig)
    return fig
