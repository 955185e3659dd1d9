"""A session's first run and every run: settings back after a reload, a lesson link, the token in the URL.

:func:`pages.ui.state.current_workspace` finds the workspace (back from the store, or
fresh for a lesson link); :func:`start`, called by the router on every run,
finishes the job with what needs the pages' widgets, and :func:`lesson_url`
writes the link of the current setup for the Home page.
"""
from __future__ import annotations

import logging
from urllib.parse import urlencode

import streamlit as st

from lstm_viz import lesson
from lstm_viz.config import LIMITS
from lstm_viz.errors import LensError
from lstm_viz.workspace import Workspace, store
from pages.ui import settings
from pages.ui.state import LESSON_KEY, OPENED_KEY, flash, keep_token

# The Train page moves its window widget to a new data set's suggested window once per data set,
# remembering which in this key (pages/train.py); a restored or lesson setup has its own window.
TRAIN_SYNCED_KEY = "train.synced_data"
LESSON_PAGE = "train"  # a lesson link opens the Train page, ready to press Train
_LOG = logging.getLogger("lstm_lens")


def start(ws: Workspace) -> None:
    """Run at the top of every script run, after the workspace is found."""
    if st.session_state.pop(OPENED_KEY, None) == "back":
        _restore_settings(ws)
    query = st.session_state.pop(LESSON_KEY, None)
    if query is not None:
        _open_lesson(ws, query)
    keep_token()


def _restore_settings(ws: Workspace) -> None:
    """After a reload, the Train page's widgets start from the last run's settings again."""
    settings.apply(ws.cfg)
    if ws.dataset is not None:
        st.session_state[TRAIN_SYNCED_KEY] = ws.dataset.data_id


def _widget_limits() -> tuple[dict, dict]:
    """The values the Train page's widgets can show: a lesson outside them could not be shown exactly."""
    limits = {"window": (LIMITS["window"][0], settings.MAX_WINDOW_SLIDER)}
    choices = {"lr": settings.LEARNING_RATES, "batch_size": settings.BATCH_SIZES}
    return limits, choices


def _open_lesson(ws: Workspace, query: dict) -> None:
    """Load the lesson of the link this session opened with; every value that failed is named in a message."""
    limits, choices = _widget_limits()
    parsed, notes = lesson.parse_query(query, limits=limits, choices=choices)
    try:
        notes += lesson.apply(ws, parsed)
    except LensError as err:
        notes.append(err)
    except Exception as exc:  # a bug: the student still gets the page and a sentence
        _LOG.exception("unexpected error opening a lesson link")
        flash("error", "ws.unexpected", what=type(exc).__name__)
    for note in notes:
        flash("warning", note.key, **note.params)
    if ws.dataset is not None:
        settings.apply(ws.cfg)
        st.session_state[TRAIN_SYNCED_KEY] = ws.dataset.data_id
        flash("success", "ws.lesson.opened", name=ws.dataset.label, test=ws.dataset.test_size)
    for name in [name for name in st.query_params if name != store.TOKEN_PARAM]:
        del st.query_params[name]  # a reload must not load the lesson again over the student's work


def lesson_url(ws: Workspace) -> tuple[str, dict]:
    """Return the lesson link of the current setup (data set, split, Train page settings) and its values.

    Raises
    ------
    LensError
        ``ws.lesson.not_sample`` when there is no sample to carry.
    """
    if ws.dataset is None:
        raise LensError("ws.lesson.not_sample")
    cfg = settings.read(ws.cfg)
    if st.session_state.get(TRAIN_SYNCED_KEY) != ws.dataset.data_id:
        cfg = cfg.replace(window=ws.dataset.window)  # what the Train page will show for this data set
    values = lesson.from_setup(ws.dataset, cfg)
    base = st.context.url or ""
    if base and not base.endswith("/"):
        base += "/"
    return f"{base}{LESSON_PAGE}?{urlencode(lesson.to_query(values))}", values
