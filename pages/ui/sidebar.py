"""The sidebar on every page: language switch, current data set, current model, and the training ticker."""
from __future__ import annotations

import streamlit as st

from lstm_viz import workspace
from lstm_viz.data import freq_label_key
from lstm_viz.i18n import LANGUAGES
from lstm_viz.numbers import format_number
from lstm_viz.workspace import Workspace
from pages.ui.state import LANG_KEY, LANG_SAVED_KEY, current_workspace, guard, lang, md_escape, t

SIDEBAR_REFRESH_S = 1.0
SAW_TRAINING = "_saw_training"


def draw(ws: Workspace, live_here: bool = False) -> None:
    """Draw the sidebar: language, data set, and the model (refreshed every second while training).

    ``live_here``: the page shows the run live (Train). The sidebar then does not tick an
    epoch count of its own beside the page's, which would disagree with it between redraws.
    """
    with st.sidebar:
        if LANG_KEY not in st.session_state:
            st.session_state[LANG_KEY] = lang()  # restores the saved choice after a page switch
        st.segmented_control(
            "Language · 语言",
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            key=LANG_KEY,
            required=True,
        )
        st.session_state[LANG_SAVED_KEY] = lang()
        st.markdown(f"**{t('sidebar.data')}**")
        key, params = workspace.data_summary(ws)
        if "name" in params:
            freq_key = freq_label_key(ws.dataset.series.freq)
            freq = t(freq_key) if freq_key else params["freq"]
            params = {**params, "name": md_escape(params["name"]), "freq": md_escape(freq)}
        st.caption(t(key, **params))
        st.markdown(f"**{t('sidebar.model')}**")
        every = None if live_here else workspace.live_interval(ws, SIDEBAR_REFRESH_S)
        st.fragment(model_box, run_every=every)(live_here)


def rerun_when_training_ends(registered: tuple | None = None) -> None:
    """Redraw the whole app once after a run ends, so every page shows the new model and ticking stops.

    Called by every fragment that refreshes while training; the first to see the end reruns the app.
    A fragment that passes the :func:`~lstm_viz.workspace.live_phase` its refresh rate was set for also reruns the app
    when that phase changes (the run left the line, or the server got busier or quieter), since a
    fragment's rate is fixed when the whole page draws it.
    """
    ws = current_workspace()
    if registered is not None and workspace.live_phase(ws) not in (registered, None):
        st.rerun()
    if ws.training:
        workspace.train_in_background(ws)  # idempotent: makes sure a run in flight has its thread
        st.session_state[SAW_TRAINING] = True
    elif st.session_state.pop(SAW_TRAINING, False):
        st.rerun()


def model_box(live_here: bool = False) -> None:
    """Show the current model; while a run is in flight, its progress and loss."""
    with guard("sidebar"):
        _model_lines(live_here)


def _model_lines(live_here: bool) -> None:
    rerun_when_training_ends()
    ws = current_workspace()
    if ws.training:
        cand = ws.candidate
        ahead = workspace.queue_place(ws.candidate)
        if ahead is not None:
            st.caption(t("sidebar.waiting", ahead=ahead))
        elif live_here:
            st.caption(t("sidebar.training_here"))
            return
        else:
            st.progress(min(1.0, cand.trainer.progress),
                        text=t("sidebar.training", epoch=cand.epochs_done, epochs=cand.cfg.epochs))
            if cand.last is not None:
                st.caption(t("sidebar.loss", train_loss=format_number(cand.last.train_loss),
                             val_loss=format_number(cand.last.val_loss)))
            if ws.run is cand:
                return
            st.caption(t("sidebar.warming"))
    key, params = workspace.model_summary(ws)
    if "data" in params:
        params = {**params, "data": md_escape(params["data"])}
    st.caption(t(key, **params))
