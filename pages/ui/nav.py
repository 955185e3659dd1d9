"""Route between the pages with ``st.navigation``, and draw what every page shares.

Adding a page is one line in :data:`PAGES` (plus the page file and its title)::

    1. write pages/one_cell.py; after its imports, before drawing anything:
           ws, lang = open_page()            # from pages.ui.nav import open_page
    2. add   Page("one_cell.py", "nav.one_cell", ":material/calculate:", "learn"),   to PAGES
    3. put "nav.one_cell" (EN and ZH) in your i18n area module.

Why every page starts with :func:`open_page`: the ``pages/`` folder makes
Streamlit 1.67 start each server in its older multipage mode, which on the
first run executes the requested page file *directly*, without ``app.py``.
``open_page`` notices that the router did not run and runs it, which calls
``st.navigation`` (switching the server to the new mode for good) and renders
the page inside it, with the sidebar, so a page URL opened directly never shows
"Page not found". URL paths are the file names (``/train``, ``/gates`` …), the
same in both modes.
"""
from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit import config as st_config
import torch

from lstm_viz.workspace import Workspace
from pages.ui import screen, session, sidebar
from pages.ui.state import current_workspace, guard, lang, show_flash, t

PAGES_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    """One entry of the navigation.

    Parameters
    ----------
    file : str
        File name inside ``pages/``; its stem is the URL path.
    title : str
        i18n key of the title shown in the navigation.
    icon : str
        A Material icon (``":material/name:"``) or an emoji.
    section : str
        Navigation group, e.g. ``"learn"``, ``"lab"`` or ``"deeper"``; groups appear in the order
        they first occur in :data:`PAGES`, titled by the i18n key ``nav.section.<section>``.
    default : bool
        The page shown at ``/``.
    """

    file: str
    title: str
    icon: str
    section: str = "lab"
    default: bool = False


PAGES: list[Page] = [
    Page("home.py", "nav.home", ":material/home:", "learn", default=True),
    Page("data.py", "nav.data", ":material/table_chart:"),
    Page("train.py", "nav.train", ":material/model_training:"),
    Page("gates.py", "nav.gates", ":material/grid_view:"),
    Page("units.py", "nav.units", ":material/psychology:"),
    Page("forecast.py", "nav.forecast", ":material/trending_up:"),
    Page("runs.py", "nav.runs", ":material/stacked_line_chart:"),
    Page("downloads.py", "nav.downloads", ":material/download:"),
    Page("one_cell.py", "nav.one_cell", ":material/calculate:", "deeper"),
    Page("compare.py", "nav.compare", ":material/compare_arrows:", "deeper"),
    Page("many_to_many.py", "nav.many_to_many", ":material/view_timeline:", "deeper"),
]

_local = threading.local()  # each session's script runs in its own thread


def _warm_up() -> None:
    """Pay the server's one-off start-up costs before anyone clicks Train.

    The first Adam imports torch._dynamo (1–2 s). Then ``gc.freeze()``: Streamlit runs a full
    ``gc.collect(2)`` after every script and fragment run, which walks the ~250,000 objects of
    torch, plotly and pandas (about 90 ms, holding the GIL, several times a second while the
    live view refreshes); frozen, those start-up objects are skipped and the collection costs ~0.
    """
    import lstm_viz.export  # noqa: F401  (the pages' heavier imports, so they are frozen too)
    import lstm_viz.model_file  # noqa: F401
    import lstm_viz.figures  # noqa: F401

    torch.optim.Adam([torch.zeros(1, requires_grad=True)])
    gc.freeze()


threading.Thread(target=_warm_up, name="lstm-lens-warm-up", daemon=True).start()

# Streamlit 1.67 sends an unchanged element (>= 10 kB) as a reference to the browser's cached copy.
# The browser ages that cache by runs, and live fragments finish several runs a second, so a
# reference could arrive after its copy was dropped: a "Cached ForwardMsg MISS" connection-error
# dialog, seen here when a training run ended. Send elements whole (a deployment may choose otherwise).
if not st_config.is_manually_set("global.minCachedMessageSize"):
    st_config.set_option("global.minCachedMessageSize", 1e15)


def _routing() -> bool:
    return getattr(_local, "depth", 0) > 0


def page_path(file: str) -> str:
    """Return the path ``st.switch_page`` and ``st.page_link`` want for a page file."""
    return f"pages/{file}"


def run_app() -> None:
    """Build the navigation in the current language, draw the sidebar, and run the chosen page."""
    st.set_page_config(page_title="LSTM Lens", page_icon=":material/visibility:", layout="wide")
    # Students share the server's cores: every torch call of every session uses one thread.
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    ws = current_workspace()
    session.start(ws)
    sections: dict[str, list] = {}
    for spec in PAGES:
        page = st.Page(PAGES_DIR / spec.file, title=t(spec.title), icon=spec.icon, default=spec.default)
        sections.setdefault(t(f"nav.section.{spec.section}"), []).append(page)
    current = st.navigation(sections)
    screen.fit_screen()
    sidebar.draw(ws, live_here=current.url_path == "train")
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        with guard(current.url_path or "home"):
            current.run()
    finally:
        _local.depth -= 1


def open_page() -> tuple[Workspace, str]:
    """Start a page: route through :func:`run_app` if needed; return (workspace, language).

    Call it in every page file before drawing anything.
    """
    if not _routing():
        run_app()  # renders this very page inside the router
        st.stop()
    show_flash()
    return current_workspace(), lang()


def require_run(ws: Workspace, page: str):
    """Return the current run, or say that none is trained yet (with a link to Train) and stop the page.

    ``page`` names the i18n keys ``page.<page>.no_model`` and ``page.<page>.go_train``.
    """
    if ws.run is None:
        st.info(t(f"page.{page}.no_model"), icon=":material/info:")
        st.page_link(page_path("train.py"), label=t(f"page.{page}.go_train"), icon=":material/model_training:")
        st.stop()
    return ws.run
