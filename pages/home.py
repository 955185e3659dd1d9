"""Home: what an LSTM is, the cell as a picture and as equations, and one button to start."""
import streamlit as st

from lstm_viz import workspace
from lstm_viz.errors import LensError
from pages.ui import screen, session, settings
from pages.ui.diagram import lstm_cell_svg
from pages.ui.nav import open_page, page_path
from pages.ui.state import md_escape, show_error, t

ws, lang = open_page()

EQUATIONS = r"""
\begin{aligned}
i_t &= \sigma\left(W_{ii}\,x_t + b_{ii} + W_{hi}\,h_{t-1} + b_{hi}\right) \\
f_t &= \sigma\left(W_{if}\,x_t + b_{if} + W_{hf}\,h_{t-1} + b_{hf}\right) \\
g_t &= \tanh\left(W_{ig}\,x_t + b_{ig} + W_{hg}\,h_{t-1} + b_{hg}\right) \\
o_t &= \sigma\left(W_{io}\,x_t + b_{io} + W_{ho}\,h_{t-1} + b_{ho}\right) \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
h_t &= o_t \odot \tanh\left(c_t\right)
\end{aligned}
"""

st.title(t("page.home.title"))
st.markdown(t("page.home.tagline"))

with st.container(border=True):
    text, action = st.container(key=screen.wrap_key(20, "home_start")).columns([3, 2], vertical_alignment="center")
    text.markdown(f"**{t('page.home.start')}** · {t('page.home.start_text')}")
    start = action.button(t("page.home.start_button"), type="primary", key="home.start",
                          icon=":material/flight_takeoff:", width="stretch")
    if start:
        try:
            workspace.load_sample(ws, "airline")
        except LensError as err:
            show_error(err)
        else:
            settings.apply(workspace.recommended_config(ws.dataset))
            st.switch_page(page_path("train.py"))

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(t("page.home.what"))
    st.markdown(t("page.home.what_text"))
    st.image(lstm_cell_svg(), caption=t("page.home.diagram_caption"), width="stretch")
with right:
    st.subheader(t("page.home.equations"))
    st.latex(EQUATIONS)
    st.markdown(t("page.home.symbols"))
    st.markdown("\n".join(t(f"page.home.state.{name}") for name in ("f", "i", "g", "o", "c", "h")))

st.divider()
st.caption(t("page.home.steps"))

with st.container(border=True, key="home.lesson"):
    st.subheader(t("page.home.lesson.title"))
    st.markdown(t("page.home.lesson.text"))
    try:
        url, values = session.lesson_url(ws)
    except LensError as err:
        st.info(t("page.home.lesson.no_data") if ws.dataset is None else err.message(lang), icon=":material/info:")
    else:
        st.caption(t("page.home.lesson.link", name=md_escape(ws.dataset.label), test=values["test_size"],
                     hidden_size=values["hidden_size"], window=values["window"], epochs=values["epochs"]))
        st.code(url, language=None, wrap_lines=True)
