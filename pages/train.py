"""Train: the settings, Train / Stop, and a live view (progress, losses, forecast, gates) while it learns."""
import streamlit as st

from lstm_viz import workspace as wsm
from lstm_viz.errors import LensError
from lstm_viz.workspace import MIN_TRAIN_WINDOWS
from pages.ui import charts, screen, settings
from pages.ui.nav import open_page, page_path
from pages.ui.sidebar import rerun_when_training_ends
from pages.ui.state import flash, flash_error, guard, md_escape, safe, show_error, t, workspace

ws, lang = open_page()

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


@safe
def start() -> None:
    """Train button: check the settings and start a candidate run (the current model stays meanwhile)."""
    current = workspace()
    try:
        wsm.start_run(current, settings.read(current.cfg))
    except LensError as err:
        flash_error(err)
    else:
        wsm.train_in_background(current)


@safe
def stop() -> None:
    """Stop button: keep the model trained so far (if it finished an epoch)."""
    if not wsm.stop_run(workspace()):  # when it kept a model, the status line below says so
        flash("warning", "page.train.stopped_empty")


controls, view = st.columns([1, 2.4], gap="large")
with controls, st.container(border=True):
    go, halt = st.container(key=screen.wrap_key(10, "train_buttons")).columns(2)
    go.button(t("page.train.train"), type="primary", key="train.go", on_click=start,
              icon=":material/play_arrow:", width="stretch")
    halt.button(t("page.train.stop"), key="train.stop", on_click=stop, disabled=not ws.training,
                icon=":material/stop:", width="stretch")
    st.caption(t("page.train.note"))
    settings.draw(ws.cfg, max_window=dataset.n_points - dataset.test_size - MIN_TRAIN_WINDOWS)


def live_part(draw, phase: tuple | None) -> None:
    """One part of the live view: the run trains on its own thread, this only draws it.

    ``phase`` is the :func:`~lstm_viz.workspace.live_phase` this part's refresh rate was chosen for.
    """
    rerun_when_training_ends(phase)
    current = workspace()
    run = wsm.live_run(current)
    if run is not None:
        # Draw while holding the run's lock: the training thread waits instead of fighting this
        # thread for Python's GIL (small torch ops hand it over thousands of times an epoch).
        with run.lock, guard("train.live"):
            draw(run, lang, live=current.training)


with view:
    if ws.failure is not None:
        show_error(LensError(ws.failure[0], **ws.failure[1]))
    if wsm.live_run(ws) is None:
        st.info(t("page.train.no_model"), icon=":material/info:")
    phase = wsm.live_phase(ws)
    for name, draw, every, while_waiting in charts.LIVE_PARTS:
        st.fragment(live_part, run_every=wsm.live_interval(ws, every, while_waiting))(draw, phase)
