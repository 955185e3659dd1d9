"""Whole-number boxes whose shown value is always the value the app uses.

With ``min_value`` / ``max_value``, Streamlit's browser box keeps a typed
out-of-range number (0 hidden units) on screen while the widget's value stays
the previous one (32), so the box and what Train trains disagree. These boxes
have no bounds in the browser: any typed number is sent, then pulled into
range here, before the box is drawn, with a sentence saying so.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from pages.ui.state import t


def number_box(where: Any, label: str, low: int, high: int, key: str, **kwargs: Any) -> int:
    """Draw an integer ``st.number_input`` in ``where`` (``st`` or a column) that keeps its value in [low, high].

    A value outside is replaced by the nearest bound and a warning names both; ``kwargs`` go to
    ``number_input`` (``step``, ``help``, ``persist_state`` …). Returns the box's value.
    """
    typed = st.session_state.get(key)
    if typed is not None:
        kept = int(min(max(int(typed), low), high))
        if kept != typed:
            st.session_state[key] = kept
            where.warning(t("faults.clamped", name=label, low=low, high=high, typed=typed, value=kept),
                          icon=":material/warning:")
    return int(where.number_input(label, key=key, **kwargs))
