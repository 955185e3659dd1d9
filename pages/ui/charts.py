"""Charts that more than one page draws: the training view (live on Train) and the series preview."""
from __future__ import annotations

import html

import numpy as np
import streamlit as st

from lstm_viz import figures
from lstm_viz import workspace as wsm
from lstm_viz.i18n import tr
from lstm_viz.workspace import Dataset, Run

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
    a, b, c, d = st.columns(4)
    a.metric(tr("page.train.m.epoch", lang), f"{last.epoch} / {run.cfg.epochs}")
    b.metric(tr("page.train.m.train_loss", lang), f"{last.train_loss:.4g}")
    c.metric(tr("page.train.m.val_loss", lang), f"{last.val_loss:.4g}")
    speed = last.epoch / last.elapsed_s if last.elapsed_s > 0 else float("nan")
    d.metric(tr("page.train.m.speed", lang), f"{speed:.1f}" if np.isfinite(speed) else "–",
             help=tr("page.train.m.speed.help", lang))


def loss_view(run: Run, lang: str, live: bool) -> None:
    """Draw the training and validation loss per epoch."""
    if run.last is not None:
        epochs, train_loss, val_loss = run.trainer.losses()
        plot(figures.loss_figure(epochs, train_loss, val_loss, lang=lang), "train.loss_chart")


def forecast_view(run: Run, lang: str, live: bool) -> None:
    """Draw the series with the model's one-step predictions as they are now."""
    if run.last is not None:
        split = run.split
        pred = wsm.live_predictions(run)
        fig = figures.forecast_figure(run.dataset.series.axis(), split.values, split.n_train,
                                      fitted=pred.fitted, test_pred=pred.test, window=split.window, lang=lang)
        plot(fig, "train.forecast_chart")


def gates_view(run: Run, lang: str, live: bool) -> None:
    """Draw the top layer's gates and states on the first test window, as the model is now."""
    if run.last is None:
        return

    def still():
        view = wsm.gate_trace(None, 0, run=run)
        return figures.gates_figure(view.trace.layer(-1), view.inputs, time=view.axis, lang=lang,
                                    animate=False, row_height=LIVE_ROW_PX)

    plot(cached("train.gates", (run.run_id, run.epochs_done, lang), still), "train.gates_chart")
    st.caption(tr("page.train.gates_caption", lang))


# How often each live part redraws while training. The cheap ones often; the six
# heatmaps (the costliest figure to build) less, so drawing never starves training.
LIVE_PARTS: tuple[tuple[str, object, float], ...] = (
    ("status", status_view, 0.3),
    ("loss", loss_view, 0.3),
    ("forecast", forecast_view, 0.5),
    ("gates", gates_view, 1.0),
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
