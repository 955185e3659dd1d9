"""The Train page's settings widgets: one per :class:`~lstm_viz.config.Config` field, bounded by ``LIMITS``.

Widget keys are ``train.<field>``; they persist for the whole session, so a
visit to another page keeps them. :func:`apply` fills them from a Config
(the Home button's "good defaults"), :func:`read` turns them back into one.
"""
from __future__ import annotations

import streamlit as st

from lstm_viz.config import LIMITS, Config
from lstm_viz.transforms import TRANSFORMS, diff_lags
from pages.ui.numbers import number_box
from pages.ui.state import t

FIELDS: tuple[str, ...] = ("hidden_size", "num_layers", "dropout", "window", "epochs", "lr", "batch_size", "seed",
                           "transform", "diff", "patience")
BATCH_SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
LEARNING_RATES = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
MAX_WINDOW_SLIDER = 128


def key(name: str) -> str:
    """Return the widget key of a Config field."""
    return f"train.{name}"


def apply(cfg: Config) -> None:
    """Set every settings widget to ``cfg`` (call before the widgets are drawn in this run)."""
    for name in FIELDS:
        st.session_state[key(name)] = getattr(cfg, name)


def _nearest(options: list, value) -> object:
    return min(options, key=lambda option: abs(option - value))


def _prepare(cfg: Config, max_window: int) -> None:
    """Start missing widgets from ``cfg`` and snap kept values onto the widgets' options and bounds.

    The number boxes (hidden size, epochs, seed) bound their own values, with a sentence (pages/ui/numbers.py).
    """
    for name in FIELDS:
        st.session_state.setdefault(key(name), getattr(cfg, name))
    if st.session_state[key("transform")] not in TRANSFORMS:
        st.session_state[key("transform")] = "none"
    st.session_state[key("diff")] = int(st.session_state[key("diff")] or 0)
    for name, options in (("batch_size", BATCH_SIZES), ("lr", LEARNING_RATES)):
        if st.session_state[key(name)] not in options:
            st.session_state[key(name)] = _nearest(options, st.session_state[key(name)])
    low, high = LIMITS["window"]
    st.session_state[key("window")] = int(min(max(st.session_state[key("window")], low), max_window))


def draw(cfg: Config, max_window: int, season: int | None = None) -> None:
    """Draw the eleven settings, each with a one-sentence help text (layers, dropout and seed folded away)."""
    max_window = int(max(LIMITS["window"][0] + 1, min(max_window, MAX_WINDOW_SLIDER)))
    _prepare(cfg, max_window)
    persist = {"persist_state": "session"}

    def box(where, name: str, step: int) -> None:
        low, high = (int(v) for v in LIMITS[name])
        number_box(where, t(f"page.train.{name}"), low, high, key(name), step=step,
                   help=t(f"page.train.{name}.help"), **persist)

    box(st, "hidden_size", 4)
    st.slider(t("page.train.window"), int(LIMITS["window"][0]), max_window, key=key("window"),
              help=t("page.train.window.help"), **persist)
    box(st, "epochs", 10)
    st.select_slider(t("page.train.lr"), LEARNING_RATES, key=key("lr"), format_func=lambda v: f"{v:g}",
                     help=t("page.train.lr.help"), **persist)
    st.select_slider(t("page.train.batch_size"), BATCH_SIZES, key=key("batch_size"),
                     help=t("page.train.batch_size.help"), **persist)
    st.segmented_control(t("eval.transform"), TRANSFORMS, key=key("transform"), required=True,
                         format_func=lambda kind: t(f"eval.transform.{kind}"), help=t("eval.transform.help"),
                         **persist)
    lags = diff_lags(season)
    if st.session_state[key("diff")] not in lags:
        st.session_state[key("diff")] = 0
    st.segmented_control(t("eval.diff"), lags, key=key("diff"), required=True, help=t("eval.diff.help"),
                         format_func=lambda lag: t("eval.diff.lag", lag=lag) if lag > 1 else t(f"eval.diff.{lag}"),
                         **persist)
    with st.expander(t("page.train.more"), icon=":material/tune:"):
        st.slider(t("page.train.num_layers"), int(LIMITS["num_layers"][0]), int(LIMITS["num_layers"][1]),
                  key=key("num_layers"), help=t("page.train.num_layers.help"), **persist)
        st.slider(t("page.train.dropout"), float(LIMITS["dropout"][0]), float(LIMITS["dropout"][1]), step=0.05,
                  key=key("dropout"), help=t("page.train.dropout.help"), **persist)
        box(st, "seed", 1)
        box(st, "patience", 5)


def read(base: Config) -> Config:
    """Return ``base`` with the eleven settings taken from the widgets (LSTM cell, one torch thread)."""
    values = {name: st.session_state.get(key(name), getattr(base, name)) for name in FIELDS}
    return base.replace(
        cell="lstm",
        hidden_size=int(values["hidden_size"]),
        num_layers=int(values["num_layers"]),
        dropout=float(values["dropout"]),
        window=int(values["window"]),
        epochs=int(values["epochs"]),
        lr=float(values["lr"]),
        batch_size=int(values["batch_size"]),
        seed=int(values["seed"]),
        transform=str(values["transform"] or "none"),
        diff=int(values["diff"] or 0),
        patience=int(values["patience"] or 0),
        num_threads=1,
    )
