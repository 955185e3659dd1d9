"""Forecast: the model against the data and the simple baselines, with scores and a verdict in words."""
import numpy as np
import streamlit as st

from lstm_viz import figures
from lstm_viz import workspace
from lstm_viz.i18n import tr
from lstm_viz.metrics import display_name, mase_season
from lstm_viz.numbers import format_number, shared_decimals
from pages.ui import charts
from pages.ui.nav import open_page, require_run
from pages.ui.notices import picture_notices
from pages.ui.state import md_escape, t

ws, lang = open_page()

st.title(t("page.forecast.title"))
st.caption(t("page.forecast.intro"))

run = require_run(ws, "forecast")
picture_notices(ws)

c1, c2 = st.columns([1, 2])
show_baselines = c1.toggle(t("page.forecast.baselines"), value=True, key="forecast.baselines",
                           help=t("page.forecast.baselines.help"))
covariates = run.input_names[1:]
mode = c2.segmented_control(t("page.forecast.mode"), ["recursive", "one_step"], key="forecast.mode",
                            default="one_step" if covariates else "recursive", required=True, format_func=lambda m: tr(f"page.forecast.mode.{m}", lang),
                            help=t("page.forecast.mode.help"))
recursive = mode != "one_step"
view = workspace.forecast(ws, recursive=recursive, lang=lang)
result, split, series = view.result, run.split, run.dataset.series

if covariates:  # their future is unknown: say how far the model can go, and what its test forecasts read
    st.info(t("inputs.forecast_note", covariates=", ".join(md_escape(c) for c in covariates),
              target=md_escape(run.input_names[0]),
              steps=len(result.future)), icon=":material/info:")
fig = workspace.forecast_figure(ws, view, show_baselines=show_baselines, lang=lang)
charts.plot(fig, "forecast.chart")
if fig.layout.xaxis.rangeslider.visible:  # a long series opens zoomed on its test part
    st.caption(t("faults.forecast.zoomed", n=len(split.values)))

# -- the verdict --------------------------------------------------------------------------------------

key, params = view.verdict
text = tr(key, lang, **params)
if key == "metrics.verdict.beats":
    st.success(text, icon=":material/emoji_events:")
elif key in ("metrics.verdict.loses", "metrics.verdict.unknown"):
    st.warning(text, icon=":material/lightbulb:")
else:
    st.info(text)
if view.flat:
    st.warning(tr("metrics.flat", lang, pct=view.flat_pct), icon=":material/horizontal_rule:")

# -- the scores -----------------------------------------------------------------------------------------

st.subheader(t("page.forecast.scores"))
table = view.table.copy()
table.index = [display_name(name, lang) for name in table.index]
table.index.name = t("page.forecast.model")
table = table.replace([np.inf, -np.inf], np.nan)
for column in table.columns:  # one number of decimals per column, by its magnitude
    places = shared_decimals(table[column])
    table[column] = [format_number(v, places) for v in table[column]]
st.dataframe(table, width="stretch",
             column_config={c: st.column_config.TextColumn(alignment="right") for c in table.columns})
st.caption(t("page.forecast.scores_help." + ("recursive" if recursive else "one_step"),
             n=split.test_size, season=run.dataset.season or "–"))
season_m = mase_season(split.n_train, run.dataset.season)
st.caption(t("eval.mase.seasonal", season=season_m) if season_m > 1 else t("eval.mase.last_value"))
if season_m == 1:
    st.caption(t("eval.no_season"))
st.caption(t("eval.forecast.test_once", n=split.test_size))
# -- the backtest: several origins, a verdict with its spread ------------------------------------------

tested = view.backtest
st.subheader(t("eval.backtest.title"))
key, params = view.backtest_verdict
if key == "eval.backtest.verdict" and params["mostly_won"]:
    st.success(tr(key, lang, **params), icon=":material/emoji_events:")
elif key == "eval.backtest.verdict":
    st.warning(tr(key, lang, **params), icon=":material/lightbulb:")
else:
    st.info(tr(key, lang, **params), icon=":material/info:")
if tested.n_origins:
    charts.plot(figures.backtest_figure(series.axis()[tested.origins], tested.rmse, lang=lang), "forecast.backtest")
    st.caption(t("eval.backtest.explain", h=tested.horizon, k=tested.n_origins))

with st.expander(t("page.forecast.kinds"), icon=":material/school:"):
    for kind in ("fitted", "one_step", "recursive", "future", "baselines", "metrics"):
        st.markdown(t(f"page.forecast.kind.{kind}"))
