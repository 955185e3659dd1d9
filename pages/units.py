"""Units: what each hidden unit moves with, where else it does the same, and what the forecast loses without it."""
import streamlit as st

from lstm_viz import units
from lstm_viz.errors import LensError
from lstm_viz.figures.style import time_axis, time_labels
from lstm_viz.figures.units import ablation_figure, unit_lines_figure
from lstm_viz.i18n import tr
from lstm_viz.numbers import format_number
from lstm_viz.recorder import SIGMOID_STATES
from lstm_viz.workspace import gate_trace, series_axis
from pages.ui import charts, screen
from pages.ui.nav import open_page, require_run
from pages.ui.notices import picture_notices
from pages.ui.state import t

# Shapes this close (root-mean-square gap, in each range's own spread) count as alike at first: a
# seasonal unit's other seasons are typically 0.2 … 0.7 apart after a short run, unrelated ones about 1.4.
SHAPE_TOLERANCE = 0.6

ws, lang = open_page()

st.title(t("page.units.title"))
st.caption(t("page.units.intro"))

run = require_run(ws, "units")
picture_notices(ws)
st.info(t("page.units.caveat"), icon=":material/lightbulb:")

# -- the units, described -----------------------------------------------------------------------------

layers = list(range(run.cfg.num_layers))
if st.session_state.get("units.layer") not in layers:
    st.session_state["units.layer"] = layers[-1]
if len(layers) > 1:
    st.selectbox(t("page.gates.layer"), layers, key="units.layer", help=t("page.gates.layer.help"),
                 format_func=lambda k: tr("page.gates.layer_n", lang, n=k + 1))
layer = st.session_state["units.layer"]

# One replay of the whole series per model and layer: moving a slider below costs no replay.
model_key = (run.run_id, run.epochs_done, id(run.model), layer)
kept = st.session_state.get("units.described")
if kept is None or kept[0] != model_key:
    view = gate_trace(ws, "series", run=run)
    layer_trace = view.trace.layer(layer)
    gates = {name: layer_trace[name] for name in layer_trace.names if name in SIGMOID_STATES}
    ranked = units.describe_units(layer_trace["h"], view.inputs, view.positions, run.dataset.season, gates)
    # Keep only this layer's h and c, not every gate of every layer: session state lives as long as the tab.
    kept = (model_key, view.positions, view.truncated, layer_trace["h"], layer_trace.values.get("c"), ranked)
    st.session_state["units.described"] = kept
_, positions, truncated, h, c, ranked = kept
n_steps = len(positions)
season = run.dataset.season if run.dataset.season and run.dataset.season >= 2 else None


def unit_name(unit: int) -> str:
    return tr("page.units.unit_n", lang, u=unit)


def saturated(described: units.UnitDescription) -> str:
    gate, share = described.most_saturated
    if gate is None:
        return "–"
    if share == 0:
        return "0 %"
    return tr("page.units.saturated", lang, gate=tr(f"page.gates.gate.{gate}", lang),
              share=f"{format_number(100.0 * share, places=0)} %")


st.subheader(t("page.units.ranked"))
if run.cfg.cell == "rnn":  # a GRU has gates (r, z); a plain RNN has none
    st.caption(t("page.units.not_gates", cell=run.cfg.cell.upper()))
st.dataframe(
    {
        t("page.units.col.unit"): [d.unit for d in ranked],
        t("page.units.col.says"): [units.say(d, lang) for d in ranked],
        t("page.units.col.r"): [format_number(d.r, places=2) for d in ranked],
        t("page.units.col.saturated"): [saturated(d) for d in ranked],
    },
    hide_index=True, height=min(38 + 35 * len(ranked), 300), key="units.table",
    column_config={t("page.units.col.saturated"): st.column_config.TextColumn(
        help=t("page.units.col.saturated.help"))},
)
st.caption(t("page.units.ranked_help", n=n_steps,
             season=t("page.units.season", season=season) if season else ""))
if season is None:
    st.caption(t("page.units.no_season"))

# -- over time, and the search ----------------------------------------------------------------------------

st.subheader(t("page.units.over_time"))
order = [d.unit for d in ranked]
picked = [u for u in st.session_state.get("units.pick", order[:2]) if u in order]
st.session_state["units.pick"] = picked  # a new model may have fewer units than the last one
picked = st.multiselect(t("page.units.pick"), order, key="units.pick", format_func=unit_name,
                        help=t("page.units.pick.help"))

axis = series_axis(run.dataset.series)[positions]
# The slider's options are these labels: Streamlit keeps a select_slider's value as its option texts.
labels = time_labels(*time_axis(axis, n_steps))
if len(set(labels)) < n_steps:  # two steps with one label would be one option: number the steps instead
    labels = [str(k) for k in range(n_steps)]
test_start = run.split.n_train - int(positions[0])
# By default, the last season (or window) before the test part: a trained model's settled behaviour.
length = season or run.split.window
end = min(max(test_start, 2), n_steps)
default_range = (labels[max(0, end - length)], labels[end - 1])

c1, c2, c3 = st.container(key=screen.wrap_key(20, "units_search")).columns([3, 2, 2])
chosen = c1.select_slider(t("page.units.range"), options=labels, value=default_range, key="units.range",
                          help=t("page.units.range.help"))
index = {label: k for k, label in enumerate(labels)}
first, last = index[chosen[0]], index[chosen[1]]
mode = c2.segmented_control(t("page.units.mode"), list(units.PATTERN_MODES), key="units.mode", default="shape",
                            required=True, format_func=lambda m: tr(f"page.units.mode.{m}", lang),
                            help=t("page.units.mode.help"))
threshold, tolerance = 0.0, None
if mode == "threshold":
    threshold = c3.slider(t("page.units.threshold"), -1.0, 1.0, 0.0, 0.05, key="units.threshold",
                          help=t("page.units.threshold.help"))
else:
    tolerance = c3.slider(t("page.units.tolerance"), 0.1, 1.0, SHAPE_TOLERANCE, 0.05, key="units.tolerance",
                          help=t("page.units.tolerance.help"))

matches: list[units.Match] = []
query = None
if not picked:
    st.info(t("page.units.pick_some"), icon=":material/info:")
else:
    names = ", ".join(unit_name(u) for u in picked)
    try:
        # The replay starts from a zero state, as every training window does: its first window is a warm-up.
        matches = units.find_similar(h[:, picked], first, last + 1, mode=mode, threshold=threshold,
                                     max_distance=tolerance, earliest=run.split.window)
        query = (first, last + 1)
        found = len(matches)
        st.caption(t("page.units.found", n=found, length=last + 1 - first, units=names) if found
                   else t("page.units.found_none", length=last + 1 - first, units=names))
    except LensError as err:
        st.warning(err.message(lang), icon=":material/warning:")
    fig = charts.cached(
        "units.lines", (model_key, tuple(picked), query, mode, threshold, tolerance, lang),
        lambda: unit_lines_figure(axis, run.split.values[positions], h, picked, c=c, query=query, matches=matches,
                                  test_start=test_start, lang=lang))
    charts.plot(fig, "units.lines_chart")
if truncated:
    st.caption(t("page.gates.truncated", n=n_steps))

# -- switch a unit off ----------------------------------------------------------------------------------------

st.subheader(t("page.units.ablation"))
st.caption(t("page.units.ablation.intro"))
if st.session_state.get("units.ablate") not in order:
    st.session_state["units.ablate"] = order[0]
c1, c2 = st.container(key=screen.wrap_key(20, "units_ablate")).columns([1, 2])
unit = c1.selectbox(t("page.units.ablation.unit"), order, key="units.ablate", format_func=unit_name)
kind = c2.segmented_control(t("page.units.ablation.kind"), ["one_step", "recursive"], key="units.ablate_kind",
                            default="one_step", required=True,
                            format_func=lambda k: tr(f"page.units.ablation.{k}", lang),
                            help=t("page.units.ablation.kind.help"))
try:
    ablation_key = (model_key, unit)
    kept_ablation = st.session_state.get("units.ablation")
    if kept_ablation is None or kept_ablation[0] != ablation_key:
        with run.lock:
            kept_ablation = (ablation_key, units.ablate(run.model, run.split, unit, layer))
        st.session_state["units.ablation"] = kept_ablation
    ablation = kept_ablation[1]
except LensError as err:
    st.warning(err.message(lang), icon=":material/warning:")
    st.stop()
before, after = ablation.rmse_one_step if kind == "one_step" else ablation.rmse_recursive
with_unit, without_unit = ablation.one_step if kind == "one_step" else ablation.recursive
change = 100.0 * (after - before) / before if before > 0 else float("nan")
pct = t("page.units.ablation.pct", sign="+" if change > 0 else "", pct=format_number(change))
m1, m2 = st.container(key=screen.wrap_key(10, "units_rmse")).columns(2)
m1.metric(t("page.units.ablation.rmse_with", unit=unit), format_number(before))
m2.metric(t("page.units.ablation.rmse_without"), format_number(after), delta=pct, delta_color="inverse")
st.caption(t("page.units.ablation.change", unit=unit, before=format_number(before), after=format_number(after),
             change=pct))
charts.plot(ablation_figure(series_axis(run.dataset.series)[run.split.n_train:], run.split.test_values,
                            with_unit, without_unit, unit, lang=lang), "units.ablation_chart")
