"""Gates: every gate and state as units × time, animated through time and through training."""
import streamlit as st

from lstm_viz import figures
from lstm_viz import workspace
from lstm_viz.figures import UNIT_ORDERS
from lstm_viz.i18n import tr
from lstm_viz.workspace import history
from pages.ui import charts, screen
from pages.ui.nav import open_page, require_run
from pages.ui.notices import picture_notices
from pages.ui.state import choose, md_escape, t

ws, lang = open_page()

st.title(t("page.gates.title"))
st.caption(t("page.gates.intro"))

run = require_run(ws, "gates")
picture_notices(ws)
if not run.split.transform.identity:  # the input row shows what the model reads, not the raw values
    st.caption(t("eval.gates.transformed", kind=t(f"eval.transform.{run.split.transform.kind}"),
                 lag=run.split.transform.diff))

with st.expander(t("page.gates.howto"), expanded=False, icon=":material/school:"):
    for name in ("f", "i", "g", "o", "c", "h"):
        st.markdown(t(f"page.gates.explain.{name}"))
    st.markdown(t("page.gates.read_heatmap"))

# -- what to show ---------------------------------------------------------------------------------

n_windows = workspace.n_test_windows(run)
segments = ["series", *range(n_windows)]
axis = workspace.series_axis(run.dataset.series)


def segment_label(segment) -> str:
    # Format functions run again outside the page run (and in tests), so they take the language as made.
    if segment == "series":
        return tr("page.gates.segment.series", lang, n=min(len(axis), workspace.MAX_SERIES_STEPS))
    return tr("page.gates.segment.window", lang, **workspace.window_times(run, segment))


layers = list(range(run.cfg.num_layers))
for key, options, fallback in (("gates.layer", layers, layers[-1]), ("gates.order", list(UNIT_ORDERS), "index"),
                               ("gates.segment", segments, 0)):
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback
c1, c2, c3 = st.container(key=screen.wrap_key(20, "gates_choices")).columns([1, 2, 3])
layer = c1.selectbox(t("page.gates.layer"), layers, key="gates.layer", format_func=lambda k: tr("page.gates.layer_n", lang, n=k + 1),
                     help=t("page.gates.layer.help"))
order = c2.segmented_control(t("page.gates.order"), list(UNIT_ORDERS), key="gates.order", required=True,
                             format_func=lambda o: tr(f"page.gates.order.{o}", lang), help=t("page.gates.order.help"))
segment = c3.selectbox(t("page.gates.segment"), segments, key="gates.segment", format_func=segment_label,
                       help=t("page.gates.segment.help"))

view = workspace.gate_trace(ws, segment, run=run)
layer_trace = view.trace.layer(layer)
if view.truncated:
    st.caption(t("page.gates.truncated", n=len(view.positions)))

# -- (a) through time ---------------------------------------------------------------------------------

st.subheader(t("page.gates.time"))
st.caption(t("page.gates.time_help"))
if run.split.n_inputs > 1:
    st.caption(t("inputs.gates_note"))
fig_time = charts.cached("gates.time", (run.run_id, run.epochs_done, layer, order, segment, lang),
                         lambda: figures.gates_figure(layer_trace, view.lines, time=view.axis,
                                                      unit_order=order, lang=lang, input_names=view.line_names))
charts.plot(fig_time, "gates.time_chart")

# -- (a') beside another run of the session, on the same input segment ------------------------------------

# One copy of the list: a run ending on another thread may evict a kept run while this page draws.
kept_by_number = {kept.number: kept for kept in list(ws.kept_runs.runs)}
others = {number: history.run_name(kept, lang) for number, kept in kept_by_number.items()
          if kept.run_id != run.run_id and history.same_test_part(kept, run)}
if others:
    choose("gates.compare", [None, *others], None)
    pick = st.selectbox(t("history.gates.compare"), [None, *others], key="gates.compare",
                        format_func=lambda n: tr("history.gates.compare_none", lang) if n is None else others.get(n, ""),
                        help=t("history.gates.compare_help"))
    if pick is not None:
        other = kept_by_number[pick]
        other_layer = min(layer, other.cfg.num_layers - 1)
        # Its own weights through the same recorder: the gates it really had on this segment.
        other_view = workspace.gate_trace(ws, segment, run=other)
        this = next((kept for kept in kept_by_number.values() if kept.run_id == run.run_id), None)
        left, right = st.container(key=screen.wrap_key(20, "gates_compare")).columns(2)
        for where, name, trace, shown, key in (
                (left, history.run_name(this, lang) if this else t("history.gates.this"), layer_trace, view,
                 "gates.compare_this"),
                (right, others[pick], other_view.trace.layer(other_layer), other_view, "gates.compare_other")):
            with where:
                st.markdown(f"**{md_escape(name)}**")
                charts.plot(figures.gates_figure(trace, shown.lines, time=shown.axis, unit_order=order, lang=lang,
                                                 animate=False, row_height=110, input_names=shown.line_names), key)
        if other_layer != layer:
            st.caption(t("history.gates.other_layer", run=others[pick], layers=other.cfg.num_layers))

# -- (b) through training -------------------------------------------------------------------------------

st.subheader(t("page.gates.training"))
snapshots = run.snapshots
if len(snapshots) < 2:
    st.info(t("page.gates.few_snapshots"), icon=":material/info:")
else:
    st.caption(t("page.gates.training_help", n=len(snapshots)))
    reference = workspace.gate_trace(ws, 0, run=run)  # the snapshots were recorded on the first test window
    fig_training = charts.cached(
        "gates.training", (run.run_id, len(snapshots), layer, order, lang),
        lambda: figures.gates_training_figure([(s.epoch, s.trace.layer(layer)) for s in snapshots],
                                              reference.lines, time=reference.axis, unit_order=order, lang=lang,
                                              input_names=reference.line_names))
    charts.plot(fig_training, "gates.training_chart")

# -- saturation ----------------------------------------------------------------------------------------

st.subheader(t("page.gates.saturation"))
charts.plot(figures.saturation_figure(layer_trace, lang=lang), "gates.saturation_chart")
# The table sits under the chart, not beside it: in two-fifths of a 1024-px page its last column was cut off.
table = figures.saturation_table(layer_trace)
table["state"] = [t(f"page.gates.gate.{name}") for name in table["state"]]
parts = ("low", "middle", "high")  # short headers; each header's tooltip has the full wording
table = table.rename(columns={"state": t("page.gates.sat.gate"), **{p: t(f"faults.sat.{p}") for p in parts}})
st.dataframe(table, hide_index=True, width="content",
             column_config={t(f"faults.sat.{p}"): st.column_config.NumberColumn(
                 format="percent", help=t(f"page.gates.sat.{p}")) for p in parts})
st.caption(t("page.gates.sat_help"))
