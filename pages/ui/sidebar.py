"""The sidebar on every page: language switch, current data set, current model, and the training ticker."""
from __future__ import annotations

import streamlit as st

from lstm_viz import workspace as wsm
from lstm_viz.i18n import LANGUAGES
from lstm_viz.workspace import Workspace
from pages.ui.state import LANG_KEY, md_escape, t, workspace


def draw(ws: Workspace, advance_here: bool) -> None:
    """Draw the sidebar; ``advance_here`` makes its ticker train a run in flight."""
    with st.sidebar:
        st.segmented_control(
            "Language · 语言",
            options=list(LANGUAGES),
            format_func=LANGUAGES.get,
            key=LANG_KEY,
            default="en",
            selection_mode="single",
        )
        st.markdown(f"**{t('sidebar.data')}**")
        key, params = wsm.data_summary(ws)
        if "name" in params:
            params = {**params, "name": md_escape(params["name"]), "freq": md_escape(params["freq"])}
        st.caption(t(key, **params))
        st.markdown(f"**{t('sidebar.model')}**")
        every = wsm.TICK_SECONDS if ws.training else None
        st.fragment(_model_box, run_every=every)(advance_here)


def _model_box(advance_here: bool) -> None:
    """Show the current model; while a run is in flight, advance it (if asked) and show progress."""
    ws = workspace()
    was_training = ws.training
    if was_training and advance_here:
        wsm.advance(ws)
    if was_training and not ws.training:
        st.rerun()  # the run ended: redraw everything with the new model and stop ticking
    if ws.training:
        cand = ws.candidate
        st.progress(cand.trainer.progress, text=t("sidebar.training", epoch=cand.epochs_done, epochs=cand.cfg.epochs))
        if ws.run is not cand:
            st.caption(t("sidebar.warming"))
    key, params = wsm.model_summary(ws)
    if "data" in params:
        params = {**params, "data": md_escape(params["data"])}
    st.caption(t(key, **params))
