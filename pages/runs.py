"""Runs side by side: every finished run of the session in a table; overlay their losses and forecasts."""
import pandas as pd
import streamlit as st

from lstm_viz.figures.runs import forecast_overlay_figure, loss_overlay_figure
from lstm_viz.numbers import format_number, shared_decimals
from lstm_viz.workspace import history
from pages.ui import charts, screen
from pages.ui.nav import open_page, page_path
from pages.ui.state import flash, md_escape, safe, t

ws, lang = open_page()
COMPARE, MANAGE = "runs.compare", "runs.manage"
# Always in the table; any other setting appears once two kept runs differ in it.
TABLE_SETTINGS = ("hidden_size", "num_layers", "window", "lr", "batch_size")

st.title(t("page.runs.title"))
st.caption(t("page.runs.intro", n=ws.kept_runs.max_count))

kept_runs = list(ws.kept_runs.runs)  # a copy: a run ending on another thread may change the list
if not kept_runs:
    st.info(t("page.runs.none"), icon=":material/info:")
    st.page_link(page_path("train.py"), label=t("page.runs.go_train"), icon=":material/model_training:")
    st.stop()
by_number = {kept.number: kept for kept in kept_runs}
names = {kept.number: history.run_name(kept, lang) for kept in kept_runs}
numbers = list(names)


# -- the table ---------------------------------------------------------------------------------------

st.subheader(t("page.runs.table"))
varying = [change.name for change in history.what_changed(kept_runs) if change.name not in TABLE_SETTINGS]
current_id = ws.run.run_id if ws.run is not None else None
rows = []
for kept in kept_runs:
    row = {t("page.runs.col.run"): names[kept.number],
           t("page.runs.col.current"): kept.run_id == current_id,
           t("page.runs.col.status"): t(f"page.runs.status.{kept.status}"),
           t("page.runs.col.epochs"): f"{kept.epochs_done} / {kept.cfg.epochs}"}
    for name in (*TABLE_SETTINGS, *varying):
        value = (kept.dataset.label if name == "data" else getattr(kept.split, name) if name in (
            "test_size", "val_size") else getattr(kept.cfg, name))
        row[t(f"history.setting.{name}")] = history.setting_text(name, value, lang)
    row[t("page.runs.col.time")] = kept.train_s
    for score in history.SCORES:
        row[t(f"page.runs.col.{score}")] = kept.scores[score]
    row[t("page.runs.col.pinned")] = kept.pinned
    rows.append(row)
table = pd.DataFrame(rows)
for column in (t("page.runs.col.time"), *(t(f"page.runs.col.{score}") for score in history.SCORES)):
    places = shared_decimals(table[column])  # one number of decimals per column, by its magnitude
    table[column] = [format_number(v, places) for v in table[column]]
st.dataframe(table, hide_index=True, key="runs.table")
st.caption(t("page.runs.table_help"))

# -- pin or delete ---------------------------------------------------------------------------------------

with st.expander(t("page.runs.manage"), icon=":material/push_pin:"):
    if st.session_state.get(MANAGE) not in numbers:
        st.session_state[MANAGE] = numbers[-1]
    c1, c2, c3 = st.container(key=screen.wrap_key(10, "runs_manage")).columns([3, 1, 1],
                                                                               vertical_alignment="bottom")
    chosen = c1.selectbox(t("page.runs.manage_run"), numbers, key=MANAGE, format_func=names.get)
    pinned = by_number[chosen].pinned

    def toggle_pin() -> None:
        history.pin(ws, st.session_state[MANAGE], pinned=not pinned)

    def delete() -> None:
        number = st.session_state[MANAGE]
        history.delete(ws, number)
        flash("success", "page.runs.deleted", n=number)

    c2.button(t("page.runs.unpin" if pinned else "page.runs.pin"), key="runs.pin", on_click=safe(toggle_pin),
              icon=":material/push_pin:", help=t("page.runs.pin_help", n=ws.kept_runs.max_pinned))
    c3.button(t("page.runs.delete"), key="runs.delete", on_click=safe(delete), icon=":material/delete:")

# -- compare ---------------------------------------------------------------------------------------------

st.subheader(t("page.runs.compare"))
picked = [n for n in st.session_state.get(COMPARE, numbers[-2:]) if n in numbers]
st.session_state[COMPARE] = picked
picked = st.multiselect(t("page.runs.compare_pick"), numbers, key=COMPARE, format_func=names.get,
                        help=t("page.runs.compare_help"))
if len(picked) < 2:
    st.info(t("page.runs.pick_two"), icon=":material/info:")
    st.stop()
runs = [by_number[n] for n in picked]

st.markdown(f"**{t('page.runs.changed')}**")
changes = history.what_changed(runs)
if not changes:
    st.caption(t("page.runs.changed.none"))
for change in changes:
    values = " · ".join(t("page.runs.changed.value", value=md_escape(history.setting_text(change.name, value, lang)), n=kept.number)
                        for kept, value in zip(runs, change.values))
    st.markdown("- " + t("page.runs.changed.row", setting=t(f"history.setting.{change.name}"), values=values))

fig_loss = loss_overlay_figure([(names[k.number], k.epochs, k.train_loss, k.val_loss) for k in runs], lang=lang)
charts.plot(fig_loss, "runs.loss_chart")

# Forecasts line up only over the same test points: those of the first picked run.
first = runs[0]
aligned = [kept for kept in runs if history.same_test_part(kept, first)]
fig_forecast = forecast_overlay_figure(first.dataset.series.axis(), first.split.values, first.split.n_train,
                                       [(names[k.number], k.test_pred) for k in aligned], lang=lang)
charts.plot(fig_forecast, "runs.forecast_chart")
left_out = [names[kept.number] for kept in runs if not history.same_test_part(kept, first)]
if left_out:
    st.caption(t("page.runs.other_data", runs=", ".join(left_out)))
