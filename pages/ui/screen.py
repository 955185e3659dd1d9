"""Make every page fit a projector (1024 px wide, sidebar open) and a phone (390 px): a little CSS and one script.

Streamlit cannot know the width of the browser, so the rules that depend on it
are CSS, in one place here:

- Streamlit's wide layout keeps 5rem of padding on each side; at 1024 px with
  the 300 px sidebar open that leaves 564 px for the page. Below 1280 px the
  padding shrinks to 1.5rem.
- Columns drawn inside a container keyed ``wrap_<min rem>_<name>`` (see
  :func:`wrap_key`) go onto a new line when they would be narrower than
  ``<min rem>``, instead of squeezing a metric to "60 …" or a button to its icon.
- Columns inside a container keyed ``pairs_<name>`` (see :func:`pairs_key`, for a
  row of four numbers) go two by two when the row is narrower than 36rem.
- On a phone (below 640 px) chart titles and row labels are set smaller: Plotly
  cannot wrap them, and the longest would run past the chart's edge.
- On a phone the sidebar covers 300 of 390 px. Streamlit closes it after a
  page is picked only when the browser calls itself a phone (user agent); the
  script closes it whenever the window is narrower than Streamlit's own
  breakpoint (768 px), whatever the user agent says.
"""
from __future__ import annotations

import streamlit as st

from lstm_viz.figures.style import COLOURS

HINT_GREY = COLOURS["muted_text"]  # the colour of the hints in the gate rows' titles
MOBILE_PX = 768  # Streamlit's "md" breakpoint: below it the sidebar overlays the page
WRAP_REM = (10, 20)  # the widths a wrapping row may ask its columns to keep

_WRAP_CSS = "\n".join(
    f'[class*="st-key-wrap_{rem}_"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}\n'
    f'[class*="st-key-wrap_{rem}_"] [data-testid="stColumn"] {{ min-width: min(100%, {rem}rem) !important; }}'
    for rem in WRAP_REM)

# Four numbers side by side, or two by two when their row is narrower than PAIRS_REM (a CSS
# container query: the row's own width, whatever the window and the sidebar do), never three and one.
PAIRS_REM = 36
_PAIRS_CSS = f"""[class*="st-key-pairs_"] {{ container-type: inline-size; }}
[class*="st-key-pairs_"] [data-testid="stMetricValue"] {{ font-size: 1.75rem; }}
@container (max-width: {PAIRS_REM}rem) {{
  [class*="st-key-pairs_"] [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}
  [class*="st-key-pairs_"] [data-testid="stColumn"] {{ min-width: calc(50% - 1rem) !important; }}
}}"""

STYLE = f"""<style>
@media (max-width: 1280px) {{
  [data-testid="stMainBlockContainer"] {{ padding-left: 1.5rem; padding-right: 1.5rem; }}
}}
{_WRAP_CSS}
{_PAIRS_CSS}
/* A phone: Plotly cannot wrap a title, so smaller type keeps titles and row labels inside the chart. */
@media (max-width: 640px) {{
  .js-plotly-plot .gtitle {{ font-size: 13px !important; }}
  .js-plotly-plot .annotation-text {{ font-size: 10px !important; }}
  .js-plotly-plot .annotation-text tspan {{ font-size: 10px !important; }}
  /* The grey hint under a gate's name (lstm_viz.figures.gates.state_title) would run into the bars
     beside it; the page's "How to read" box says the same. */
  .js-plotly-plot .annotation-text tspan[style*="{HINT_GREY}"] {{ display: none; }}
}}
</style>"""

# Closes the sidebar after a page link is clicked in a narrow window. Installed once per browser
# tab (the guard): a click listener on the document, so it outlives every rerun of the sidebar.
CLOSE_SIDEBAR_JS = f"""<script>
(() => {{
  if (window.__lensClosesSidebar) return;
  window.__lensClosesSidebar = true;
  document.addEventListener('click', (event) => {{
    if (window.innerWidth >= {MOBILE_PX} || !event.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(() => {{  // after Streamlit's own handler, which closes it on a phone's user agent
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (sidebar && sidebar.getAttribute('data-collapsed') === 'false' && close) close.click();
    }}, 0);
  }}, true);
}})();
</script>"""


def wrap_key(rem: int, name: str) -> str:
    """Return the key of a container whose columns wrap rather than get narrower than ``rem`` rem."""
    if rem not in WRAP_REM:
        raise ValueError(f"rem must be one of {WRAP_REM}, not {rem}")
    return f"wrap_{rem}_{name}"


def pairs_key(name: str) -> str:
    """Return the key of a container whose four columns go two by two when it is narrow."""
    return f"pairs_{name}"


def fit_screen() -> None:
    """Add the layout rules and the phone's sidebar closer to the page (call once per run, before the page)."""
    st.html(STYLE)
    st.html(CLOSE_SIDEBAR_JS, unsafe_allow_javascript=True)
