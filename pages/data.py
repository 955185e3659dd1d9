"""Data: pick a sample or upload a file, choose its columns, see it, and set the test part and horizon."""
import streamlit as st

from lstm_viz import config, figures
from lstm_viz import workspace
from lstm_viz.data import freq_label_key
from lstm_viz.errors import LensError
from lstm_viz.evaluation import learning_warnings
from lstm_viz.i18n import tr
from lstm_viz.samples import SAMPLES
from pages.ui import charts
from pages.ui.nav import open_page
from pages.ui.uploader import localize_uploaders
from pages.ui.state import (
    current_workspace, flash, flash_error, md_escape, safe, show_error, show_flash, t, upload_callback, upload_outcome,
)

ws, lang = open_page()

NONE = "\u2063none"  # a value no column can be named: "no time column" / "no series column"
PICKERS = ("data.time_column", "data.target", "data.series_column", "data.series_name")
UPLOAD = "data.upload"

st.title(t("page.data.title"))
st.caption(t("page.data.intro"))


# -- callbacks: they change the workspace, or leave it as it was and queue the reason ---------------


def load_file(current, data: bytes, name: str):
    """Uploader callback: read the file; on success say so (a refusal is shown beside the uploader)."""
    dataset = workspace.load_upload(current, data, name)
    flash("success", "page.data.loaded", name=dataset.label, n=dataset.n_points)
    return dataset


def _load(read, undo=lambda: None) -> None:
    """Read a data set with ``read()``; say it was loaded, or show the refusal and ``undo()`` the widget."""
    try:
        dataset = read()
    except LensError as err:
        flash_error(err)
        undo()
    else:
        flash("success", "page.data.loaded", name=dataset.label, n=dataset.n_points)


@safe
def load_sample() -> None:
    _load(lambda: workspace.load_sample(current_workspace(), st.session_state["data.sample"]))


@safe
def apply_columns() -> None:
    """A column picker changed: read the series again; on a refusal put the pickers back."""
    current = current_workspace()
    state = st.session_state
    picked = [None if state.get(k) == NONE else state.get(k) for k in PICKERS]
    time_column, target, series_column, series_name = picked
    try:
        workspace.choose_columns(current, target, time_column, series_column, series_name)
    except LensError as err:
        flash_error(err)
        _sync_pickers(current.dataset, force=True)


@safe
def apply_inputs() -> None:
    """The other-inputs picker changed: read those columns beside the target (the model stays; reversible)."""
    try:
        workspace.set_inputs(current_workspace(), st.session_state["data.inputs"])
    except LensError as err:
        flash_error(err)  # the data set is unchanged, and the picker shows its inputs again on this run


@safe
def apply_sheet() -> None:
    """The sheet picker changed: read that sheet of the workbook; on a refusal put the picker back."""
    current = current_workspace()
    _load(lambda: workspace.choose_sheet(current, st.session_state["data.sheet"]),
          undo=lambda: st.session_state.update({"data.sheet": current.dataset.reading.sheet}))


@safe
def apply_shape() -> None:
    """The year × month toggle changed: read the table as one series or as columns (reversible)."""
    current = current_workspace()
    try:
        workspace.set_shape(current, st.session_state["data.shape"] == "series")
    except LensError as err:
        flash_error(err)
        st.session_state["data.shape"] = "series" if current.dataset.reading.as_series else "columns"


@safe
def apply_split() -> None:
    current = current_workspace()
    try:
        workspace.set_split(current, st.session_state["data.test_size"], st.session_state["data.horizon"],
                      st.session_state["data.val_size"])
    except LensError as err:
        flash_error(err)
        _sync_split(current.dataset, force=True)


def _sync_pickers(dataset, force: bool = False) -> None:
    """Point the pickers at the current data set's columns (once per data set, or when forced)."""
    fresh = st.session_state.get("data.synced") == dataset.data_id if dataset is not None else True
    if dataset is None or (not force and fresh and all(k in st.session_state for k in PICKERS[:3])):
        return
    st.session_state["data.synced"] = dataset.data_id
    values = (dataset.time_column, dataset.target, dataset.series_column, dataset.series_name)
    for key, value in zip(PICKERS, values):
        st.session_state[key] = NONE if value is None else value


def _sync_split(dataset, force: bool = False) -> None:
    fresh = st.session_state.get("data.split_synced") == dataset.data_id if dataset is not None else True
    keys = ("data.test_size", "data.horizon", "data.val_size")
    if dataset is None or (not force and fresh and all(k in st.session_state for k in keys)):
        return
    st.session_state["data.split_synced"] = dataset.data_id
    st.session_state["data.test_size"] = dataset.test_size
    st.session_state["data.horizon"] = dataset.horizon
    st.session_state["data.val_size"] = dataset.val_size


def _label(value) -> str:
    return tr("page.data.none", lang) if value == NONE else str(value)


# -- choose a file --------------------------------------------------------------------------------

sample_col, upload_col = st.columns(2, gap="large")
with sample_col:
    st.subheader(t("page.data.samples"))
    keys = list(SAMPLES)
    if st.session_state.get("data.sample") not in keys:
        current_sample = ws.dataset.name if ws.dataset is not None and ws.dataset.source == "sample" else None
        st.session_state["data.sample"] = current_sample if current_sample in keys else workspace.DEFAULT_SAMPLE
    chosen = st.selectbox(t("page.data.sample"), keys, key="data.sample",
                          format_func=lambda k: tr(f"sample.{k}.title", lang))
    st.caption(t(f"sample.{chosen}.about"))
    st.button(t("page.data.load_sample"), key="data.load_sample", on_click=load_sample,
              icon=":material/dataset:", type="primary" if ws.dataset is None else "secondary")

with upload_col:
    st.subheader(t("page.data.upload"))
    # No type filter: .xlsx is read; an .xls, an .ods or a photo gets the reader's own advice in words.
    localize_uploaders()
    uploaded = st.file_uploader(t("page.data.upload_label"), key=UPLOAD, help=t("page.data.upload_help"),
                                on_change=upload_callback(UPLOAD, load_file))
    outcome = upload_outcome(UPLOAD, uploaded)
    if isinstance(outcome, LensError):
        show_error(outcome)
        if ws.dataset is not None:
            st.caption(t("page.data.kept", name=md_escape(ws.dataset.label)))
    st.caption(t("page.data.upload_tips"))
    st.caption(t("readers.upload_tip"))

show_flash()

dataset = ws.dataset
if dataset is None:
    st.info(t("page.data.nothing"), icon=":material/info:")
    st.stop()

# -- columns --------------------------------------------------------------------------------------

_sync_pickers(dataset)
_sync_split(dataset)
table = dataset.table
st.subheader(t("page.data.columns", name=md_escape(table.name)))
reading = dataset.reading
if reading is not None and len(reading.sheets) > 1:
    # The data set is the truth, set on every run: the radio below and this picker match their choice by its
    # shown label, which a language switch changes (the browser would then show no choice ticked).
    st.session_state["data.sheet"] = reading.sheet
    st.selectbox(t("readers.sheet"), list(reading.sheets), key="data.sheet", on_change=apply_sheet,
                 help=t("readers.sheet.help"))
if reading is not None and reading.wide is not None:
    st.session_state["data.shape"] = "series" if reading.as_series else "columns"  # as the sheet, above
    period = t(f"readers.period.{reading.wide.period}")
    shape_labels = {"series": t(f"readers.shape.series.{reading.wide.period}"),
                    "columns": t("readers.shape.columns", period=period)}
    st.radio(t("readers.shape", period=period), list(shape_labels), key="data.shape", horizontal=True,
             format_func=shape_labels.get, on_change=apply_shape, help=t("readers.shape.help"))
c1, c2, c3, c4 = st.columns(4)
time_options = [NONE, *table.time_columns]
target_options = [c for c in table.numeric_columns]
series_options = [NONE, *table.series_columns]
for key, options in (("data.time_column", time_options), ("data.target", target_options),
                     ("data.series_column", series_options)):
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0] if options else NONE
c1.selectbox(t("page.data.time_column"), time_options, key="data.time_column", format_func=_label,
             on_change=apply_columns, help=t("page.data.time_column.help"))
c2.selectbox(t("page.data.target"), target_options, key="data.target", format_func=_label,
             on_change=apply_columns, help=t("page.data.target.help"))
c3.selectbox(t("page.data.series_column"), series_options, key="data.series_column", format_func=_label,
             on_change=apply_columns, help=t("page.data.series_column.help"))
if dataset.series_column is not None:
    names = workspace.series_names(table, dataset.series_column)
    if st.session_state.get("data.series_name") not in names:
        st.session_state["data.series_name"] = dataset.series_name if dataset.series_name in names else names[0]
    c4.selectbox(t("page.data.series_name"), names, key="data.series_name", on_change=apply_columns,
                 help=t("page.data.series_name.help"))

input_options = workspace.input_choices(dataset)
if input_options:
    st.session_state["data.inputs"] = list(dataset.inputs)  # the data set is the truth, as the sheet above
    st.multiselect(t("inputs.pick"), input_options, key="data.inputs", on_change=apply_inputs,
                   max_selections=workspace.MAX_COVARIATES, help=t("inputs.pick.help"))
    if dataset.inputs:
        st.caption(t("inputs.chosen", D=len(dataset.input_names),
                     names=", ".join(md_escape(n) for n in dataset.input_names)))

if len(table.numeric_columns) > 1:
    st.markdown(f"**{t('readers.sparklines')}**")
    st.caption(t("readers.sparklines.caption"))
    charts.plot(figures.sparklines_figure(table.frame, table.numeric_columns, dataset.time_column,
                                          highlight=dataset.target), "data.sparklines")

# -- the series -----------------------------------------------------------------------------------

charts.series_preview(dataset, lang)
if workspace.is_short(dataset):
    st.warning(t("readers.short", n=dataset.n_points, need=workspace.short_need(dataset)), icon=":material/warning:")

report = dataset.series.report
freq_key = freq_label_key(dataset.series.freq)
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("page.data.points"), f"{report.n_points:,}")
m2.metric(t("page.data.freq"), t(freq_key) if freq_key else (dataset.series.freq or t("page.data.no_freq")))
m3.metric(t("page.data.filled"), f"{report.n_missing_filled:,}")
m4.metric(t("page.data.resorted"), t("page.data.yes") if report.resorted else t("page.data.no"))
with st.container(border=True):
    st.markdown(f"**{t('page.data.report')}**")
    # The reader's own notes say every repair once (duplicates, gaps, dropped ends, text cells …).
    lines = [t(key, **{k: md_escape(v) if isinstance(v, str) else v for k, v in params.items()})
             for key, params in report.notes]
    if dataset.season:
        lines.append(t("page.data.fact.season", season=dataset.season))
    for line in lines or [t("page.data.fact.clean")]:
        st.markdown(f"- {line}")

# -- split and horizon ----------------------------------------------------------------------------

st.subheader(t("eval.split.title"))
s0, s1, s2 = st.columns(3)
max_test = workspace.max_test_size(dataset)
max_val = workspace.max_val_size(dataset)
st.session_state["data.test_size"] = int(min(max(1, st.session_state["data.test_size"]), max_test))
st.session_state["data.val_size"] = int(min(max(0, st.session_state["data.val_size"]), max_val))
s0.number_input(t("eval.split.val_size"), 0, max_val, step=1, key="data.val_size", on_change=apply_split,
                help=t("eval.split.val_size.help"))
s1.number_input(t("page.data.test_size"), 1, max_test, step=1, key="data.test_size", on_change=apply_split,
                help=t("page.data.test_size.help"))
s2.number_input(t("page.data.horizon"), 1, config.MAX_HORIZON, step=1, key="data.horizon", on_change=apply_split,
                help=t("page.data.horizon.help"))
st.caption(t("eval.split.note", n_fit=dataset.n_fit,
             val=dataset.val_size, test=dataset.test_size))
for key, params in learning_warnings(dataset.n_points, dataset.window, dataset.test_size, dataset.val_size):
    st.warning(t(key, **params), icon=":material/warning:")
with st.expander(t("eval.split.title"), icon=":material/school:"):
    st.markdown(t("eval.split.explain"))
