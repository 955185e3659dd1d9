"""Train: the settings, Train / Stop, and a live view (progress, losses, forecast, gates) while it learns."""
from pages.ui.nav import open_page

ws, lang = open_page()

import streamlit as st  # noqa: E402

from lstm_viz import workspace as wsm  # noqa: E402
from lstm_viz.errors import LensError  # noqa: E402
from lstm_viz.workspace import MIN_TRAIN_WINDOWS  # noqa: E402
from pages.ui import charts, settings  # noqa: E402
from pages.ui.nav import page_path  # noqa: E402
from pages.ui.state import flash, flash_error, md_escape, t, workspace  # noqa: E402

st.title(t("page.train.title"))
st.caption(t("page.train.intro"))

if ws.dataset is None:
    st.info(t("page.train.no_data"), icon=":material/info:")
    st.page_link(page_path("data.py"), label=t("page.train.go_data"), icon=":material/table_chart:")
    st.stop()

dataset = ws.dataset
st.markdown(t("page.train.on_data", name=md_escape(dataset.label), n=dataset.n_points, test=dataset.test_size))

# A new data set brings its own window (about one season): move the window widget to it once.
if st.session_state.get("train.synced_data") != dataset.data_id:
    st.session_state["train.synced_data"] = dataset.data_id
    st.session_state[settings.key("window")] = dataset.window


def start() -> None:
    """Train button: check the settings and start a candidate run (the current model stays meanwhile)."""
    current = workspace()
    try:
        wsm.start_run(current, settings.read(current.cfg))
    except LensError as err:
        flash_error(err)


def stop() -> None:
    """Stop button: keep the model trained so far (if it finished an epoch)."""
    current = workspace()
    if wsm.stop_run(current):
        flash("success", "page.train.stopped_kept", epoch=current.run.epochs_done)
    else:
        flash("warning", "page.train.stopped_empty")


with st.container(border=True):
    settings.draw(ws.cfg, max_window=dataset.n_points - dataset.test_size - MIN_TRAIN_WINDOWS)
    go, halt, note = st.columns([1, 1, 4], vertical_alignment="center")
    go.button(t("page.train.train"), type="primary", key="train.go", on_click=start,
              icon=":material/play_arrow:", width="stretch")
    halt.button(t("page.train.stop"), key="train.stop", on_click=stop, disabled=not ws.training,
                icon=":material/stop:", width="stretch")
    note.caption(t("page.train.note"))


def live() -> None:
    """Advance a run in flight by one time slice, then draw where it stands."""
    current = workspace()
    was_training = current.training
    if was_training:
        wsm.advance(current)
    if was_training and not current.training:
        st.rerun()  # finished: redraw the whole app (sidebar, other pages) and stop ticking
    run = wsm.live_run(current)
    if run is None:
        st.info(t("page.train.no_model"), icon=":material/info:")
        return
    charts.training_view(run, lang, live=current.training)


st.fragment(live, run_every=wsm.TICK_SECONDS if ws.training else None)()
