"""Per-user state: the language, the one :class:`~lstm_viz.workspace.Workspace`, messages and kept widget values.

Everything lives in ``st.session_state``, which belongs to one browser tab.
Models are never put in ``st.cache_resource`` (that is shared by every user).
A reload starts a new session: the workspace then comes back from
:data:`lstm_viz.workspace.store.STORE` under the token in the URL (``?s=…``),
which :func:`keep_token` puts there on every run.
"""
from __future__ import annotations

import contextlib
import logging
import re
from typing import Any, Callable, Iterator

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lstm_viz import lesson, slots
from lstm_viz.errors import LensError
from lstm_viz.i18n import LANGUAGES, tr
from lstm_viz.workspace import Workspace, store

LANG_KEY = "lang"
# Streamlit forgets a widget's key when a page switch (st.switch_page) skips the widget for a run;
# this plain key remembers the language across that.
LANG_SAVED_KEY = "_lang_saved"
WS_KEY = "ws"
FLASH_KEY = "_flash"
TOKEN_KEY = "_token"  # this session's key in the workspace store; the URL carries it as ?s=…
OPENED_KEY = "_opened"  # how this session got its workspace: "new", "back", "unknown", "busy" or "lesson"
LESSON_KEY = "_lesson_query"  # the lesson link this session opened with, until pages.ui.session applies it
RELOAD_WAIT_S = 2.0  # a reloaded page may start before the old one has closed its connection
_LOG = logging.getLogger("lstm_lens")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md_escape(text: object) -> str:
    """Escape Markdown in user text (file and column names) so it shows literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def lang() -> str:
    """Return the language chosen in the sidebar ("en" or "zh")."""
    value = st.session_state.get(LANG_KEY) or st.session_state.get(LANG_SAVED_KEY, "en")
    return value if value in LANGUAGES else "en"


def t(key: str, **params: Any) -> str:
    """Translate ``key`` into the current language."""
    return tr(key, lang(), **params)


def current_workspace() -> Workspace:
    """Return this user's workspace: on a session's first run, the one kept under the URL's token, or a new one."""
    if WS_KEY not in st.session_state:
        st.session_state[WS_KEY] = _open_workspace()
    ws = st.session_state[WS_KEY]
    ws.presence = _presence(ws.presence)
    return ws


def _open_workspace() -> Workspace:
    """Find a new session's workspace: back from the store after a reload, or fresh (saying why, if a token failed).

    A lesson link always opens a fresh workspace: it must never carry anyone's work,
    so a token that came along with it (an address bar copied by hand) is ignored.
    """
    query = {name: st.query_params.get_all(name) for name in st.query_params}
    connected = _connected()
    if lesson.is_lesson(query):
        token, ws = store.STORE.create(connected)
        outcome = "lesson"
        st.session_state[LESSON_KEY] = query
    else:
        given = (query.get(store.TOKEN_PARAM) or [None])[-1]
        token, ws, outcome = store.STORE.claim(given, connected, wait_s=RELOAD_WAIT_S if connected else 0.0)
    if outcome == "unknown":
        flash("info", "ws.keep.unknown", minutes=round(store.STORE.keep_s / 60))
    elif outcome == "busy":
        flash("warning", "ws.keep.busy")
    if outcome == "back" and store.STORE.extras(token).get(LANG_KEY) in LANGUAGES:
        st.session_state[LANG_SAVED_KEY] = store.STORE.extras(token)[LANG_KEY]
    st.session_state[TOKEN_KEY] = token
    st.session_state[OPENED_KEY] = outcome
    return ws  # current_workspace() points its presence at this page: a run in flight now watches it


def keep_token() -> None:
    """Put this session's token in the URL (a page switch drops it) and tell the store the workspace is in use."""
    token = st.session_state.get(TOKEN_KEY)
    if token is None:
        return
    store.STORE.touch(token)
    store.STORE.extras(token)[LANG_KEY] = lang()
    if st.query_params.get(store.TOKEN_PARAM) != token:
        st.query_params[store.TOKEN_PARAM] = token


def _connected() -> Callable[[], bool] | None:
    """Whether this browser session is connected now; None without a server (AppTest)."""
    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None
    server, session_id = runtime.get_instance(), ctx.session_id
    return lambda: server.is_active_session(session_id)


def _presence(current: Any) -> slots.Presence | None:
    """Whether the browser session now showing the workspace is connected; None without a server (AppTest).

    Follows the latest session: a workspace a reloaded page reattaches to is watched
    through the new session, not the closed one (whose run would pause and give up).
    """
    connected = _connected()
    if connected is None:
        return current
    session_id = get_script_run_ctx().session_id
    if isinstance(current, slots.Presence) and current.session_id == session_id:
        return current
    return slots.Presence(connected, session_id=session_id)


def flash(kind: str, key: str, **params: Any) -> None:
    """Queue a message for the next render of the page (callbacks cannot draw)."""
    st.session_state.setdefault(FLASH_KEY, []).append((kind, key, params))


def flash_error(err: LensError) -> None:
    """Queue a LensError; it is shown in the reader's language when the page renders."""
    flash("error", err.key, **err.params)


def _literal(params: dict[str, Any]) -> dict[str, Any]:
    """Escape Markdown in text parameters (file and column names come from students)."""
    return {k: md_escape(v) if isinstance(v, str) else v for k, v in params.items()}


def show_flash() -> None:
    """Draw and forget the queued messages."""
    for kind, key, params in st.session_state.pop(FLASH_KEY, []):
        text = tr(key, lang(), **_literal(params))
        {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)(text)


def show_error(err: LensError) -> None:
    """Draw a refusal as a red box with the human message, never a traceback."""
    st.error(LensError(err.key, **_literal(err.params)).message(lang()), icon=":material/error:")


def default(key: str, value: Any) -> None:
    """Give the widget ``key`` its starting value, once (never both value= and state)."""
    if key not in st.session_state:
        st.session_state[key] = value


def clamp(key: str, low: Any, high: Any, fallback: Any) -> None:
    """Pull a kept widget value back inside [low, high] before the widget is drawn with those bounds."""
    value = st.session_state.get(key, fallback)
    try:
        st.session_state[key] = min(max(value, low), high)
    except TypeError:
        st.session_state[key] = fallback


def choose(key: str, options: list, fallback: Any) -> None:
    """Reset a kept selectbox value that is no longer among ``options``."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback if fallback in options else (options[0] if options else None)


@contextlib.contextmanager
def guard(where: str) -> Iterator[None]:
    """Turn any error inside the block into a red box in words; the traceback goes to the server log.

    A refusal (LensError) shows its own message. Anything else is a bug, but a
    student should still see a sentence, not a stack trace, and keep their
    work. Streamlit's st.rerun / st.stop are BaseExceptions and pass through.
    """
    try:
        yield
    except LensError as err:
        show_error(err)
    except Exception as exc:
        _LOG.exception("unexpected error in %s", where)
        st.error(t("ws.unexpected", what=type(exc).__name__), icon=":material/error:")


def upload_callback(key: str, load: Callable[[Any, bytes, str], Any]) -> Callable[[], None]:
    """Return an ``on_change`` callback that reads the file in uploader ``key`` with ``load(ws, data, name)``.

    Reading in the callback (before the script runs, so before the sidebar is drawn) makes
    the sidebar name a new data set or model in the same render. The outcome, the loaded
    object or the LensError, is kept per file for :func:`upload_outcome`.
    """

    def callback() -> None:
        file = st.session_state.get(key)
        if file is None:
            return
        try:
            outcome = load(current_workspace(), file.getvalue(), file.name)
        except LensError as err:
            outcome = err
        except Exception as exc:  # a bug, but the student sees a sentence and keeps their work
            _LOG.exception("unexpected error reading an upload into %s", key)
            outcome = LensError("ws.unexpected", what=type(exc).__name__)
        st.session_state[f"{key}.outcome"] = (file.file_id, outcome)

    return callback


def safe(callback: Callable[[], None]) -> Callable[[], None]:
    """Wrap a widget callback: callbacks run before the page, outside :func:`guard`, so guard them here."""

    def guarded() -> None:
        try:
            callback()
        except LensError as err:
            flash_error(err)
        except Exception as exc:
            _LOG.exception("unexpected error in callback %s", getattr(callback, "__name__", callback))
            flash("error", "ws.unexpected", what=type(exc).__name__)

    guarded.__name__ = getattr(callback, "__name__", "callback")
    return guarded


def upload_outcome(key: str, file: Any) -> Any:
    """Return what loading the file now in uploader ``key`` gave (an object or a LensError), or None."""
    kept = st.session_state.get(f"{key}.outcome")
    return kept[1] if kept is not None and file is not None and kept[0] == file.file_id else None
