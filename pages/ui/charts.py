"""Charts that more than one page draws: the training view (live on Train) and the series preview."""
from __future__ import annotations

import html

import numpy as np
import streamlit as st

from lstm_viz import figures, slots
from lstm_viz.figures.gates import bar_marker, bar_range
from lstm_viz import workspace as wsm
from lstm_viz.i18n import tr
from lstm_viz.numbers import format_number
from lstm_viz.workspace import Dataset, Run
from pages.ui import screen

LIVE_ROW_PX = 62  # heatmap rows in the live view: small, so the whole cell fits on a laptop screen
CHART_CONFIG = {"displaylogo": False}


def plot(fig, key: str) -> None:
    """Draw a Plotly figure with a stable key (so a refresh updates it in place)."""
    st.plotly_chart(fig, key=key, config=CHART_CONFIG, theme=None)


def safe_label(text: object) -> str:
    """Escape user text (a column or file name) before Plotly draws it; Plotly reads a little HTML."""
    return html.escape(str(text), quote=False)


def series_preview(dataset: Dataset, lang: str) -> None:
    """Draw the data set with its test part shaded."""
    series = dataset.series
    fig = figures.series_figure(series.axis(), series.values, dataset.n_points - dataset.test_size,
                                title=safe_label(dataset.label), lang=lang)
    plot(fig, "data.preview")


def status_view(run: Run, lang: str, live: bool) -> None:
    """Draw where the run stands: progress (while live) or its outcome, and the latest numbers."""
    trainer = run.trainer
    ahead = wsm.queue_place(run) if live else None
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
    elif trainer.status in ("done", "stopped"):
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
    build = lambda: figures.loss_figure(epochs, train_loss, val_loss, lang=lang)  # noqa: E731
    refresh = lambda fig: _refresh_loss(fig, epochs, train_loss, val_loss, lang)  # noqa: E731
    plot(live_figure("train.loss", (run.run_id, lang), build, refresh), "train.loss_chart")


def forecast_view(run: Run, lang: str, live: bool) -> None:
    """Draw the series with the model's one-step predictions as they are now."""
    if run.last is None:
        return
    split = run.split
    pred = wsm.live_predictions(run)
    build = lambda: figures.forecast_figure(  # noqa: E731
        run.dataset.series.axis(), split.values, split.n_train, fitted=pred.fitted, test_pred=pred.test,
        window=split.window, lang=lang, title=tr("fig.forecast.title_short", lang))  # half a page wide
    refresh = lambda fig: _refresh_named(fig, {tr("fig.forecast.fitted", lang): pred.fitted,  # noqa: E731
                                               tr("fig.forecast.one_step", lang): pred.test})
    plot(live_figure("train.forecast", (run.run_id, lang), build, refresh), "train.forecast_chart")


def gates_view(run: Run, lang: str, live: bool) -> None:
    """Draw the top layer's gates and states on the first test window, as the model is now."""
    if run.last is None:
        return
    view = wsm.gate_trace(None, 0, run=run)
    layer = view.trace.layer(-1)
    build = lambda: figures.gates_figure(layer, view.inputs, time=view.axis, lang=lang,  # noqa: E731
                                         animate=False, row_height=LIVE_ROW_PX)
    # Built once per run while it trains (a build costs about 0.3 s of the server's one interpreter
    # lock; a refresh a few ms), and once more when it ends.
    key = (run.run_id, lang) if live else (run.run_id, lang, run.epochs_done)
    plot(live_figure("train.gates", key, build, lambda fig: _refresh_gates(fig, layer)), "train.gates_chart")
    st.caption(tr("page.train.gates_caption", lang))


# -- live figures: built once per run, then only their numbers change -----------------------------
# Building a styled Plotly figure costs 20–200 ms, swapping a trace's arrays about 1 ms: while a
# model trains, the figures below are refreshed in place. Each refresh finds its traces by name and
# says False when the figure is not shaped as expected, which makes live_figure build it afresh.


def live_figure(name: str, key: tuple, build, refresh):
    """Return figure ``name``: built when ``key`` changes (or ``refresh`` declines), else refreshed in place."""
    store = st.session_state.setdefault("_figures", {})
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
    curves = {trace.name: trace for trace in fig.data if trace.name in (train_name, val_name)}
    stars = [trace for trace in fig.data if trace.name not in curves and trace.mode == "markers"]
    finite = np.isfinite(val_loss)
    if len(curves) != 2 or len(stars) != 1 or not finite.any():
        return False
    best = int(np.nanargmin(np.where(finite, val_loss, np.nan)))
    with fig.batch_update():
        curves[train_name].x, curves[train_name].y = epochs, np.asarray(train_loss, np.float32)
        curves[val_name].x, curves[val_name].y = epochs, np.asarray(val_loss, np.float32)
        stars[0].x, stars[0].y = epochs[best:best + 1], np.asarray(val_loss[best:best + 1], np.float32)
        stars[0].name = tr("fig.loss.best", lang, epoch=epochs[best])
    return True


def _refresh_gates(fig, layer) -> bool:
    """Swap in new heatmaps (units × time) and the bars of step 0; units in index order, as built."""
    heatmaps = {t.name: t for t in fig.data if t.type == "heatmap" and t.name in layer.values}
    bars = {t.name: t for t in fig.data if t.type == "bar" and t.name in layer.values}
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


def progress_view(run: Run, lang: str, live: bool) -> None:
    """Draw the status, the loss curves and the forecast side by side (one fragment: one redraw)."""
    status_view(run, lang, live)
    left, right = st.container(key=screen.wrap_key(20, "train_charts")).columns(2)
    with left:
        loss_view(run, lang, live)
    with right:
        forecast_view(run, lang, live)


# How often each live part redraws while training on a quiet server (seconds), and whether it
# redraws while the run waits in line. Every redraw is a Streamlit fragment run, so the cheap
# numbers share one; the heatmaps, bigger to send, come a little less often. A busy server
# stretches these (lstm_viz.slots.refresh_interval).
LIVE_PARTS: tuple[tuple[str, object, float, bool], ...] = (
    ("progress", progress_view, 0.3, True),
    ("gates", gates_view, 0.6, False),
)


def cached(name: str, key: tuple, build):
    """Return the figure ``name`` built for ``key``, rebuilding only when ``key`` changes.

    Kept per user in session state (a figure holds that user's model's gates),
    one entry per name, so moving an unrelated widget does not rebuild a big animation.
    """
    store = st.session_state.setdefault("_figures", {})
    hit = store.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    fig = build()
    store[name] = (key, fig)
    return fig
