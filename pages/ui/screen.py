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
  row of four numbers) go two by two when the row is narrower than 36rem (a CSS
  container query: the row's own width, whatever the window and the sidebar do),
  never three and one.
- On a phone (below 640 px) chart titles and row labels are set smaller: Plotly
  cannot wrap them, and the longest would run past the chart's edge. The grey
  hint under a gate's name (``lstm_viz.figures.gates.state_title``, colour
  ``COLOURS["muted_text"]``) would run into the bars beside it and is left out;
  the page's "How to read" box says the same.
- On a phone the sidebar covers 300 of 390 px. Streamlit closes it after a
  page is picked only when the browser calls itself a phone (user agent); the
  script closes it whenever the window is narrower than Streamlit's own
  breakpoint (768 px), whatever the user agent says.

Both are literal strings (``tests/test_safety.py`` allows nothing else as raw
HTML); ``tests/test_screen.py`` checks they agree with the constants below.
"""
from __future__ import annotations

import streamlit as st

MOBILE_PX = 768  # Streamlit's "md" breakpoint: below it the sidebar overlays the page
WRAP_REM = (10, 20)  # the widths a wrapping row may ask its columns to keep
HOLDER = "lens_screen"  # the key of the hidden container that holds the style and the script

STYLE = """<style>
[data-testid="stLayoutWrapper"]:has(> .st-key-lens_screen) { display: none; }
@media (max-width: 1280px) {
  [data-testid="stMainBlockContainer"] { padding-left: 1.5rem; padding-right: 1.5rem; }
}
[class*="st-key-wrap_10_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
[class*="st-key-wrap_10_"] [data-testid="stColumn"] { min-width: min(100%, 10rem) !important; }
[class*="st-key-wrap_20_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
[class*="st-key-wrap_20_"] [data-testid="stColumn"] { min-width: min(100%, 20rem) !important; }
[class*="st-key-pairs_"] { container-type: inline-size; }
[class*="st-key-pairs_"] [data-testid="stMetricValue"] { font-size: 1.75rem; }
@container (max-width: 36rem) {
  [class*="st-key-pairs_"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [class*="st-key-pairs_"] [data-testid="stColumn"] { min-width: calc(50% - 1rem) !important; }
}
@media (max-width: 640px) {
  .js-plotly-plot .gtitle { font-size: 13px !important; }
  .js-plotly-plot .annotation-text { font-size: 10px !important; }
  .js-plotly-plot .annotation-text tspan { font-size: 10px !important; }
  .js-plotly-plot .annotation-text tspan[style*="#6b6b76"] { display: none; }
}
</style>"""

# Installed once per browser tab (the guard): a click listener on the document outlives every rerun.
CLOSE_SIDEBAR_JS = """<script>
(() => {
  if (window.__lensClosesSidebar) return;
  window.__lensClosesSidebar = true;
  document.addEventListener('click', (event) => {
    if (window.innerWidth >= 768 || !event.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(() => {  // after Streamlit's own handler, which closes it on a phone's user agent
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (sidebar && sidebar.getAttribute('data-collapsed') === 'false' && close) close.click();
    }, 0);
  }, true);
})();
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
    """Add the layout rules and the phone's sidebar closer to the page (call once per run, before the page).

    They sit in a hidden container, so the script's element adds no gap at the top of every page.
    """
    with st.container(key=HOLDER):
        st.html(STYLE)
        st.html(CLOSE_SIDEBAR_JS, unsafe_allow_javascript=True)
