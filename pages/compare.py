"""RNN vs GRU vs LSTM: the three trained alike on the student's series, then on a task that needs long memory."""
import numpy as np
import streamlit as st

from lstm_viz import compare, jobs, synthetic
from lstm_viz import workspace
from lstm_viz.compare import CELL_ORDER, task_verdict
from lstm_viz.config import LIMITS
from lstm_viz.errors import LensError
from lstm_viz.figures_teach import (
    forecasts_figure, gradient_norm_figure, loss_curves_figure, spike_figure, task_accuracy_figure,
    task_curves_figure,
)
from lstm_viz.gradients import decay_per_step
from lstm_viz.i18n import tr
from lstm_viz.synthetic import spike_task
from pages.ui import charts, screen
from pages.ui.jobs import collect, replace_job, show_job
from pages.ui.nav import open_page, page_path
from pages.ui.numbers import number_box
from pages.ui.state import current_workspace, flash_error, md_escape, t

ws, lang = open_page()

PERSIST = {"persist_state": "session"}  # settings survive a visit to another page

COMPARE_JOB, COMPARE_RESULT = "compare.job", "compare.result"
TASK_JOB, TASK_RESULT = "compare.task.job", "compare.task.result"
SWEEP_JOB, SWEEP_RESULT = "compare.sweep.job", "compare.sweep.result"


@st.cache_data(show_spinner=False, max_entries=256)
def cached_task(cell: str, lag: int, steps: int, seed: int, memory_bias: float) -> synthetic.TaskSummary:
    """One cell on the spike task: the same for every student, so shared (plain arguments, no model kept)."""
    return synthetic.task_summary(cell, lag, steps=steps, seed=seed, memory_bias=memory_bias)


def base_config(current) -> tuple:
    """Return the settings the three cells share (the current run's, or a first lesson's) and whether from the run."""
    run, data = current.run, current.dataset
    if run is not None and run.dataset.data_id == data.data_id:
        return run.cfg.replace(input_size=1), True  # the three cells read the target alone, whatever the run read
    return workspace.recommended_config(data), False


for job_key, result_key in ((COMPARE_JOB, COMPARE_RESULT), (TASK_JOB, TASK_RESULT), (SWEEP_JOB, SWEEP_RESULT)):
    collect(job_key, result_key)

st.title(t("teach.compare.title"))
st.caption(t("teach.compare.intro"))

# == 1. on the student's series ==========================================================================

st.header(t("page.compare.on_data"))
dataset = ws.dataset
if dataset is None:
    st.info(t("page.compare.no_data"), icon=":material/info:")
    st.page_link(page_path("data.py"), label=t("page.compare.go_data"), icon=":material/table_chart:")
else:
    run = ws.run
    base, from_run = base_config(ws)
    # Start the size and budget from the current run (or the defaults) each time those change.
    signature = (dataset.data_id, run.run_id if from_run else None)
    if st.session_state.get("compare.synced") != signature:
        st.session_state["compare.synced"] = signature
        st.session_state["compare.hidden_size"] = int(base.hidden_size)
        st.session_state["compare.epochs"] = int(base.epochs)
    st.markdown(t("page.compare.settings_from_run" if from_run else "page.compare.settings_default",
                  name=md_escape(dataset.label)))
    c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
    number_box(c1, t("page.compare.hidden_size"), *map(int, LIMITS["hidden_size"]), "compare.hidden_size", step=1,
               help=t("page.compare.hidden_size.help"), **PERSIST)
    number_box(c2, t("page.compare.epochs"), *map(int, LIMITS["epochs"]), "compare.epochs", step=10,
               help=t("page.compare.epochs.help"), **PERSIST)
    c3.caption(t("page.compare.shared", window=base.window, layers=base.num_layers, lr=base.lr,
                 batch=base.batch_size, seed=base.seed))

    def start_compare() -> None:
        """Button: check the settings at once (refusals show now), then train the three on a thread."""
        current = current_workspace()
        data = current.dataset
        try:
            cfg = compare.compare_config(base_config(current)[0], st.session_state["compare.hidden_size"],
                                    st.session_state["compare.epochs"])
            split, trainers = compare.prepare_compare(data.series.values, data.test_size, cfg, data.val_size)
        except LensError as err:
            flash_error(err)
            return
        settings = {"data_id": data.data_id, "label": data.label, "axis": workspace.series_axis(data.series)}
        replace_job(COMPARE_JOB, jobs.start("compare", compare.compare_work(split, trainers, data.horizon, data.season),
                                            settings, present=current.presence))

    st.button(t("page.compare.run"), type="primary", key="compare.run", on_click=start_compare,
              icon=":material/play_arrow:")
    show_job(COMPARE_JOB)

    if COMPARE_RESULT not in st.session_state:
        if COMPARE_JOB not in st.session_state:
            st.caption(t("page.compare.not_yet"))
    else:
        settings, outcome = st.session_state[COMPARE_RESULT]
        if settings["data_id"] != dataset.data_id:
            st.info(t("page.compare.other_data", name=md_escape(settings["label"])), icon=":material/info:")
        split, results = outcome.split, outcome.results

        st.subheader(t("page.compare.results"))
        table = outcome.table.rename(columns={
            "params": t("teach.compare.col.params"), "train_time_s": t("teach.compare.col.time"),
            "epochs": t("teach.compare.col.epochs"), "train_loss": t("teach.compare.col.train_loss"),
            "val_loss": t("teach.compare.col.val_loss"), "RMSE one-step": t("teach.compare.col.rmse_one_step"),
            "RMSE recursive": t("teach.compare.col.rmse_recursive")})
        table.index.name = t("page.compare.cell")
        st.dataframe(table, width="stretch", column_config={
            t("teach.compare.col.time"): st.column_config.NumberColumn(format="%.2f"),
            **{t(f"teach.compare.col.{k}"): st.column_config.NumberColumn(format="%.4g")
               for k in ("train_loss", "val_loss", "rmse_one_step", "rmse_recursive")}})
        st.caption(t("teach.compare.params"))

        charts.plot(loss_curves_figure({r.cell: (r.epochs, r.train_loss, r.val_loss) for r in results}, lang=lang),
                    "compare.loss_chart")
        mode = st.segmented_control(t("page.compare.mode"), ["recursive", "one_step"], key="compare.mode",
                                    default="recursive", required=True,
                                    format_func=lambda m: tr(f"page.compare.mode.{m}", lang), **PERSIST)
        test_axis = settings["axis"][split.n_train:]
        predictions = {r.cell: r.forecast.test_recursive if mode == "recursive" else r.forecast.test_one_step
                       for r in results}
        charts.plot(forecasts_figure(test_axis, split.test_values, predictions, lang=lang), "compare.forecast_chart")

        st.subheader(t("teach.grad.title"))
        st.markdown(t("teach.grad.intro"))
        relative = st.toggle(t("teach.grad.relative"), value=True, key="compare.grad_relative",
                             help=t("page.compare.relative.help"), **PERSIST)
        charts.plot(gradient_norm_figure(outcome.flow, lang=lang, relative=relative), "compare.grad_chart")
        st.caption(t("teach.grad.student", length=outcome.flow_length))
        st.info(t("teach.grad.student_caveat"), icon=":material/lightbulb:")

# == 2. the recall-the-spike task ========================================================================

st.header(t("teach.task.title"))
c1, c2 = st.container(key=screen.wrap_key(20, "compare_task")).columns([2, 1], vertical_alignment="bottom")
lag = c1.select_slider(t("teach.task.pick_lag"), [5, 10, 20, 40, 60, 80], value=40, key="compare.task.lag",
                       **PERSIST)
c2.toggle(t("teach.task.memory_bias"), value=True, key="compare.task.memory",
          help=t("teach.task.memory_bias.help", bias=synthetic.MEMORY_BIAS), **PERSIST)
st.markdown(t("teach.task.intro", lag=lag))
example = spike_task(1, lag, seed=lag)
charts.plot(spike_figure(example.x[:, 0, 0], int(example.position[0]), float(example.y[0]), lang=lang),
            "compare.spike_chart")


def start_task(lags: tuple[int, ...], job_key: str) -> None:
    """Button: train the three cells on the task at ``lags`` on a thread (each run cached for everyone)."""
    memory_bias = synthetic.MEMORY_BIAS if st.session_state.get("compare.task.memory", True) else 0.0
    settings = {"lags": lags, "memory_bias": memory_bias}
    work = synthetic.task_work(cached_task, CELL_ORDER, lags, steps=synthetic.TASK_STEPS, seed=0,
                               memory_bias=memory_bias)
    replace_job(job_key, jobs.start("task", work, settings, present=current_workspace().presence))


st.button(t("page.compare.task_run", lag=lag), type="primary", key="compare.task.run", on_click=start_task,
          args=((lag,), TASK_JOB), icon=":material/play_arrow:")
show_job(TASK_JOB)

if TASK_RESULT in st.session_state:
    settings, found = st.session_state[TASK_RESULT]
    (task_lag,) = settings["lags"]
    runs = [found[cell, task_lag] for cell in CELL_ORDER]
    charts.plot(task_curves_figure(runs, lang=lang), "compare.task_curves")
    for res in runs:
        verdict_key = task_verdict(res)
        verdict = t(verdict_key) if verdict_key else ""
        line = t("teach.task.result", cell=res.cell.upper(), lag=res.lag, accuracy=res.accuracy,
                 steps=int(res.steps[-1]), seconds=res.train_time_s)
        st.markdown(f"- {line}" + (f" **{verdict}**" if verdict else ""))
    st.subheader(t("page.compare.task_grad"))
    charts.plot(gradient_norm_figure({res.cell: res.grad for res in runs}, lang=lang, relative=True),
                "compare.task_grad_chart")
    factor = decay_per_step(found["rnn", task_lag].grad, slice(1, task_lag + 1))
    if np.isfinite(factor):
        st.markdown(t("teach.grad.rnn", factor=factor, total=factor**task_lag, lag=task_lag))
    st.markdown(t("teach.grad.lstm"))
    st.caption(t("teach.grad.trained_note"))

st.subheader(t("page.compare.sweep"))
st.caption(t("page.compare.sweep_help", lags=", ".join(map(str, synthetic.TASK_LAGS))))
st.button(t("page.compare.sweep_run"), key="compare.sweep.run", on_click=start_task,
          args=(synthetic.TASK_LAGS, SWEEP_JOB), icon=":material/stacked_line_chart:")
show_job(SWEEP_JOB)
if SWEEP_RESULT in st.session_state:
    settings, found = st.session_state[SWEEP_RESULT]
    accuracy = synthetic.accuracy_by_lag(found, CELL_ORDER, settings["lags"])
    charts.plot(task_accuracy_figure(settings["lags"], accuracy, lang=lang), "compare.sweep_chart")
    st.caption(t("page.compare.sweep_note"))
