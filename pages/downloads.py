"""Downloads: predictions, gate traces, the model (and loading it back), and the gates animation for slides."""
import streamlit as st

from lstm_viz import export, figures
from lstm_viz import workspace
from lstm_viz.errors import LensError
from lstm_viz.workspace import history
from pages.ui import charts
from pages.ui.nav import open_page
from pages.ui.notices import picture_notices
from pages.ui.uploader import localize_uploaders
from pages.ui.state import show_error, t, upload_callback, upload_outcome

ws, lang = open_page()
MODEL_UPLOAD = "downloads.model_upload"


def load_model_upload(current, data: bytes, name: str):
    """Uploader callback: make the saved model in ``data`` the current model (``name``, the file's, is not needed)."""
    return workspace.load_model_file(current, data)


st.title(t("page.downloads.title"))
st.caption(t("page.downloads.intro"))

# -- load a model back (works without a trained model) -------------------------------------------

with st.container(border=True):
    st.subheader(t("page.downloads.load"))
    st.caption(t("page.downloads.load_help"))
    localize_uploaders()
    model_upload = st.file_uploader(t("page.downloads.load_label"), key=MODEL_UPLOAD,
                                    on_change=upload_callback(MODEL_UPLOAD, load_model_upload))
    outcome = upload_outcome(MODEL_UPLOAD, model_upload)
    if isinstance(outcome, LensError):
        show_error(outcome)
    elif outcome is not None:
        cfg = outcome.cfg
        st.success(t("page.downloads.loaded", hidden=cfg.hidden_size, layers=cfg.num_layers, window=cfg.window),
                   icon=":material/check_circle:")

run = ws.run
if run is None:
    st.info(t("page.downloads.no_model"), icon=":material/info:")
    st.stop()
picture_notices(ws)

stem = history.file_stem(ws, run)  # the data set and the run: "Passengers_run3_lstm32"


def predictions() -> bytes:
    return workspace.predictions_file(ws, run)


def whole_trace():
    view = workspace.gate_trace(ws, "series", run=run)
    return view.trace, view.axis


def traces_npz() -> bytes:
    return export.trace_npz(*whole_trace())


# The figure on the Gates page if it was opened, else the default one (top layer, first test window).
# Read now: the download callables run outside this script run, where session state is not at hand.
gates_seen = charts.cached_figure("gates.time")


def gates_html() -> bytes:
    hit = gates_seen
    if hit is not None and hit[0][:2] == (run.run_id, run.epochs_done):
        fig = hit[1]
    else:
        view = workspace.gate_trace(ws, 0, run=run)
        fig = figures.gates_figure(view.trace.layer(-1), view.lines, time=view.axis, lang=lang,
                                   input_names=view.line_names)
    return figures.figure_to_html(fig).encode("utf-8")


files = [
    ("predictions", predictions, f"{stem}_predictions.csv", "text/csv", ":material/table_view:"),
    ("traces_csv", lambda: workspace.traces_file(ws, run), f"{stem}_gates_long.csv", "text/csv", ":material/view_list:"),
    ("traces_npz", traces_npz, f"{stem}_gates.npz", "application/octet-stream", ":material/data_array:"),
    ("model", lambda: workspace.model_file(run), f"{stem}_model.pt", "application/octet-stream", ":material/neurology:"),
    ("config", lambda: export.config_json(run.cfg), f"{stem}_config.json", "application/json", ":material/settings:"),
    ("html", gates_html, f"{stem}_gates.html", "text/html", ":material/slideshow:"),
]
left, right = st.columns(2, gap="large")
for k, (name, make, file_name, mime, icon) in enumerate(files):
    with (left if k % 2 == 0 else right), st.container(border=True):
        st.markdown(f"**{t(f'page.downloads.{name}')}**")
        st.caption(t(f"page.downloads.{name}.help"))
        st.download_button(t("page.downloads.button", file=file_name), data=make, file_name=file_name, mime=mime,
                           key=f"downloads.{name}", on_click="ignore", icon=icon)
st.caption(t("page.downloads.privacy"))
