"""Say when the pictures on a page are not of the data set and model the student has selected."""
from __future__ import annotations

import streamlit as st

from lstm_viz import workspace
from lstm_viz.data import freq_label_key
from lstm_viz.numbers import format_number
from lstm_viz.workspace import Run, Workspace
from pages.ui.state import md_escape, t


def _freq(freq: str) -> str:
    key = freq_label_key(freq)
    return t(key) if key else freq


def mismatch_text(run: Run | None) -> str | None:
    """Return the warning for a loaded model whose series differs from the current one, or None."""
    mismatch = workspace.series_mismatch(run)
    if not mismatch:
        return None
    reasons = []
    if mismatch.name:
        saved, current = mismatch.name
        reasons.append(t("faults.mismatch.name", saved=md_escape(saved), current=md_escape(current)))
    if mismatch.freq:
        reasons.append(t("faults.mismatch.freq", saved=md_escape(_freq(mismatch.freq[0])),
                         current=md_escape(_freq(mismatch.freq[1]))))
    if mismatch.scale:
        (saved_low, saved_high), (current_low, current_high) = mismatch.scale
        reasons.append(t("faults.mismatch.scale", saved_low=format_number(saved_low), saved_high=format_number(saved_high),
                         current_low=format_number(current_low), current_high=format_number(current_high)))
    return t("faults.mismatch.head", reasons=t("faults.mismatch.join").join(reasons))


def picture_notices(ws: Workspace, run: Run | None = None) -> None:
    """Draw a notice if ``run``'s pictures (default the current model) are stale, and a warning if it is
    a loaded model of another series. Call it on every page that draws the model."""
    run = ws.run if run is None else run
    stale = workspace.stale_view(ws, run)
    if stale is not None:
        key, params = stale
        st.info(t(key, **{k: md_escape(v) if isinstance(v, str) else v for k, v in params.items()}),
                icon=":material/history:")
    text = mismatch_text(run)
    if text is not None:
        st.warning(text, icon=":material/warning:")
