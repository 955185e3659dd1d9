"""One cell by hand: a single LSTM step with the model's own numbers, beside what the recorder says."""
import streamlit as st

from lstm_viz import cell_check
from lstm_viz import workspace
from lstm_viz.cell_by_hand import input_lines, symbol_notes, worked_rows
from lstm_viz.cell_step import TINY_SEED, tiny_worked_example
from lstm_viz.errors import LensError
from lstm_viz.i18n import tr
from lstm_viz.numbers import format_number
from pages.ui.nav import open_page, page_path
from pages.ui.notices import picture_notices
from pages.ui.state import choose, clamp, show_error, t

ws, lang = open_page()

PERSIST = {"persist_state": "session"}  # settings survive a visit to another page

st.title(t("teach.cell.title"))
st.caption(t("page.one_cell.intro"))

run = ws.run
usable = run is not None and run.cfg.cell == "lstm"
if run is None:
    st.info(t("page.one_cell.no_model"), icon=":material/info:")
    st.page_link(page_path("train.py"), label=t("page.one_cell.go_train"), icon=":material/model_training:")
elif not usable:
    st.info(LensError("teach.cell.not_lstm", kind=run.cfg.cell.upper()).message(lang), icon=":material/info:")

source = "tiny"
if usable:
    sources = ["model", "tiny"]
    choose("one_cell.source", sources, "model")
    source = st.segmented_control(t("page.one_cell.source"), sources, key="one_cell.source", required=True,
                                  format_func=lambda s: tr(f"page.one_cell.source.{s}", lang), **PERSIST)


def unit_label(unit) -> str:
    return tr("page.one_cell.all_units", lang) if unit is None else tr("page.one_cell.unit_n", lang, n=unit)


# -- which step ---------------------------------------------------------------------------------------

if source == "model":
    picture_notices(ws)
    c1, c2, c3, c4, c5 = st.columns([3, 3, 2, 2, 2])
    split = run.split
    n_windows = workspace.n_test_windows(run)

    def window_label(k: int) -> str:
        return tr("page.one_cell.window_n", lang, **workspace.window_times(run, k))

    choose("one_cell.window", list(range(n_windows)), 0)
    window = c1.selectbox(t("page.one_cell.window"), list(range(n_windows)), key="one_cell.window",
                          format_func=window_label, help=t("page.one_cell.window.help"), **PERSIST)
    view = workspace.gate_trace(ws, window)
    clamp("one_cell.t", 0, split.window - 1, split.window - 1)
    step_t = c2.slider(t("teach.cell.pick_step"), 0, split.window - 1, key="one_cell.t",
                       help=t("page.one_cell.t.help"), **PERSIST)
    layers = list(range(run.cfg.num_layers))
    choose("one_cell.layer", layers, 0)
    layer = c3.selectbox(t("teach.cell.pick_layer"), layers, key="one_cell.layer", disabled=len(layers) == 1,
                         format_func=lambda k: tr("page.one_cell.layer_n", lang, n=k + 1), **PERSIST)
    units = cell_check.unit_choices(run.cfg.hidden_size)
    choose("one_cell.unit", units, units[0])
    unit = c4.selectbox(t("teach.cell.pick_unit"), units, key="one_cell.unit", format_func=unit_label,
                        help=t("page.one_cell.unit.help"), **PERSIST)
    x_seq = split.X_test[:, window]
    change = split.transform
    where = "page.one_cell.where" if change.identity else "page.one_cell.where_transformed"
    st.caption(t(where, when=str(view.axis[step_t])[:10], value=format_number(view.inputs[step_t]),
                 scaled=f"{x_seq[step_t, 0]:.4f}", kind=t(f"eval.transform.{change.kind}"), lag=change.diff))
    try:
        with run.lock:
            check = cell_check.check_step(run.model.core, x_seq, step_t, layer=layer, unit=unit)
    except LensError as err:
        show_error(err)
        st.stop()
else:
    st.markdown(t("teach.cell.tiny", seed=TINY_SEED))
    c1, c5, _ = st.columns([3, 2, 5])
    example = tiny_worked_example()
    units = cell_check.unit_choices(3)
    choose("one_cell.tiny_unit", units, None)
    unit = c1.selectbox(t("teach.cell.pick_unit"), units, key="one_cell.tiny_unit", format_func=unit_label,
                        help=t("page.one_cell.unit.help"), **PERSIST)
    check = cell_check.check_step(example.core, example.x_seq, 0, h0=example.h0, c0=example.c0, unit=unit)

digits = c5.select_slider(t("page.one_cell.digits"), [2, 3, 4, 5, 6], value=3, key="one_cell.digits",
                          **PERSIST)
st.caption(t("teach.cell.rounding", digits=digits))

# -- the step, line by line, with the recorder's numbers beside it ---------------------------------

step = check.step
st.subheader(t("page.one_cell.worked"))
head_left, head_right = st.columns([4, 1])
head_left.markdown(f"**{t('page.one_cell.by_hand')}**")
head_right.markdown(f"**{t('page.one_cell.recorder')}**")
if source == "model" and layer == 0 and run.split.n_inputs > 1:
    # Several inputs: name x_t's entries and the columns of W_x (the layers above read h, not named inputs).
    for caption, tex in input_lines(step, run.input_names, unit, lang, digits):
        st.caption(caption)
        st.latex(tex)
for caption, tex, state in worked_rows(step, unit, lang, digits):
    st.caption(caption)
    if state is None:  # z and the pre-activations: whole matrices need the full width
        st.latex(tex)
        continue
    left, right = st.columns([4, 1], vertical_alignment="center")
    left.latex(tex)
    symbol = f"{state}_t" if unit is None else f"{state}_{{t,{unit}}}"
    value = cell_check.format_values(check.recorded[state], unit, digits)
    right.markdown(t("page.one_cell.recorder_says", value=f"${symbol} = {value}$"))

st.success(t("page.one_cell.recorder_agree", error=check.recorder_error), icon=":material/check_circle:")
st.success(t("teach.cell.check", error=check.torch_error), icon=":material/check_circle:")

table = cell_check.agreement_table(check, unit)
table = table.rename(columns={name: t(f"page.one_cell.col.{name}") for name in table.columns})
st.dataframe(table, hide_index=True, width="stretch",
             column_config={t(f"page.one_cell.col.{name}"): st.column_config.NumberColumn(format="%.7f")
                            for name in ("by_hand", "recorder")}
             | {t("page.one_cell.col.difference"): st.column_config.NumberColumn(format="%.1e")})
st.caption(t("page.one_cell.table_help"))

with st.expander(t("page.one_cell.symbols"), icon=":material/school:"):
    st.markdown("\n".join(f"- ${tex}$ — {sentence}" for tex, sentence in symbol_notes(lang)))
