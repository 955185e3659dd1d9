"""Train: the settings, Train / Stop, and a live view (progress, losses, forecast, gates) while it learns."""
import streamlit as st

from lstm_viz import workspace
from lstm_viz.errors import LensError
from lstm_viz.evaluation import learning_warnings
from pages.ui import charts, screen, session, settings
from pages.ui.nav import open_page, page_path
from pages.ui.notices import picture_notices
from pages.ui.sidebar import rerun_when_training_ends
from pages.ui.state import current_workspace, flash, flash_error, guard, md_escape, safe, show_error, t

WATCH_KEY = "train.watch"
JUST_STARTED = "_train_just_started"  # the redraw right after Train waits briefly for the first epoch

ws, lang = open_page()

st.title(t("page.train.title"))
st.caption(t("page.train.intro"))

if ws.dataset is None:
    st.info(t("page.train.no_data"), icon=":material/info:")
    st.page_link(page_path("data.py"), label=t("page.train.go_data"), icon=":material/table_chart:")
    st.stop()

dataset = ws.dataset
st.markdown(t("page.train.on_data", name=md_escape(dataset.label), n=dataset.n_points, test=dataset.test_size))
if dataset.val_size:
    st.caption(t("eval.train.split", n_fit=dataset.n_fit,
                 val=dataset.val_size, test=dataset.test_size))
else:
    st.caption(t("eval.train.no_val"))

# A new data set brings its own window (about one season): move the window widget to it once.
if st.session_state.get(session.TRAIN_SYNCED_KEY) != dataset.data_id:
    st.session_state[session.TRAIN_SYNCED_KEY] = dataset.data_id
    st.session_state[settings.key("window")] = dataset.window


@safe
def start() -> None:
    """Train button: check the settings and start a candidate run (the current model stays meanwhile)."""
    current = current_workspace()
    try:
        workspace.start_run(current, settings.read(current.cfg), watch=bool(st.session_state.get(WATCH_KEY, True)))
    except LensError as err:
        flash_error(err)
    else:
        workspace.train_in_background(current)
        st.session_state[JUST_STARTED] = True


@safe
def stop() -> None:
    """Stop button: keep the model of the epoch the page showed when Stop was pressed.

    That is the epoch the live view last drew (:func:`pages.ui.charts.progress_view`):
    epochs trained since change nothing.
    """
    current = current_workspace()
    if workspace.stop_run(current, epoch=charts.shown_epoch(current.candidate)):
        flash("success", "page.train.kept_epoch", epoch=current.run.epochs_done)
    else:
        flash("warning", "page.train.stopped_empty")


controls, view = st.columns([1, 2.4], gap="large")
with controls, st.container(border=True):
    go, halt = st.container(key=screen.wrap_key(10, "train_buttons")).columns(2)
    go.button(t("page.train.train"), type="primary", key="train.go", on_click=start,
              icon=":material/play_arrow:", width="stretch")
    halt.button(t("page.train.stop"), key="train.stop", on_click=stop, disabled=not ws.training,
                icon=":material/stop:", width="stretch")
    st.toggle(t("page.train.watch"), value=True, key=WATCH_KEY,
              help=t("page.train.watch.help", seconds=workspace.WATCH_RUN_S))
    st.caption(t("page.train.note"))
    settings.draw(ws.cfg, max_window=dataset.longest_window, season=dataset.season)
    window = int(st.session_state.get(settings.key("window"), dataset.window))
    for key, params in learning_warnings(dataset.n_points, window, dataset.test_size, dataset.val_size):
        st.warning(t(key, **params), icon=":material/warning:")
    if st.session_state.get(settings.key("patience")) and dataset.val_size == 0:
        st.info(t("page.train.patience.no_val"), icon=":material/info:")  # nothing to stop early on
    if ws.training:
        try:
            changed = settings.read(ws.cfg) != ws.candidate.cfg
        except LensError:
            changed = True
        if changed:
            st.info(t("page.train.settings_next_run"), icon=":material/schedule:")


def live_part(draw, phase: tuple | None) -> None:
    """One part of the live view: the run trains on its own thread, this only draws it.

    ``phase`` is the :func:`~lstm_viz.workspace.live_phase` this part's refresh rate was chosen for.
    """
    rerun_when_training_ends(phase)
    current = current_workspace()
    run = workspace.live_run(current)
    if st.session_state.pop(JUST_STARTED, False) and run is not None and current.training:
        workspace.wait_first_epoch(run)  # just after Train: draw the first loss point now, not one redraw later
    if run is not None:
        # Draw while holding the run's lock: the training thread waits instead of fighting this
        # thread for Python's GIL (small torch ops hand it over thousands of times an epoch).
        with run.lock, guard("train.live"):
            draw(run, lang, live=current.training)


with view:
    charts.live_chart_css()
    # One container whatever it holds, so the live parts below keep their place in the page's element
    # tree from run to run: a chart whose place shifts is mounted afresh, and is blank until Plotly redraws it.
    with st.container():
        if ws.failure is not None:
            show_error(ws.failure)
            if ws.failure.params.get("kept"):
                st.caption(t("run.kept_previous"))
        if workspace.live_run(ws) is None:
            st.info(t("page.train.no_model"), icon=":material/info:")
        else:
            picture_notices(ws, workspace.live_run(ws))
    phase = workspace.live_phase(ws)
    for name, draw, every, while_waiting in charts.LIVE_PARTS:
        st.fragment(live_part, run_every=workspace.live_interval(ws, every, while_waiting))(draw, phase)
