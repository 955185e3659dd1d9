"""Many in, many out: an encoder–decoder reads N steps and emits M at once, against the one-step rollout."""
import numpy as np
import streamlit as st

from lstm_viz import figures
from lstm_viz.config import DEFAULT_HIDDEN_SIZE, SEQ2SEQ_LIMITS
from lstm_viz import jobs, seq2seq
from lstm_viz import workspace
from lstm_viz.errors import LensError
from lstm_viz.figures_teach import forecasts_figure, horizon_error_figure, series_label
from lstm_viz.i18n import tr
from lstm_viz.samples import SAMPLES
from lstm_viz.seq2seq import Seq2Seq, split_seq2seq
from pages.ui import charts
from pages.ui.jobs import collect, replace_job, show_job
from pages.ui.nav import open_page
from pages.ui.numbers import number_box
from pages.ui.state import choose, current_workspace, flash_error, md_escape, show_error, t

ws, lang = open_page()

PERSIST = {"persist_state": "session"}  # settings survive a visit to another page

JOB, RESULT = "m2m.job", "m2m.result"
SAMPLE_N, SAMPLE_M = 18, 18  # a year and a half of monthly sea-surface temperature in, as much out


@st.cache_data(show_spinner=False, max_entries=8)
def sample_series(key: str):
    """A shipped sample's series (the same file for everyone), read once per server."""
    return workspace.sample_series(key)


def source_series(current, source: str):
    """Return (series, label, test_size) for the chosen source: the El Niño sample or the student's data."""
    if source == "data" and current.dataset is not None:
        data = current.dataset
        return data.series, data.label, data.test_size
    key = seq2seq.SEQ2SEQ_SAMPLE
    return sample_series(key), tr(f"sample.{key}.title", lang), SAMPLES[key].test_size


collect(JOB, RESULT)
st.title(t("teach.seq2seq.title"))

# -- settings --------------------------------------------------------------------------------------------

sources = ["sample", "data"]
choose("m2m.source", sources, "sample")
source = st.segmented_control(t("page.m2m.source"), sources, key="m2m.source", required=True,
                              format_func=lambda s: tr(f"page.m2m.source.{s}", lang), **PERSIST)
if source == "data" and ws.dataset is None:
    st.info(t("page.m2m.no_data"), icon=":material/info:")
    source = "sample"
try:
    series, label, _ = source_series(ws, source)
except LensError as err:
    show_error(err)
    st.stop()

# Each source starts from its own N and M: 18/18 for El Niño, the data set's window and horizon otherwise.
signature = (source, ws.dataset.data_id if source == "data" else None)
if st.session_state.get("m2m.synced") != signature:
    st.session_state["m2m.synced"] = signature
    if source == "data":
        st.session_state["m2m.n_in"] = int(min(ws.dataset.window, SEQ2SEQ_LIMITS["n_in"][1]))
        st.session_state["m2m.n_out"] = int(max(1, min(ws.dataset.horizon, ws.dataset.test_size,
                                                         SEQ2SEQ_LIMITS["n_out"][1])))
    else:
        st.session_state["m2m.n_in"], st.session_state["m2m.n_out"] = SAMPLE_N, SAMPLE_M
st.session_state.setdefault("m2m.hidden_size", DEFAULT_HIDDEN_SIZE)
st.session_state.setdefault("m2m.epochs", 50)

c1, c2, c3, c4 = st.columns(4)
n_in = number_box(c1, t("teach.seq2seq.n_in"), *SEQ2SEQ_LIMITS["n_in"], "m2m.n_in", step=1,
                  help=t("page.m2m.n_in.help"), **PERSIST)
n_out = number_box(c2, t("teach.seq2seq.n_out"), *SEQ2SEQ_LIMITS["n_out"], "m2m.n_out", step=1,
                   help=t("page.m2m.n_out.help"), **PERSIST)
number_box(c3, t("page.m2m.hidden_size"), *SEQ2SEQ_LIMITS["hidden_size"], "m2m.hidden_size", step=1, **PERSIST)
number_box(c4, t("page.m2m.epochs"), *SEQ2SEQ_LIMITS["epochs"], "m2m.epochs", step=10, **PERSIST)
st.toggle(t("teach.seq2seq.bidirectional"), value=False, key="m2m.bidirectional",
          help=t("teach.seq2seq.bidirectional.help"), **PERSIST)
st.caption(t("teach.seq2seq.intro", n_in=n_in, n_out=n_out))
st.markdown(t("page.m2m.on_data", name=md_escape(label), n=len(series.values)))


def start() -> None:
    """Button: check N, M and the budget at once (refusals show now), then train the three on a thread."""
    state = st.session_state
    current = current_workspace()
    chosen = "data" if state["m2m.source"] == "data" and current.dataset is not None else "sample"
    try:
        values_series, name, test_size = source_series(current, chosen)
        n_first, n_last = int(state["m2m.n_in"]), int(state["m2m.n_out"])
        values = values_series.values
        test_size = seq2seq.seq2seq_test_size(len(values), n_first, n_last, test_size)
        data = split_seq2seq(values, n_first, n_last, test_size)
        hidden, epochs = int(state["m2m.hidden_size"]), int(state["m2m.epochs"])
        seq2seq.check_seq2seq_budget(data, hidden, epochs)
    except LensError as err:
        flash_error(err)
        return
    settings = {"label": name, "axis": workspace.series_axis(values_series), "data": data,
                "bidirectional": bool(state["m2m.bidirectional"])}
    replace_job(JOB, jobs.start("m2m", seq2seq.seq2seq_work(data, hidden, settings["bidirectional"], epochs),
                                settings, present=current.presence))


st.button(t("page.m2m.run"), type="primary", key="m2m.run", on_click=start, icon=":material/play_arrow:")
show_job(JOB, cancel_key="m2m.cancel")

if RESULT not in st.session_state:
    if JOB not in st.session_state:
        st.caption(t("page.m2m.not_yet"))
    st.stop()

# -- results ---------------------------------------------------------------------------------------------

settings, result = st.session_state[RESULT]
data, axis = settings["data"], settings["axis"]
st.subheader(t("page.m2m.results", name=md_escape(settings["label"]), n_in=data.n_in, n_out=data.n_out,
               n=data.X_test.shape[1]))
charts.plot(horizon_error_figure(result.leads, result.rmse, lang=lang), "m2m.horizon_chart")
st.caption(t("teach.seq2seq.horizon_note"))

table = seq2seq.horizon_table(result)
table.index = [series_label(method, lang) for method in table.index]
table.index.name = t("page.m2m.method")
table = table.rename(columns={name: t(f"page.m2m.col.{name}") for name in table.columns})
st.dataframe(table, width="stretch", column_config={
    t("page.m2m.col.train_time_s"): st.column_config.NumberColumn(format="%.2f"),
    **{t(f"page.m2m.col.{k}"): st.column_config.NumberColumn(format="%.4g")
       for k in ("rmse_first", "rmse_last", "rmse_mean")}})

n_origins = data.X_test.shape[1]


def origin_label(k: int) -> str:
    first = int(data.origins[k])
    return tr("page.m2m.origin_n", lang, k=k + 1, start=str(axis[first])[:10],
              end=str(axis[first + data.n_out - 1])[:10])


choose("m2m.origin", list(range(n_origins)), 0)
origin = st.selectbox(t("page.m2m.origin"), list(range(n_origins)), key="m2m.origin", format_func=origin_label,
                      help=t("page.m2m.origin.help"), **PERSIST)
first = int(data.origins[origin])
shown = np.arange(first - data.n_in, first + data.n_out)
gap = np.full(data.n_in, np.nan)
forecasts = {method: np.concatenate([gap, pred[:, origin]]) for method, pred in result.predictions.items()}
charts.plot(forecasts_figure(axis[shown], data.values[shown], forecasts, lang=lang,
                             title=t("page.m2m.forecast_title", n_in=data.n_in, n_out=data.n_out)),
            "m2m.forecast_chart")

# -- the gates of encoder and decoder ----------------------------------------------------------------------

st.subheader(t("page.m2m.gates"))
st.caption(t("page.m2m.gates_help"))
models = [method for method, model in result.models.items() if isinstance(model, Seq2Seq)]
choose("m2m.gates_model", models, models[-1])
method = st.segmented_control(t("page.m2m.gates_model"), models, key="m2m.gates_model", required=True,
                              format_func=lambda m: series_label(m, lang), **PERSIST)
if method == "decoder":
    st.caption(t("teach.seq2seq.decoder_note"))
for panel in seq2seq.gate_panels(result.models[method], data, origin):
    name = "decoder" if panel.part == "decoder" else ("encoder_bwd" if panel.direction else "encoder_fwd")
    st.markdown(f"**{t(f'page.m2m.panel.{name}')}**")
    fig = charts.cached(f"m2m.gates.{name}", (id(result), method, origin, lang),
                        lambda panel=panel: figures.gates_figure(panel.layer, panel.inputs, time=axis[panel.positions],
                                                                 lang=lang, animate=False, row_height=90))
    charts.plot(fig, f"m2m.gates.{name}")
